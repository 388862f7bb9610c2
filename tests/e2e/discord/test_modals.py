"""The modal a slash command opens when its long text was left out: drawn in the member's
language, with what was already typed kept — a text option filled in, every other option
(a channel, a yes/no, a file) carried to the submit, so the command runs with all of it. A
submit naming options the bot no longer holds is answered privately and runs nothing."""

from __future__ import annotations

from tests.e2e.discord.fake import CHANNELS, EPHEMERAL
from tests.e2e.discord.process import quiet, wait_for
from tests.e2e.discord.room import Room

PDF = b"%PDF-1.7\n" + b"0" * 2048 + b"\n%%EOF\n"


def _labels(modal: dict) -> dict[str, str]:
    return {row["component"]["custom_id"]: row["label"] for row in modal["components"]}


def _input_row(modal: dict, custom_id: str) -> dict:
    return next(row for row in modal["components"] if row["component"]["custom_id"] == custom_id)


def _input(modal: dict, custom_id: str) -> dict:
    return _input_row(modal, custom_id)["component"]


def test_the_modal_speaks_the_language_of_the_members_discord(room: Room) -> None:
    teacher = room.fake.person("Sra. Ruiz", "Teacher", locale="es-ES")
    asked = room.command(teacher, "announce")
    modal = room.modal(asked)
    assert [c["type"] for c in room.fake.callbacks(asked)] == [9]
    assert modal["title"] == "Publicar un anuncio para las familias"
    assert _labels(modal)["text"] == "Lo que las familias deben saber"
    assert _labels(modal)["attach"] == "Un archivo para publicar con el anuncio: una…"
    assert _input_row(modal, "attach")["description"] == "Un archivo para publicar con el anuncio: una imagen o un PDF"


def test_a_channel_and_a_yes_no_typed_with_the_command_reach_it_through_the_modal(room: Room) -> None:
    teacher = room.fake.person("Ms Hale", "Teacher")
    modal = room.modal(room.command(teacher, "announce", channel=CHANNELS["general"], urgent=True))
    assert "channel" not in _labels(modal) and "urgent" not in _labels(modal)
    room.submit(teacher, modal, text="Early pick-up today: the heating is off")
    post = room.card("Early pick-up today")
    assert post["channel_id"] == str(CHANNELS["general"])
    assert room.posts("Early pick-up today") == [post]


def test_a_text_option_typed_with_the_command_is_filled_in(room: Room) -> None:
    teacher = room.fake.person("Mr Abe", "Teacher")
    modal = room.modal(room.command(teacher, "announce", when="tomorrow 7:30am"))
    assert _input(modal, "when")["value"] == "tomorrow 7:30am"
    assert "value" not in _input(modal, "text")


def test_a_file_typed_with_the_command_is_posted_with_the_modals_text(room: Room) -> None:
    teacher = room.fake.person("Ms Kaur", "Teacher")
    slip = room.fake.upload("trip-slip.pdf", PDF, "application/pdf")
    modal = room.modal(room.command(teacher, "announce", attach=slip))
    assert "attach" not in _labels(modal)  # given already: a file upload cannot be filled in
    room.submit(teacher, modal, text="Zoo trip next week: the slip is attached")
    post = room.card("Zoo trip next week")
    assert wait_for(lambda: room.fake.uploads_in(post), describe="the file on the post") == [("trip-slip.pdf", PDF)]


def test_a_submit_whose_typed_options_are_gone_is_answered_privately_and_nothing_is_posted(room: Room) -> None:
    teacher = room.fake.person("Mr Obi", "Teacher")
    slip = room.fake.upload("concert.pdf", PDF, "application/pdf")
    modal = room.modal(room.command(teacher, "announce", attach=slip))
    head, mark, _ = modal["custom_id"].rpartition("~")
    assert mark, "a file is kept by the bot under a token in the modal's id"
    forgotten = {**modal, "custom_id": f"{head}~forgotten1234"}  # as after a restart
    asked = room.submit(teacher, forgotten, text="Winter concert on Friday")
    answer = room.answer(asked, "/announce")
    assert "nothing was done" in answer and "type /announce again" in answer
    assert int(room.fake.callbacks(asked)[0]["data"]["flags"]) & EPHEMERAL
    quiet(room.fake)
    assert room.posts("Winter concert on Friday") == []


def test_a_family_typing_a_staff_command_is_refused_at_once_not_after_a_form(room: Room) -> None:
    family = room.fake.person("Ana")
    before = room.posts("")
    asked = room.command(family, "announce")
    answer = room.answer(asked, "/announce")
    assert 9 not in [c["type"] for c in room.fake.callbacks(asked)]  # no modal to fill in for nothing
    assert "only for" in answer.lower() or "cannot use" in answer.lower()
    quiet(room.fake)
    assert room.posts("") == before
