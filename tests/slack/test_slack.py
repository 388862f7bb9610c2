"""The Slack adapter through signed HTTP requests to the real bolt app and a fake Web API."""

from __future__ import annotations

import json

from adapters.slack import inbound
from adapters.slack.manifest import build_manifest
from bot.api.events import Actor, ReactionAdded
from bot.api.messages import Message
from bot.api.refs import UserRef
from bot.api.roles import Role
from bot.app import build_core
from bot.config import Config
from bot.db.engine import Database
from bot.testing import FakeTranslator
from bot.util.clock import ManualClock
from tests.slack.conftest import START
from tests.slack.harness import SlackDriver, signed_headers


async def test_slash_command_parses_options_and_answers_ephemerally(slack: SlackDriver) -> None:
    maria = await slack.person("Maria", language="es-ES")
    await slack.command(maria, "language", name="português")
    reply = slack.fake.responses[-1]
    assert reply["response_type"] == "ephemeral"
    assert reply["text"] == "[pt] Done! I will write to you in português."


async def test_family_is_refused_a_teacher_command(slack: SlackDriver) -> None:
    ana = await slack.person("Ana")
    await slack.command(ana, "announce", text="Party!")
    assert "only for teachers and admins" in slack.fake.responses[-1]["text"]
    assert slack.fake.called("chat.postMessage") == []


async def test_command_without_arguments_opens_a_modal_and_its_submission_runs_it(slack: SlackDriver) -> None:
    teacher = await slack.person("Ms Lee", role=Role.TEACHER)
    await slack.post_form(slack.command_fields(teacher, "announce", ""))
    [opened] = slack.fake.called("views.open")
    view = json.loads(opened["view"]) if isinstance(opened["view"], str) else opened["view"]
    assert view["callback_id"] == "hr|cmd:announce|"
    texts = [block["element"] for block in view["blocks"]
             if block["type"] == "input" and block["element"]["type"] == "plain_text_input"]
    assert texts and all(element["max_length"] <= 3000 for element in texts)  # Block Kit's cap
    submitted = {"id": "V1", "type": "modal", "hash": "h", "callback_id": view["callback_id"],
                 "state": {"values": {"text": {"value": {"type": "plain_text_input", "value": "Picture day"}}}}}
    await slack.post_payload({"type": "view_submission", "team": {"id": "T1"}, "user": {"id": teacher.user_id},
                              "trigger_id": "t", "view": submitted})
    await slack.settle()
    posts = [c for c in slack.fake.called("chat.postMessage") if c["channel"] == "CANN"]
    assert len(posts) == 1 and "Picture day" in posts[0]["text"]


async def test_button_press_reaches_the_cog(slack: SlackDriver) -> None:
    teacher = await slack.person("Ms Lee", role=Role.TEACHER)
    ana = await slack.person("Ana")
    await slack.command(teacher, "announce", text="Book fair")
    post = next(s for s in slack.seen() if s.where == "channel:announcements")
    await slack.click(ana, post.message_id, "Got it")
    assert slack.seen()[-1].text == "Thank you! Your teacher can see that you got announcement #1."


async def test_reactions_claim_and_release_sign_up_slots(slack: SlackDriver) -> None:
    teacher = await slack.person("Ms Lee", role=Role.TEACHER)
    ana = await slack.person("Ana")
    await slack.command(teacher, "signup create", title="Trip", slots="🚌 Driver x1")
    card = next(s for s in slack.seen() if s.where == "channel:general")
    assert [c["name"] for c in slack.fake.called("reactions.add")] == ["bus"]
    await slack.react(ana, card.message_id, "🚌")
    assert slack.seen()[-1].text.startswith("You're signed up for 🚌 Driver")
    await slack.unreact(ana, card.message_id, "🚌")
    assert slack.seen()[-1].text.startswith("You're no longer signed up")
    assert slack.fake.called("chat.update")


async def test_dm_relay_both_ways(slack: SlackDriver) -> None:
    teacher = await slack.person("Ms Lee", role=Role.TEACHER)
    await slack.command(teacher, "help")  # Homeroom learns who the teacher is
    maria = await slack.person("Maria", language="es")
    await slack.command(maria, "language", name="es")
    await slack.dm(maria, "¿Hay clase mañana?")
    question = next(s for s in slack.seen() if s.where == "dm:Ms Lee")
    assert "¿Hay clase mañana?" in question.text
    await slack.reply(teacher, question.message_id, "Yes, as usual.")
    answer = [s for s in slack.seen() if s.where == "dm:Maria"][-1]
    assert "[es] Yes, as usual." in answer.text


async def test_a_workspace_owner_who_is_a_configured_teacher_receives_a_familys_question(
        slack: SlackDriver) -> None:
    owner = await slack.person("Ms Lee", role=Role.TEACHER, owner=True)
    await slack.command(owner, "help")
    maria = await slack.person("Maria", language="es")
    await slack.command(maria, "help")
    await slack.dm(maria, "¿Hay clase mañana?")
    assert "¿Hay clase mañana?" in next(s for s in slack.seen() if s.where == "dm:Ms Lee").text


async def test_same_event_delivered_four_times_has_one_effect(slack: SlackDriver) -> None:
    await slack.command(await slack.person("Ms Lee", role=Role.TEACHER), "help")
    maria = await slack.person("Maria")
    await slack.command(maria, "help")
    event = {"type": "message", "channel_type": "im", "channel": f"D{maria.user_id}", "user": maria.user_id,
             "text": "Hello?", "ts": "1.1", "event_ts": "1.1"}
    for retry in (None, 1, 2, 3):
        assert await slack.post_event(event, event_id="EvSAME", retry=retry) == 200
    await slack.settle()
    assert len([s for s in slack.seen() if s.where == "dm:Ms Lee"]) == 1


async def test_bad_signature_is_rejected_without_effect(slack: SlackDriver) -> None:
    ana = await slack.person("Ana")
    body = "&".join(f"{k}={v}" for k, v in slack.command_fields(ana, "help", "").items())
    headers = signed_headers(body, content_type="application/x-www-form-urlencoded", secret="wrong")
    status, _ = await slack.post_raw(body, headers)
    assert status == 401 and slack.fake.responses == []


async def test_altered_body_is_rejected(slack: SlackDriver) -> None:
    ana = await slack.person("Ana")
    from urllib.parse import urlencode

    body = urlencode(slack.command_fields(ana, "help", ""))
    headers = signed_headers(body, content_type="application/x-www-form-urlencoded")
    status, _ = await slack.post_raw(body.replace("help", "role"), headers)
    assert status == 401 and slack.fake.responses == []


async def test_request_301_seconds_old_is_rejected_and_299_accepted(slack: SlackDriver) -> None:
    ana = await slack.person("Ana")
    assert await slack.post_form(slack.command_fields(ana, "help", ""), age=301) == 401
    assert slack.fake.responses == []
    assert await slack.post_form(slack.command_fields(ana, "help", ""), age=299) == 200
    await slack.settle()
    assert len(slack.fake.responses) == 1


async def test_rate_limited_method_is_retried_after_retry_after(slack: SlackDriver) -> None:
    teacher = await slack.person("Ms Lee", role=Role.TEACHER)
    slack.fake.rate_limit_once.add("chat.postMessage")
    await slack.command(teacher, "announce", text="Snow day")
    posts = [c for c in slack.fake.called("chat.postMessage") if c["channel"] == "CANN"]
    assert len(posts) == 2  # the 429, then the retry that succeeded
    assert "_ts" in posts[-1]


async def test_bot_and_own_messages_are_ignored(slack: SlackDriver) -> None:
    await slack.person("Ms Lee", role=Role.TEACHER)
    await slack.post_event({"type": "message", "channel_type": "im", "channel": "DUBOT", "user": "UBOT",
                            "text": "loop?", "ts": "2.2", "event_ts": "2.2"})
    await slack.post_event({"type": "message", "channel_type": "im", "channel": "DX", "user": "UOTHER",
                            "bot_id": "B2", "text": "bot", "ts": "2.3", "event_ts": "2.3"})
    await slack.settle()
    assert slack.fake.called("chat.postMessage") == []


async def test_closed_dms_become_a_delivery_status(slack: SlackDriver) -> None:
    maria = await slack.person("Maria")
    slack.fake.closed_dms.add(maria.user_id)
    assert slack.adapter is not None
    delivery = await slack.adapter.send_dm(UserRef("slack", maria.user_id), Message(text="hi"))
    assert delivery.status == "dms_closed"


async def test_roster_upload_uses_the_external_upload_api(slack: SlackDriver) -> None:
    teacher = await slack.person("Ms Lee", role=Role.TEACHER)
    await slack.command(teacher, "signup create", title="Trip", slots="🚌 Driver x1")
    await slack.command(teacher, "signup roster", id="1")
    assert slack.fake.called("files.getUploadURLExternal") and slack.fake.called("files.completeUploadExternal")
    assert slack.fake.uploads and slack.fake.uploads[0].startswith(b"name,slot,status")


async def test_deactivated_account_is_treated_as_having_left(slack: SlackDriver) -> None:
    teacher = await slack.person("Ms Lee", role=Role.TEACHER)
    maria = await slack.person("Maria")
    await slack.command(maria, "delivery", mode="dm")
    await slack.command(maria, "quiet-hours", hours="07:00-09:00")
    await slack.command(teacher, "announce", text="Picnic")  # Maria's DM waits for her quiet hours
    await slack.post_event({"type": "user_change", "user": {**slack.fake.users[maria.user_id], "deleted": True},
                            "event_ts": "3.3"})
    await slack.settle()
    from sqlalchemy import select

    from bot.delivery.models import OutboxEntry

    async with slack.core.db.read() as session:
        statuses = (await session.scalars(select(OutboxEntry.status))).all()
    assert statuses == ["cancelled"]


def test_reaction_payload_becomes_a_normalised_event() -> None:
    body = {"team_id": "T1", "event_id": "Ev1", "event": {"type": "reaction_added", "user": "U1",
                                                           "reaction": "raised_hand::skin-tone-3",
                                                           "item": {"type": "message", "channel": "C1", "ts": "9.9"}}}
    event = inbound.reaction_event(body, Actor(user=UserRef("slack", "U1")))
    assert isinstance(event, ReactionAdded) and event.key == "slack:Ev1" and event.emoji.display == "✋"


def test_manifest_lists_every_command_root_and_scope() -> None:
    core = build_core(Config(), db=Database("sqlite+aiosqlite:///unused.db"), translator=FakeTranslator(),
                      clock=ManualClock(START))
    manifest = build_manifest(Config(), core.commands)
    commands = {c["command"] for c in manifest["features"]["slash_commands"]}
    assert {"/announce", "/signup", "/ask", "/reply", "/poll", "/language", "/privacy"} <= commands
    assert "reactions:read" in manifest["oauth_config"]["scopes"]["bot"]
    assert manifest["settings"]["event_subscriptions"]["request_url"].endswith("/slack/events")


async def test_a_direct_message_with_a_file_is_a_question_but_an_edit_is_not(slack: SlackDriver) -> None:
    teacher = await slack.person("Ms Lee", role=Role.TEACHER)
    maria = await slack.person("Maria")
    await slack.command(teacher, "help")
    await slack.command(maria, "help")
    for subtype, text in (("file_share", "Here is the permission slip"), ("message_changed", "edited")):
        ts = slack.fake.next_ts()
        await slack.post_event({"type": "message", "subtype": subtype, "channel_type": "im",
                                "channel": f"D{maria.user_id}", "user": maria.user_id, "text": text, "ts": ts,
                                "event_ts": ts})
        await slack.settle()
    to_teacher = [c["text"] for c in slack.fake.called("chat.postMessage") if c["channel"] == f"D{teacher.user_id}"]
    assert len(to_teacher) == 1 and "Here is the permission slip" in to_teacher[0]


async def test_a_persons_dm_channel_is_opened_once(slack: SlackDriver) -> None:
    maria = await slack.person("Maria")
    for text in ("one", "two", "three"):
        await slack.adapter.send_dm(UserRef("slack", maria.user_id), Message(text=text))
    assert len([c for c in slack.fake.called("conversations.open") if c["users"] == maria.user_id]) == 1
    assert len([c for c in slack.fake.called("chat.postMessage") if c["channel"] == f"D{maria.user_id}"]) == 3


async def test_channel_chatter_costs_no_user_look_up(slack: SlackDriver) -> None:
    ana = await slack.person("Ana")
    before = len(slack.fake.called("users.info"))
    ts = slack.fake.next_ts()
    await slack.post_event({"type": "message", "channel_type": "channel", "channel": "CGEN", "user": ana.user_id,
                            "text": "See you at pickup", "ts": ts, "event_ts": ts})
    await slack.settle()
    assert len(slack.fake.called("users.info")) == before
