"""Files the bot shares with a message are part of it on Slack: a thread reply's files and a
DM's attachments (a conference's calendar file) are named in the message's metadata, so
deleting the message deletes them (each is a message of its own, which would otherwise stay),
an edit keeps naming them, and a resend finds the DM already there, files and all. The
adapter talks to the documented fake Slack; every assertion is about what it holds or got."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from adapters.console.harness import DEFAULT_START
from adapters.slack import SlackAdapter
from adapters.slack.adapter import DELIVERY_EVENT
from adapters.slack.inbound import shared_file
from bot.api.messages import Attachment, FileRef, Message
from bot.api.outbound import FILES_UNPOSTED, DeliveryStatus
from bot.api.refs import ChannelRef, CommunityRef, MessageRef, UserRef
from bot.app import build_core
from bot.config import Config, Secrets
from bot.db.engine import Database
from bot.testing import FakeTranslator
from bot.util.clock import ManualClock
from tests.e2e.slack.fake_slack import BOT_TOKEN, CHANNELS, TEAM, FakeSlack

GENERAL = CHANNELS["general"]
TEACHER = "UTEACHER1"
FAMILY = "UFAMILY1"
PDF = b"%PDF-1.7\n" + b"1" * 512 + b"\n%%EOF\n"
INVITE = Attachment("conference.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    server = FakeSlack()
    server.start()
    server.add_user(TEACHER, "Ms Okafor")
    server.add_user(FAMILY, "Ana Family")
    try:
        yield server
    finally:
        server.stop()


def _adapter(db: Database, fake: FakeSlack) -> SlackAdapter:
    """A process's adapter: each one remembers nothing of another's sends."""
    core = build_core(Config(), secrets=Secrets(slack_bot_token=BOT_TOKEN, slack_signing_secret="unused"), db=db,
                      clock=ManualClock(DEFAULT_START), translator=FakeTranslator())
    return SlackAdapter(core, base_url=fake.api_url, process_before_response=True, post_interval=0.001)


@pytest.fixture
def adapter(db: Database, fake: FakeSlack) -> SlackAdapter:
    return _adapter(db, fake)


def _flyer(fake: FakeSlack) -> FileRef:
    return shared_file(fake.share_file(TEACHER, "price-list.pdf", PDF, "application/pdf"))


async def _reply_with_file(adapter: SlackAdapter, fake: FakeSlack) -> tuple[MessageRef, FileRef]:
    parent = await adapter.post(ChannelRef("slack", GENERAL, CommunityRef("slack", TEAM)), Message(text="Bake sale"))
    flyer = _flyer(fake)
    reply = await adapter.post_in_thread(parent, Message(text="The prices", files=(flyer,)))
    assert [title for title, _ in fake.files_in(GENERAL)] == ["price-list.pdf"]
    return reply, flyer


def _file_messages(fake: FakeSlack, channel: str) -> list[dict[str, Any]]:
    return [m for m in fake.messages.get(channel, []) if m.get("files")]


def _metadata(update: dict[str, Any]) -> dict[str, Any]:
    metadata = update.get("metadata")
    return json.loads(metadata) if isinstance(metadata, str) else metadata or {}


async def test_deleting_a_thread_reply_deletes_its_file_and_the_files_message(adapter: SlackAdapter,
                                                                             fake: FakeSlack) -> None:
    reply, _ = await _reply_with_file(adapter, fake)
    await adapter.delete(reply)
    assert fake.message(GENERAL, reply.id) is None
    assert fake.pending == {}  # the file itself is gone
    assert _file_messages(fake, GENERAL) == []


async def test_deleting_a_top_level_post_reads_it_with_one_history_call(adapter: SlackAdapter,
                                                                       fake: FakeSlack) -> None:
    post = await adapter.post(ChannelRef("slack", GENERAL, CommunityRef("slack", TEAM)),
                              Message(text="Picnic", files=(_flyer(fake),)))
    await adapter.delete(post)
    assert fake.pending == {} and _file_messages(fake, GENERAL) == []
    assert len(fake.called("conversations.history")) == 1
    assert fake.called("conversations.replies") == []


async def test_an_edited_thread_reply_keeps_naming_its_file_so_a_delete_still_takes_it(
        adapter: SlackAdapter, fake: FakeSlack) -> None:
    reply, flyer = await _reply_with_file(adapter, fake)
    [file_id] = fake.pending
    await adapter.edit(reply, Message(text="The prices (cookies are $1)", files=(flyer,)))
    assert _metadata(fake.called("chat.update")[-1])["event_payload"] == {"files": [file_id]}
    await adapter.delete(reply)
    assert fake.pending == {} and _file_messages(fake, GENERAL) == []


async def test_deleting_a_dm_deletes_its_calendar_file(adapter: SlackAdapter, fake: FakeSlack) -> None:
    sent = await adapter.send_dm(UserRef("slack", FAMILY), Message(text="Booked", attachments=(INVITE,)),
                                 key="delivery:1")
    assert sent.message is not None
    assert fake.files_in(sent.message.channel.id) == [("conference.ics", INVITE.content)]
    await adapter.delete(sent.message)
    assert fake.message(sent.message.channel.id, sent.message.id) is None
    assert fake.pending == {}
    assert fake.files_in(sent.message.channel.id) == []


async def test_a_dms_one_message_carries_its_key_and_its_files_ids(adapter: SlackAdapter, fake: FakeSlack) -> None:
    sent = await adapter.send_dm(UserRef("slack", FAMILY), Message(text="Booked", attachments=(INVITE,)),
                                 key="delivery:1")
    [file_id] = fake.pending
    [posted] = fake.posts(f"D{FAMILY}")
    assert _metadata(posted) == {"event_type": DELIVERY_EVENT,
                                 "event_payload": {"key": "delivery:1", "files": [file_id]}}
    [completed] = fake.called("files.completeUploadExternal")
    assert sent.message is not None and completed["thread_ts"] == sent.message.id  # shown under the DM


async def test_an_edited_dm_keeps_its_key_and_its_files_ids(adapter: SlackAdapter, fake: FakeSlack) -> None:
    sent = await adapter.send_dm(UserRef("slack", FAMILY), Message(text="Booked", attachments=(INVITE,)),
                                 key="delivery:1")
    assert sent.message is not None
    [file_id] = fake.pending
    await adapter.edit(sent.message, Message(text="Booked (room 12)", attachments=(INVITE,)))
    assert _metadata(fake.called("chat.update")[-1]) == {
        "event_type": DELIVERY_EVENT, "event_payload": {"key": "delivery:1", "files": [file_id]}}


async def test_a_resend_of_a_dm_with_a_file_finds_the_first_and_uploads_nothing(db: Database,
                                                                               fake: FakeSlack) -> None:
    user, message = UserRef("slack", FAMILY), Message(text="Booked", attachments=(INVITE,))
    first = await _adapter(db, fake).send_dm(user, message, key="delivery:7")
    again = await _adapter(db, fake).send_dm(user, message, key="delivery:7", resend=True)
    assert again.status == DeliveryStatus.SENT and again.message == first.message
    assert len(fake.posts(f"D{FAMILY}")) == 1
    assert len(fake.called("files.getUploadURLExternal")) == 1
    assert fake.files_in(f"D{FAMILY}") == [("conference.ics", INVITE.content)]


async def test_a_dm_goes_without_a_file_slack_will_not_take_and_it_is_counted(adapter: SlackAdapter,
                                                                             fake: FakeSlack) -> None:
    fake.fail("files.getUploadURLExternal", "internal_error")
    sent = await adapter.send_dm(UserRef("slack", FAMILY), Message(text="Booked", attachments=(INVITE,)),
                                 key="delivery:1")
    assert sent.status == DeliveryStatus.SENT
    [posted] = fake.posts(f"D{FAMILY}")
    assert _metadata(posted) == {"event_type": DELIVERY_EVENT, "event_payload": {"key": "delivery:1"}}
    assert fake.called("files.completeUploadExternal") == []
    assert adapter.core.metrics.value(FILES_UNPOSTED, platform="slack") == 1
