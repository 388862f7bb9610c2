"""A file with /announce as Slack delivers it: from the modal's file input (the submission's
state carries the file object) or as a file's link typed after ``attach:`` (files.info). The
bot downloads the file with its token and uploads it beside the post; a family reading by DM
gets the post's permalink; a file the rules refuse is answered privately and nothing is
posted; a sign-up's file goes beside its card and a volunteer's notice links the card;
deleting an announcement takes its file and the DMs families got. Every assertion is about
what the fake Slack received."""

from __future__ import annotations

import json
import uuid
from typing import Any

from tests.e2e.slack.fake_slack import BOT_TOKEN, CHANNELS, TEAM, FakeSlack
from tests.e2e.slack.process import Slack, eventually

TEACHER = "UTEACHER7"
SLACK_CONFIG = f'command_prefix = "hr-"\nteacher_users = ["{TEACHER}"]\n'
ANNOUNCEMENTS = CHANNELS["announcements"]
GENERAL = CHANNELS["general"]
PDF = b"%PDF-1.7\n" + b"1" * 4096 + b"\n%%EOF\n"


def _teacher(fake: FakeSlack) -> str:
    if TEACHER not in fake.users:
        fake.add_user(TEACHER, "Mr Baptiste")
    return TEACHER


def _family(fake: FakeSlack) -> str:
    user = f"U{uuid.uuid4().hex[:9].upper()}"
    fake.add_user(user, f"Family {user[-4:]}")
    return user


def _private_to(fake: FakeSlack, user: str) -> list[str]:
    return fake.ephemerals(user) + [p.get("text", "") for p in fake.posts(f"D{user}")]


def _announce_form(slack: Slack, teacher: str) -> dict[str, Any]:
    before = len(slack.fake.called("views.open"))
    slack.command(teacher, "/hr-announce")
    view = eventually(lambda: slack.fake.called("views.open")[before:], "views.open")[0]["view"]
    return json.loads(view) if isinstance(view, str) else view


def _submit(slack: Slack, teacher: str, view: dict[str, Any], text: str, file: dict[str, Any]) -> None:
    state = {"text": {"value": {"type": "plain_text_input", "value": text}},
             "attach": {"value": {"type": "file_input", "files": [file]}}}
    response = slack.interactive({
        "type": "view_submission", "team": {"id": TEAM, "domain": "school"},
        "user": {"id": teacher, "username": slack.fake.users[teacher]["name"], "team_id": TEAM},
        "api_app_id": "A0E2E", "token": "deprecated", "trigger_id": f"trig.{uuid.uuid4().hex}",
        "view": {**view, "id": f"V{uuid.uuid4().hex[:6]}", "hash": uuid.uuid4().hex[:8], "state": {"values": state}}})
    assert response.status_code == 200


def test_the_announce_form_has_a_file_input(slack: Slack) -> None:
    view = _announce_form(slack, _teacher(slack.fake))
    attach = next(b for b in view["blocks"] if b.get("block_id") == "attach")
    assert attach["element"]["type"] == "file_input"
    assert attach["optional"] is True


def test_a_file_from_the_form_is_uploaded_beside_the_post(slack: Slack) -> None:
    teacher = _teacher(slack.fake)
    slip = slack.fake.share_file(teacher, "field-trip.pdf", PDF, "application/pdf")
    _submit(slack, teacher, _announce_form(slack, teacher), "Field trip slips are due Friday", slip)
    eventually(lambda: [p for p in slack.fake.posts(ANNOUNCEMENTS) if "Field trip slips" in p["text"]],
               "the announcement")
    shared = eventually(lambda: [f for f in slack.fake.shared_in(ANNOUNCEMENTS) if f[0] == "field-trip.pdf"],
                        "the file in #announcements")
    assert shared == [("field-trip.pdf", PDF)]
    assert any(slip["id"] in path and token == BOT_TOKEN for path, token in slack.fake.downloads)


def test_a_dm_reader_gets_the_posts_permalink(slack: Slack) -> None:
    teacher, family = _teacher(slack.fake), _family(slack.fake)
    slack.command(family, "/hr-delivery", "dm")
    eventually(lambda: slack.fake.ephemerals(family) or slack.fake.posts(f"D{family}"), "the delivery answer")
    menu = slack.fake.share_file(teacher, "lunch-menu.png", b"\x89PNG\r\n\x1a\n" + b"0" * 256, "image/png")
    _submit(slack, teacher, _announce_form(slack, teacher), "The new lunch menu", menu)
    post = eventually(lambda: next((p for p in slack.fake.posts(ANNOUNCEMENTS) if "lunch menu" in p["text"]), None),
                      "the announcement")
    dm = eventually(lambda: [p for p in slack.fake.posts(f"D{family}") if "lunch-menu.png" in json.dumps(p)],
                    "the DM with the link")[0]
    permalink = f"https://school.slack.com/archives/{ANNOUNCEMENTS}/p{post['_ts'].replace('.', '')}"
    assert f"lunch-menu.png — {permalink}" in json.dumps(dm, ensure_ascii=False)
    assert slack.fake.shared_in(f"D{family}") == []  # a link, not a second copy


def test_a_files_link_typed_after_attach_is_read_with_files_info(slack: Slack) -> None:
    teacher = _teacher(slack.fake)
    flyer = slack.fake.share_file(teacher, "book-fair.pdf", PDF, "application/pdf")
    slack.command(teacher, "/hr-announce", f'text:"Book fair next week" attach:<{flyer["permalink"]}>')
    eventually(lambda: [p for p in slack.fake.posts(ANNOUNCEMENTS) if "Book fair" in p["text"]], "the announcement")
    assert {"file": flyer["id"]}.items() <= slack.fake.called("files.info")[-1].items()
    eventually(lambda: [f for f in slack.fake.shared_in(ANNOUNCEMENTS) if f == ("book-fair.pdf", PDF)],
               "the file in #announcements")


def test_a_file_too_large_is_refused_privately_and_nothing_is_posted(slack: Slack) -> None:
    teacher = _teacher(slack.fake)
    video = slack.fake.share_file(teacher, "concert.pdf", b"%PDF-" + b"0" * (11 * 1024 * 1024), "application/pdf")
    _submit(slack, teacher, _announce_form(slack, teacher), "Concert recording", video)
    eventually(lambda: [t for t in _private_to(slack.fake, teacher) if "a file can be at most 10 MB" in t],
               "the refusal")
    assert not [p for p in slack.fake.posts(ANNOUNCEMENTS) if "Concert recording" in p["text"]]
    assert not [d for d in slack.fake.downloads if video["id"] in d[0]]


def test_a_refused_kind_of_file_is_refused_privately_and_nothing_is_posted(slack: Slack) -> None:
    teacher = _teacher(slack.fake)
    sheet = slack.fake.share_file(teacher, "grades.xlsx", b"PK\x03\x04" + b"0" * 64,
                                  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    _submit(slack, teacher, _announce_form(slack, teacher), "All the grades", sheet)
    eventually(lambda: [t for t in _private_to(slack.fake, teacher) if "grades.xlsx is a kind of file" in t],
               "the refusal")
    assert not [p for p in slack.fake.posts(ANNOUNCEMENTS) if "All the grades" in p["text"]]


def test_a_link_to_a_file_slack_does_not_know_is_refused_and_nothing_is_posted(slack: Slack) -> None:
    teacher = _teacher(slack.fake)
    link = "https://school.slack.com/files/UTEACHER7/F0GONE1234/old-flyer.pdf"
    slack.command(teacher, "/hr-announce", f'text:"Old flyer" attach:<{link}>')
    eventually(lambda: [t for t in _private_to(slack.fake, teacher) if "I can't open the file" in t], "the refusal")
    assert {"file": "F0GONE1234"}.items() <= slack.fake.called("files.info")[-1].items()
    assert not [p for p in slack.fake.posts(ANNOUNCEMENTS) if "Old flyer" in p["text"]]


def _announced_with_file(slack: Slack, teacher: str, text: str, name: str) -> dict[str, Any]:
    """An announcement made from the form with a file; its post, once the file is shown."""
    file = slack.fake.share_file(teacher, name, PDF, "application/pdf")
    _submit(slack, teacher, _announce_form(slack, teacher), text, file)
    post = eventually(lambda: next((p for p in slack.fake.posts(ANNOUNCEMENTS) if text in p["text"]), None),
                      "the announcement")
    eventually(lambda: [f for f in slack.fake.files_in(ANNOUNCEMENTS) if f[0] == name], "the file in #announcements")
    return post


def _number(post: dict[str, Any]) -> str:
    blocks = post["blocks"] if isinstance(post["blocks"], list) else json.loads(post["blocks"])
    footer = next(e["text"] for b in blocks if b["type"] == "context" for e in b["elements"])
    return footer.rsplit("#", 1)[1]


def test_deleting_the_announcement_removes_its_file_from_the_channel(slack: Slack) -> None:
    teacher = _teacher(slack.fake)
    post = _announced_with_file(slack, teacher, "Picnic on the lawn", "picnic-map.pdf")
    slack.command(teacher, "/hr-announcement", f"delete id:{_number(post)}")
    eventually(lambda: slack.fake.message(ANNOUNCEMENTS, post["_ts"]) is None, "the post deleted")
    eventually(lambda: not [f for f in slack.fake.files_in(ANNOUNCEMENTS) if f[0] == "picnic-map.pdf"],
               "the file's message gone with the post")


def test_a_file_slack_refuses_after_the_post_is_told_to_the_author_once(slack: Slack) -> None:
    teacher = _teacher(slack.fake)
    slack.fake.fail("files.completeUploadExternal", "internal_error")
    file = slack.fake.share_file(teacher, "bus-times.pdf", PDF, "application/pdf")
    _submit(slack, teacher, _announce_form(slack, teacher), "Bus times change Monday", file)
    notice = eventually(lambda: [t for t in _private_to(slack.fake, teacher) if "bus-times.pdf" in t], "the notice")
    assert "went out without the file bus-times.pdf" in notice[0]
    assert len([p for p in slack.fake.posts(ANNOUNCEMENTS) if "Bus times change" in p["text"]]) == 1
    assert not [f for f in slack.fake.files_in(ANNOUNCEMENTS) if f[0] == "bus-times.pdf"]


def test_a_sign_up_whose_file_slack_refuses_is_posted_and_the_organiser_told(slack: Slack) -> None:
    teacher = _teacher(slack.fake)
    flyer = slack.fake.share_file(teacher, "bake-sale.pdf", PDF, "application/pdf")
    slack.fake.fail("files.completeUploadExternal", "internal_error")
    slack.command(teacher, "/hr-signup",
                  f'create title:"Bake sale" slots:"🍪 Cookies x2" attach:<{flyer["permalink"]}>')
    answer = eventually(lambda: [t for t in slack.fake.ephemerals(teacher) if "bake-sale.pdf" in t], "the answer")
    assert "is posted, but without bake-sale.pdf: the platform would not take the file" in answer[0]
    assert len([p for p in slack.fake.posts() if "Bake sale" in json.dumps(p)]) == 1
    assert not [f for f in slack.fake.files_in(ANNOUNCEMENTS) + slack.fake.files_in(CHANNELS["general"])
                if f[0] == "bake-sale.pdf"]


def test_an_edited_announcement_still_takes_its_file_when_deleted(slack: Slack) -> None:
    teacher = _teacher(slack.fake)
    post = _announced_with_file(slack, teacher, "Choir practice moves", "choir-rota.pdf")
    number = _number(post)
    slack.command(teacher, "/hr-announcement", f'edit id:{number} text:"Choir practice moves to Thursday"')
    eventually(lambda: "Thursday" in json.dumps(slack.fake.message(ANNOUNCEMENTS, post["_ts"]) or {}), "the edit")
    slack.command(teacher, "/hr-announcement", f"delete id:{number}")
    eventually(lambda: slack.fake.message(ANNOUNCEMENTS, post["_ts"]) is None, "the post deleted")
    eventually(lambda: not [f for f in slack.fake.files_in(ANNOUNCEMENTS) if f[0] == "choir-rota.pdf"],
               "the file's message gone with the post")


def test_a_volunteer_gets_the_sign_up_cards_permalink_for_its_permission_slip(slack: Slack) -> None:
    teacher, family = _teacher(slack.fake), _family(slack.fake)
    slip = slack.fake.share_file(teacher, "zoo-permission.pdf", PDF, "application/pdf")
    title = f"Zoo trip {uuid.uuid4().hex[:6]}"
    slack.command(teacher, "/hr-signup", f'create title:"{title}" slots:"🚌 Chaperone x2" attach:<{slip["permalink"]}>')
    card = eventually(lambda: next((p for p in slack.fake.posts(GENERAL) if title in p["text"]), None),
                      "the sign-up card")
    eventually(lambda: [f for f in slack.fake.shared_in(GENERAL) if f == ("zoo-permission.pdf", PDF)],
               "the slip beside the card")
    eventually(lambda: [c for c in slack.fake.called("reactions.add") if c["timestamp"] == card["_ts"]],
               "the bot's own 🚌 on the card")
    slack.react(family, GENERAL, card["_ts"], "bus")
    notice = eventually(lambda: [p for p in slack.fake.posts(f"D{family}") if "signed up" in json.dumps(p)],
                        "the family's sign-up notice")[0]
    permalink = f"https://school.slack.com/archives/{GENERAL}/p{card['_ts'].replace('.', '')}"
    assert f"zoo-permission.pdf — {permalink}" in json.dumps(notice, ensure_ascii=False)
    assert slack.fake.shared_in(f"D{family}") == []  # a link, not a second copy


def test_deleting_the_announcement_removes_the_dm_a_family_got(slack: Slack) -> None:
    teacher, family = _teacher(slack.fake), _family(slack.fake)
    slack.command(family, "/hr-delivery", "dm")
    eventually(lambda: slack.fake.ephemerals(family) or slack.fake.posts(f"D{family}"), "the delivery answer")
    post = _announced_with_file(slack, teacher, "Sports day moves", "sports-day.pdf")
    dm = eventually(lambda: next((p for p in slack.fake.posts(f"D{family}") if "Sports day" in json.dumps(p)), None),
                    "the family's DM")
    slack.command(teacher, "/hr-announcement", f"delete id:{_number(post)}")
    eventually(lambda: slack.fake.message(f"D{family}", dm["_ts"]) is None, "the DM deleted")
    assert slack.fake.message(ANNOUNCEMENTS, post["_ts"]) is None
