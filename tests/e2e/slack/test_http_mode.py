"""``homeroom run --adapter slack`` in HTTP mode, as a black box: Slack's signed requests go
in over HTTP, and every assertion is about what the fake Slack received (Web API calls,
response_url posts) or what the process logged.

The process runs with ``command_prefix = "hr-"``, so every command is typed as Slack would
send it, ``/hr-announce``.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any
from urllib.parse import urlencode

from tests.e2e.slack.fake_slack import CHANNELS, FakeSlack
from tests.e2e.slack.process import Slack, eventually, signed_headers

TEACHER = "UTEACHER1"
SLACK_CONFIG = f'command_prefix = "hr-"\nteacher_users = ["{TEACHER}"]\n'
ANNOUNCEMENTS, GENERAL = CHANNELS["announcements"], CHANNELS["general"]


def _family(fake: FakeSlack, **extra: Any) -> str:
    """A new family member, so a test's people are its own in a process the module shares."""
    user = f"U{uuid.uuid4().hex[:9].upper()}"
    fake.add_user(user, f"Family {user[-4:]}", **extra)
    return user


def _teacher(fake: FakeSlack) -> str:
    if TEACHER not in fake.users:
        fake.add_user(TEACHER, "Ms Rivera")
    return TEACHER


def _blocks(post: dict[str, Any]) -> list[dict[str, Any]]:
    blocks = post.get("blocks") or []
    return json.loads(blocks) if isinstance(blocks, str) else blocks


def _button(post: dict[str, Any], label: str) -> dict[str, Any]:
    for block in _blocks(post):
        for element in block.get("elements", []):
            if element.get("type") == "button" and element["text"]["text"].startswith(label):
                return element
    raise AssertionError(f"no button {label!r} in {post.get('text')!r}")


def _announce(slack: Slack, text: str) -> dict[str, Any]:
    """The teacher announces ``text``; the post #announcements received."""
    assert slack.command(_teacher(slack.fake), "/hr-announce", f'text:"{text}"').status_code == 200
    return eventually(lambda: next((p for p in slack.fake.posts(ANNOUNCEMENTS) if text in p["text"]), None),
                      f"the announcement {text!r} in #announcements")


# ----- start-up ------------------------------------------------------------------------------------

def test_the_start_logs_no_warning_that_the_token_is_unused(slack: Slack) -> None:
    slack.process.wait_for_log("slack: listening on")
    assert "will be unused" not in slack.process.log
    assert "will be ignored" not in slack.process.log


def test_the_web_api_is_reached_at_the_configured_base_url(slack: Slack) -> None:
    # The process was given no other address: auth.test at start came to the fake.
    assert slack.fake.called("auth.test")


# ----- slash commands ------------------------------------------------------------------------------

def test_a_prefixed_slash_command_is_answered_privately_through_its_response_url(slack: Slack) -> None:
    family = _family(slack.fake)
    assert slack.command(family, "/hr-language", "name:español").status_code == 200
    [answer] = eventually(lambda: slack.fake.ephemerals(family), "the answer to /hr-language")
    assert "español" in answer


def test_help_names_every_command_with_the_prefix_it_is_typed_with(slack: Slack) -> None:
    family = _family(slack.fake)
    slack.command(family, "/hr-help")
    [answer] = eventually(lambda: slack.fake.ephemerals(family), "the answer to /hr-help")
    listed = [line.split(" — ")[0] for line in answer.splitlines()[1:]]
    assert "/hr-help" in listed and "/hr-ask" in listed
    assert all(name.startswith("/hr-") for name in listed), listed


def test_a_command_without_the_prefix_is_not_this_apps(slack: Slack) -> None:
    family = _family(slack.fake)
    response = slack.command(family, "/help")
    assert response.status_code == 404  # bolt: no listener; Slack shows its own "failed" notice
    time.sleep(0.5)
    assert slack.fake.ephemerals(family) == []


def test_a_refusal_names_the_command_as_typed_here(slack: Slack) -> None:
    family = _family(slack.fake)
    slack.command(family, "/hr-announce", 'text:"Party!"')
    [answer] = eventually(lambda: slack.fake.ephemerals(family), "the refusal")
    assert "/hr-announce" in answer and "/hr-help" in answer
    assert not any("Party!" in p["text"] for p in slack.fake.posts(ANNOUNCEMENTS))


def test_a_response_url_that_cannot_be_reached_falls_back_to_chat_post_ephemeral(slack: Slack) -> None:
    family = _family(slack.fake)
    closed_port = "http://127.0.0.1:9/response/nowhere"  # the discard port: nothing listens
    slack.command(family, "/hr-timezone", "zone:America/Chicago", response_url=closed_port)
    ephemeral = eventually(lambda: [c for c in slack.fake.called("chat.postEphemeral") if c.get("user") == family],
                           "chat.postEphemeral for the family")
    assert ephemeral[0]["channel"] == GENERAL
    assert "America/Chicago" in ephemeral[0]["text"]
    assert "Traceback" not in slack.process.log


def test_a_command_typed_without_its_options_opens_a_modal_and_its_submission_runs_it(slack: Slack) -> None:
    teacher = _teacher(slack.fake)
    before = len(slack.fake.called("views.open"))
    slack.command(teacher, "/hr-announce")
    opened = eventually(lambda: slack.fake.called("views.open")[before:], "views.open")
    view = opened[0]["view"]
    view = json.loads(view) if isinstance(view, str) else view
    assert view["callback_id"] == "hr|cmd:announce|"
    assert view["title"]["text"] == "Post an announcement to…"  # its description, cut to Slack's 24
    assert slack.view_submission(teacher, view, {"text": "Picture day is Tuesday"}).status_code == 200
    eventually(lambda: [p for p in slack.fake.posts(ANNOUNCEMENTS) if "Picture day is Tuesday" in p["text"]],
               "the announcement from the modal")


# ----- signatures ----------------------------------------------------------------------------------

def test_a_request_with_a_wrong_signature_is_refused_and_logged_without_its_body(slack: Slack) -> None:
    family = _family(slack.fake)
    words = "Mi hija tiene fiebre hoy"
    body = urlencode(slack.command_body(family, "/hr-ask", f'question:"{words}"'))
    response = slack.post(body, signed_headers(body, "application/x-www-form-urlencoded", secret="not-the-secret"))
    assert response.status_code == 401
    slack.process.wait_for_log("refused a request whose signature")
    assert "fiebre" not in slack.process.log
    assert family not in slack.process.log
    assert slack.fake.ephemerals(family) == []


def test_a_request_older_than_five_minutes_is_refused(slack: Slack) -> None:
    family = _family(slack.fake)
    body = urlencode(slack.command_body(family, "/hr-help"))
    assert slack.post(body, signed_headers(body, "application/x-www-form-urlencoded", age=301)).status_code == 401
    time.sleep(0.5)
    assert slack.fake.ephemerals(family) == []


# ----- events --------------------------------------------------------------------------------------

def test_a_reaction_redelivered_with_retry_headers_signs_the_family_up_once(slack: Slack) -> None:
    teacher = _teacher(slack.fake)
    title = f"Trip {uuid.uuid4().hex[:6]}"
    slack.command(teacher, "/hr-signup", f'create title:"{title}" slots:"🚌 Driver x2"')
    card = eventually(lambda: next((p for p in slack.fake.posts(GENERAL) if title in p["text"]), None),
                      "the sign-up card")
    eventually(lambda: [c for c in slack.fake.called("reactions.add") if c["timestamp"] == card["_ts"]],
               "the bot's own 🚌 on the card")
    family = _family(slack.fake)
    event_id = f"Ev{uuid.uuid4().hex[:10].upper()}"
    for retry in (None, 1, 2):
        assert slack.react(family, GENERAL, card["_ts"], "bus", event_id=event_id, retry=retry).status_code == 200
    def notices() -> list[dict[str, Any]]:  # a new family is also welcomed, once
        return [p for p in slack.fake.posts(f"D{family}") if "Welcome to Homeroom" not in p["text"]]

    first = eventually(notices, "the family's sign-up notice")
    edited = eventually(lambda: [c for c in slack.fake.called("chat.update") if c["ts"] == card["_ts"]
                                 and "1/2" in c["text"]], "the card showing 1/2")
    time.sleep(1.0)  # room for a second notice, welcome or edit, were there one
    assert len(notices()) == len(first) == 1
    assert len(slack.fake.posts(f"D{family}")) == 2
    assert "signed up" in first[0]["text"]
    assert all("2/2" not in c["text"] for c in slack.fake.called("chat.update") if c["ts"] == card["_ts"])
    assert edited


def test_a_button_press_reaches_the_feature_and_is_answered_privately(slack: Slack) -> None:
    post = _announce(slack, f"Book fair {uuid.uuid4().hex[:6]}")
    family = _family(slack.fake)
    got_it = _button(post, "Got it")
    assert slack.block_action(family, ANNOUNCEMENTS, post["_ts"], got_it["action_id"], got_it["value"]
                              ).status_code == 200
    [answer] = eventually(lambda: slack.fake.ephemerals(family), "the Got it answer")
    assert answer.startswith("Thank you!")


def test_a_forged_button_that_is_not_ours_gets_no_answer(slack: Slack) -> None:
    family = _family(slack.fake)
    assert slack.block_action(family, ANNOUNCEMENTS, "1.1", "someone_elses_button", "x").status_code == 404
    time.sleep(0.5)
    assert slack.fake.ephemerals(family) == []


# ----- what Slack shows ----------------------------------------------------------------------------

def test_the_fallback_text_uses_slack_mrkdwn_bold_not_markdown(slack: Slack) -> None:
    post = _announce(slack, f"Concert {uuid.uuid4().hex[:6]}")
    assert "**" not in post["text"]
    title = next(b["text"]["text"] for b in _blocks(post) if b["type"] == "header")
    assert post["text"].startswith(f"*{title}*")


def test_a_rate_limited_post_is_sent_again_after_retry_after(slack: Slack) -> None:
    slack.fake.fail("chat.postMessage", "ratelimited", status=429, retry_after=1,
                    when=lambda args: "Snow day" in str(args.get("text")))
    text = f"Snow day {uuid.uuid4().hex[:6]}"
    post = _announce(slack, text)
    calls = [c for c in slack.fake.calls if c.method == "chat.postMessage" and text in str(c.args.get("text"))]
    assert len(calls) == 2 and calls[-1].args is post
    assert calls[1].at - calls[0].at >= 0.9  # Retry-After was honoured, not ignored


def test_a_public_channel_the_bot_was_not_invited_to_is_joined_before_posting(slack: Slack) -> None:
    committee = slack.fake.channels[CHANNELS["committee"]]
    committee["is_member"] = False
    text = f"Bake sale {uuid.uuid4().hex[:6]}"
    slack.command(_teacher(slack.fake), "/hr-announce", f'text:"{text}" channel:#committee')
    eventually(lambda: [p for p in slack.fake.posts(CHANNELS["committee"]) if text in p["text"]],
               "the announcement in #committee")
    joined = slack.fake.called("conversations.join")[-1]
    assert joined["channel"] == CHANNELS["committee"] and joined["_ok"]
    refused = [c for c in slack.fake.calls if c.method == "chat.postMessage" and text in str(c.args.get("text"))]
    assert len(refused) == 2  # not_in_channel, then the post after joining


def test_a_private_channel_the_bot_is_not_in_gets_the_teacher_told_to_invite_it(slack: Slack) -> None:
    staff = slack.fake.channels[CHANNELS["staff"]]
    staff.update(is_private=True, is_member=False)
    teacher = _teacher(slack.fake)
    before = len(slack.fake.ephemerals(teacher)) + len(slack.fake.posts(f"D{teacher}"))
    slack.command(teacher, "/hr-announce", 'text:"Fire drill at 10" channel:#staff')
    eventually(lambda: [c for c in slack.fake.called("chat.postMessage") if "Fire drill" in str(c.get("text"))],
               "the refused post")
    told = eventually(lambda: [t for t in (slack.fake.ephemerals(teacher) + [p["text"] for p in slack.fake.posts(
        f"D{teacher}")])[before:] if "invite" in t.lower()], "the teacher told to invite the bot", timeout=20)
    assert "Nothing was sent to families" in told[0]
    assert [c for c in slack.fake.called("chat.postMessage") if "Fire drill" in str(c.get("text"))][1:] == []


def test_what_a_teacher_typed_is_translated_as_typed_and_shown_escaped_once(slack: Slack) -> None:
    # Slack sends &, < and > in command text as entities; a link as <https://...>.
    slack.command(_teacher(slack.fake), "/hr-announce",
                  'text:"Snacks &amp; drinks &lt;3, see <https://school.example/menu>"')
    post = eventually(lambda: next((p for p in slack.fake.posts(ANNOUNCEMENTS) if "Snacks" in p["text"]), None),
                      "the announcement")
    section = next(b["text"]["text"] for b in _blocks(post) if b["type"] == "section")
    assert "Snacks &amp; drinks &lt;3, see <https://school.example/menu>" in section
    assert "&amp;amp;" not in post["text"] and "Snacks &amp; drinks &lt;3" in post["text"]
    family = _family(slack.fake, locale="es-ES")
    slack.command(family, "/hr-language", "name:español")
    eventually(lambda: slack.fake.ephemerals(family), "the language answer")
    translate = _button(post, "Translate")
    slack.block_action(family, ANNOUNCEMENTS, post["_ts"], translate["action_id"], translate["value"])
    eventually(lambda: [t for t in slack.fake.translations if "Snacks" in t.get("q", "")], "the translation request")
    asked = next(t["q"] for t in slack.fake.translations if "Snacks" in t.get("q", ""))
    assert "Snacks & drinks <3" in asked  # the words as typed, not Slack's entities
