"""A file with /announce as Discord delivers it (an attachment option: its id, the file in
``data.resolved.attachments``): the channel post carries the file's bytes, a family reading
by DM gets the post's link, a file the rules refuse is answered privately and nothing is
posted."""

from __future__ import annotations

from tests.e2e.discord.fake import CHANNELS, GUILD_ID
from tests.e2e.discord.process import quiet, wait_for
from tests.e2e.discord.room import Room

BACKENDS = ["sqlite", "postgresql"]
PDF = b"%PDF-1.7\n" + b"0" * 2048 + b"\n%%EOF\n"


def test_the_attach_option_is_registered_as_a_file(room: Room) -> None:
    announce = room.registered("announce")
    assert announce is not None
    assert {o["name"]: o["type"] for o in announce["options"]}["attach"] == 11


def test_the_post_carries_the_file_and_a_dm_reader_gets_its_link(room: Room) -> None:
    teacher = room.fake.person("Ms Oko", "Teacher")
    family = room.fake.person("Lucía", locale="es-ES")
    room.answer(room.command(family, "delivery", mode="dm"))
    slip = room.fake.upload("permission-slip.pdf", PDF, "application/pdf")
    room.command(teacher, "announce", text="Museum trip: please sign the slip.", attach=slip)
    post = room.card("Museum trip")
    assert post["channel_id"] == str(CHANNELS["announcements"])
    uploaded = wait_for(lambda: room.fake.uploads_in(post), describe="the file on the post")
    assert uploaded == [("permission-slip.pdf", PDF)]
    dm = wait_for(lambda: room.dms_containing(family, "permission-slip.pdf"), describe="the DM with the link")[0]
    link = f"https://discord.com/channels/{GUILD_ID}/{CHANNELS['announcements']}/{post['id']}"
    assert f"permission-slip.pdf — {link}" in dm
    assert not [m for m in room.fake.dms_to(family) if m.get("attachments")]  # a link, not a copy


def test_a_file_too_large_is_refused_privately_and_nothing_is_posted(room: Room) -> None:
    teacher = room.fake.person("Mr Ito", "Teacher")
    video = room.fake.upload("assembly.pdf", b"%PDF-1.7\n" + b"0" * (11 * 1024 * 1024), "application/pdf")
    asked = room.command(teacher, "announce", text="Assembly recording", attach=video)
    answer = room.answer(asked, "assembly.pdf")
    assert "a file can be at most 10 MB" in answer
    quiet(room.fake)
    assert room.posts("Assembly recording") == []


def test_a_refused_kind_of_file_is_refused_privately_and_nothing_is_posted(room: Room) -> None:
    teacher = room.fake.person("Ms Dar", "Teacher")
    program = room.fake.upload("setup.exe", b"MZ" + b"\x00" * 100, "application/x-msdownload")
    asked = room.command(teacher, "announce", text="Install this", attach=program)
    assert "setup.exe is a kind of file I don't post" in room.answer(asked, "setup.exe")
    quiet(room.fake)
    assert room.posts("Install this") == []


def test_a_file_the_channel_refuses_goes_without_it_and_the_author_is_told_once(room: Room) -> None:
    teacher = room.fake.person("Mr Cole", "Teacher")
    poster = room.fake.upload("book-fair-poster.pdf", PDF, "application/pdf")
    room.fake.upload_limit = 1024  # a server whose channels take less than the bot's own check allows
    try:
        room.command(teacher, "announce", text="Book fair all week", attach=poster)
        post = room.card("Book fair all week")
        notice = wait_for(lambda: room.dms_containing(teacher, "book-fair-poster.pdf"), describe="the notice")[0]
    finally:
        room.fake.upload_limit = 10 * 1024 * 1024
    assert "went out without the file book-fair-poster.pdf" in notice
    assert room.fake.uploads_in(post) == []
    quiet(room.fake)
    assert len(room.posts("Book fair all week")) == 1
    assert len(room.dms_containing(teacher, "book-fair-poster.pdf")) == 1


def test_the_announce_modal_has_an_optional_file_upload(room: Room) -> None:
    teacher = room.fake.person("Ms Park", "Teacher")
    modal = room.modal(room.command(teacher, "announce"))
    uploads = [row for row in modal["components"] if row["type"] == 18 and row["component"]["type"] == 19]
    assert [(u["label"], u["component"]["custom_id"], u["component"]["required"]) for u in uploads] == [
        ("A file to post with it: an image or a PDF", "attach", False)]


def test_a_file_from_the_modal_is_posted_with_the_announcement(room: Room) -> None:
    teacher = room.fake.person("Mr Diaz", "Teacher")
    modal = room.modal(room.command(teacher, "announce"))
    menu = room.fake.upload("spring-menu.pdf", PDF, "application/pdf")
    room.submit(teacher, modal, text="The spring lunch menu is here", attach=menu)
    post = room.card("spring lunch menu")
    assert wait_for(lambda: room.fake.uploads_in(post), describe="the file on the post") == [("spring-menu.pdf", PDF)]


def test_a_modal_without_a_file_posts_the_announcement_alone(room: Room) -> None:
    teacher = room.fake.person("Ms Roy", "Teacher")
    modal = room.modal(room.command(teacher, "announce"))
    room.submit(teacher, modal, text="No school on Monday")
    post = room.card("No school on Monday")
    assert room.fake.uploads_in(post) == []


def test_a_file_from_the_modal_too_large_is_refused_privately_and_nothing_is_posted(room: Room) -> None:
    teacher = room.fake.person("Mr Lund", "Teacher")
    modal = room.modal(room.command(teacher, "announce"))
    video = room.fake.upload("play.pdf", b"%PDF-1.7\n" + b"0" * (11 * 1024 * 1024), "application/pdf")
    asked = room.submit(teacher, modal, text="The class play, recorded", attach=video)
    assert "a file can be at most 10 MB" in room.answer(asked, "play.pdf")
    quiet(room.fake)
    assert room.posts("The class play, recorded") == []


def test_a_sign_up_whose_file_the_channel_refuses_is_posted_once_and_the_organiser_told(room: Room) -> None:
    teacher = room.fake.person("Ms Vu", "Teacher")
    flyer = room.fake.upload("fun-run.pdf", PDF, "application/pdf")
    room.fake.upload_limit = 1024
    try:
        asked = room.command(teacher, "signup create", title="Fun run helpers", slots="🏃 Marshal x3", attach=flyer)
        answer = room.answer(asked, "fun-run.pdf")
    finally:
        room.fake.upload_limit = 10 * 1024 * 1024
    assert "is posted, but without fun-run.pdf: the platform would not take the file" in answer
    quiet(room.fake)
    [card] = room.posts("Fun run helpers")
    assert room.fake.uploads_in(card) == []
