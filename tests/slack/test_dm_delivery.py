"""Direct messages on Slack as the platform receives them: the delivery key travels in the
message's metadata, and a resend after a crash finds the message already in the DM instead of
posting a second one."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from adapters.console.harness import DEFAULT_START
from adapters.slack.adapter import DELIVERY_EVENT
from bot.api.messages import Message
from bot.api.outbound import DeliveryStatus
from bot.api.refs import UserRef
from bot.app import build_core
from bot.config import Config, Secrets
from bot.db.engine import Database
from bot.testing import FakeTranslator
from bot.util.clock import ManualClock
from tests.slack.harness import SECRET, SlackDriver


def _driver(db: Database) -> SlackDriver:
    core = build_core(Config(), secrets=Secrets(slack_bot_token="xoxb-test", slack_signing_secret=SECRET), db=db,
                      clock=ManualClock(DEFAULT_START), translator=FakeTranslator())
    return SlackDriver(core)


@pytest.fixture
async def slack(db: Database) -> AsyncIterator[SlackDriver]:
    driver = _driver(db)
    await driver.start()
    yield driver
    await driver.stop()


async def test_a_dm_carries_its_key_in_message_metadata(slack: SlackDriver) -> None:
    ana = await slack.person("Ana")
    await slack.adapter.send_dm(UserRef("slack", ana.user_id), Message(text="Hello"), key="delivery:1")
    posted = slack.fake.called("chat.postMessage")[-1]
    assert posted["metadata"] == {"event_type": DELIVERY_EVENT, "event_payload": {"key": "delivery:1"}}


async def test_a_resend_after_the_first_reached_slack_posts_no_second_message(db: Database) -> None:
    first = _driver(db)
    await first.start()
    ana = await first.person("Ana")
    user = UserRef("slack", ana.user_id)
    original = await first.adapter.send_dm(user, Message(text="Early pickup Friday"), key="delivery:7")
    fake = first.fake
    await first.stop()

    restarted = _driver(db)
    restarted.fake = fake  # the same workspace, a process that remembers nothing
    await restarted.start()
    again = await restarted.adapter.send_dm(user, Message(text="Early pickup Friday"), key="delivery:7",
                                            resend=True)
    assert again.status == DeliveryStatus.SENT and again.message == original.message
    assert len(fake.history[original.message.channel.id]) == 1
    history = fake.called("conversations.history")[-1]
    assert str(history["include_all_metadata"]).lower() in ("true", "1") and int(history["limit"]) <= 20
    await restarted.stop()


async def test_a_resend_that_never_reached_slack_is_posted_once(slack: SlackDriver) -> None:
    ana = await slack.person("Ana")
    user = UserRef("slack", ana.user_id)
    await slack.adapter.send_dm(user, Message(text="Other news"), key="delivery:1")
    delivery = await slack.adapter.send_dm(user, Message(text="Book fair"), key="delivery:2", resend=True)
    assert delivery.ok
    assert [m["metadata"]["event_payload"]["key"] for m in slack.fake.history[delivery.message.channel.id]] == [
        "delivery:1", "delivery:2"]


async def test_a_first_send_does_not_read_the_history(slack: SlackDriver) -> None:
    ana = await slack.person("Ana")
    await slack.adapter.send_dm(UserRef("slack", ana.user_id), Message(text="Hello"), key="delivery:1")
    assert slack.fake.called("conversations.history") == []


async def test_a_known_dm_channel_is_used_without_opening_the_conversation(slack: SlackDriver) -> None:
    ana = await slack.person("Ana")
    delivery = await slack.adapter.send_dm(UserRef("slack", ana.user_id), Message(text="Hi"), key="delivery:1",
                                           dm_channel="DSTORED")
    assert delivery.message.channel.id == "DSTORED"
    assert slack.fake.called("conversations.open") == []
    assert slack.fake.called("chat.postMessage")[-1]["channel"] == "DSTORED"


async def test_a_dms_files_are_uploaded_under_it_in_the_same_conversation(slack: SlackDriver) -> None:
    from bot.api.messages import Attachment

    ana = await slack.person("Ana")
    invite = Attachment("conference.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")
    result = await slack.adapter.send_dm(UserRef("slack", ana.user_id), Message(text="Booked", attachments=(invite,)),
                                         key="delivery:7")
    assert result.status == DeliveryStatus.SENT
    posted = slack.fake.called("chat.postMessage")[-1]
    [completed] = slack.fake.called("files.completeUploadExternal")
    assert completed["channel_id"] == posted["channel"] and completed["thread_ts"] == result.message.id
    assert slack.fake.uploads[-1] == invite.content
