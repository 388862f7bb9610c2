"""Direct messages on Discord as the platform receives them: what each DM costs in requests,
that a resend after a crash creates no second message, the global limit, clean shutdown.

Every assertion is on the fake's record of what reached "Discord" (requests, arrival times,
the messages it holds), not on what the adapter believes it did."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import pytest

from adapters.console.harness import DEFAULT_START
from adapters.discord.adapter import NONCE_LENGTH, nonce_for
from bot.api.messages import Message
from bot.api.outbound import DeliveryStatus
from bot.api.refs import UserRef
from bot.app import build_core
from bot.config import Config, Secrets
from bot.db.engine import Database
from bot.testing import FakeTranslator
from bot.util.clock import ManualClock
from tests.discord.harness import GLOBAL_LIMIT, DiscordDriver, max_in_any_second

#: the highest DM rate the configuration allows (3,000 a minute is Discord's global limit)
FASTEST = {"discord": {"dm_per_minute": 3000}}


def _driver(db: Database, settings: dict[str, object] | None = None) -> DiscordDriver:
    core = build_core(Config.model_validate(settings or FASTEST), secrets=Secrets(discord_token="fake"), db=db,
                      clock=ManualClock(DEFAULT_START), translator=FakeTranslator())
    return DiscordDriver(core)


@pytest.fixture
async def driver(sqlite_db: Database) -> AsyncIterator[DiscordDriver]:
    harness = _driver(sqlite_db)
    await harness.start()
    yield harness
    await harness.stop()


def _requests_since(driver: DiscordDriver, mark: int) -> list[tuple[str, str]]:
    return [(method, path) for method, path, _ in driver.fake.calls[mark:]]


async def test_the_first_dm_to_a_person_costs_two_requests_and_no_user_fetch(driver: DiscordDriver) -> None:
    ana = await driver.person("Ana")
    mark = len(driver.fake.calls)
    delivery = await driver.adapter.send_dm(UserRef("discord", ana.user_id), Message(text="Hello"), key="d:1")
    assert delivery.status == DeliveryStatus.SENT
    channel = delivery.message.channel.id
    assert _requests_since(driver, mark) == [("POST", "/users/@me/channels"), ("POST", f"/channels/{channel}/messages")]


async def test_a_dm_with_the_channel_known_costs_exactly_one_request(driver: DiscordDriver) -> None:
    ana = await driver.person("Ana")
    first = await driver.adapter.send_dm(UserRef("discord", ana.user_id), Message(text="One"), key="d:1")
    channel = first.message.channel.id
    mark = len(driver.fake.calls)
    second = await driver.adapter.send_dm(UserRef("discord", ana.user_id), Message(text="Two"), key="d:2",
                                          dm_channel=channel)
    assert second.ok and second.message.channel.id == channel
    assert _requests_since(driver, mark) == [("POST", f"/channels/{channel}/messages")]


async def test_a_stored_dm_channel_is_used_by_a_new_process_without_opening_the_dm(sqlite_db: Database) -> None:
    first = _driver(sqlite_db)
    await first.start()
    ana = await first.person("Ana")
    sent = await first.adapter.send_dm(UserRef("discord", ana.user_id), Message(text="One"), key="d:1")
    await first.stop()
    restarted = _driver(sqlite_db)
    await restarted.start()
    restarted.fake.dm_channels[int(sent.message.channel.id)] = int(ana.user_id)
    mark = len(restarted.fake.calls)
    again = await restarted.adapter.send_dm(UserRef("discord", ana.user_id), Message(text="Two"), key="d:2",
                                            dm_channel=sent.message.channel.id)
    assert again.ok
    assert _requests_since(restarted, mark) == [("POST", f"/channels/{sent.message.channel.id}/messages")]
    await restarted.stop()


async def test_every_dm_carries_a_short_nonce_derived_from_its_key_with_enforce_nonce(driver: DiscordDriver) -> None:
    ana = await driver.person("Ana")
    await driver.adapter.send_dm(UserRef("discord", ana.user_id), Message(text="Hello"), key="delivery:42:ana")
    body = next(b for m, p, b in driver.fake.calls if m == "POST" and p.endswith("/messages"))
    assert body["nonce"] == nonce_for("delivery:42:ana") and len(body["nonce"]) <= NONCE_LENGTH
    assert body["enforce_nonce"] is True
    assert nonce_for("delivery:42:ana") == nonce_for("delivery:42:ana") != nonce_for("delivery:43:ana")


async def test_a_resend_after_the_first_reached_discord_creates_no_second_message(db: Database) -> None:
    # The first process sends and is killed before it records the outcome; the next process,
    # which remembers nothing, resends with the same key.
    first = _driver(db)
    await first.start()
    ana = await first.person("Ana")
    user = UserRef("discord", ana.user_id)
    original = await first.adapter.send_dm(user, Message(text="Early pickup Friday"), key="delivery:7")
    fake = first.fake
    await first.adapter.client.close()  # the process dies: nothing recorded, nothing drained

    restarted = _driver(db)
    restarted.fake = fake  # the same Discord
    await restarted.start()
    again = await restarted.adapter.send_dm(user, Message(text="Early pickup Friday"), key="delivery:7", resend=True)
    assert again.status == DeliveryStatus.SENT
    assert again.message == original.message
    assert len(fake.messages_in(original.message.channel.id)) == 1
    await restarted.stop()


async def test_a_resend_with_the_channel_known_returns_the_first_message_in_one_request(driver: DiscordDriver) -> None:
    ana = await driver.person("Ana")
    user = UserRef("discord", ana.user_id)
    original = await driver.adapter.send_dm(user, Message(text="Book fair"), key="delivery:8")
    mark = len(driver.fake.calls)
    again = await driver.adapter.send_dm(user, Message(text="Book fair"), key="delivery:8", resend=True,
                                         dm_channel=original.message.channel.id)
    assert again.message == original.message
    assert len(_requests_since(driver, mark)) == 1
    assert len(driver.fake.messages_in(original.message.channel.id)) == 1


async def test_past_discords_nonce_window_a_resend_is_not_protected(driver: DiscordDriver) -> None:
    # Why the core must resend a claimed delivery inside the window (NONCE_WINDOW_ASSUMED_SECONDS):
    # Discord does not return nonces when messages are read back, so nothing else can find it.
    ana = await driver.person("Ana")
    user = UserRef("discord", ana.user_id)
    first = await driver.adapter.send_dm(user, Message(text="Book fair"), key="delivery:9")
    driver.fake.nonce_window = 0.0
    await driver.adapter.send_dm(user, Message(text="Book fair"), key="delivery:9", resend=True)
    assert len(driver.fake.messages_in(first.message.channel.id)) == 2


async def test_different_keys_are_different_messages(driver: DiscordDriver) -> None:
    ana = await driver.person("Ana")
    user = UserRef("discord", ana.user_id)
    first = await driver.adapter.send_dm(user, Message(text="Same words"), key="delivery:1")
    second = await driver.adapter.send_dm(user, Message(text="Same words"), key="delivery:2")
    assert first.message != second.message
    assert len(driver.fake.messages_in(first.message.channel.id)) == 2


async def test_closed_dms_are_reported_without_raising(driver: DiscordDriver) -> None:
    bob = await driver.person("Bob")
    driver.fake.closed_dms.add(int(bob.user_id))
    delivery = await driver.adapter.send_dm(UserRef("discord", bob.user_id), Message(text="Hi"), key="d:1")
    assert delivery.status == DeliveryStatus.DMS_CLOSED


async def test_a_burst_of_first_dms_never_exceeds_50_requests_in_any_second_at_discord(driver: DiscordDriver) -> None:
    people = [await driver.person(f"Family {n}") for n in range(70)]  # 140 requests wanted at once
    mark = len(driver.fake.times)
    deliveries = await asyncio.gather(*(driver.adapter.send_dm(UserRef("discord", p.user_id), Message(text="Hi"),
                                                               key=f"burst:{p.user_id}") for p in people))
    assert all(d.ok for d in deliveries)
    arrivals = driver.fake.times[mark:]
    assert len(arrivals) == 2 * len(people)
    assert max_in_any_second(arrivals) <= GLOBAL_LIMIT


async def test_no_429_reaches_the_bot_at_the_configured_rate(driver: DiscordDriver) -> None:
    people = [await driver.person(f"Family {n}") for n in range(40)]
    first = await asyncio.gather(*(driver.adapter.send_dm(UserRef("discord", p.user_id), Message(text="One"),
                                                          key=f"a:{p.user_id}") for p in people))
    await asyncio.gather(*(driver.adapter.send_dm(UserRef("discord", p.user_id), Message(text="Two"),
                                                  key=f"b:{p.user_id}", dm_channel=d.message.channel.id)
                           for p, d in zip(people, first, strict=True)))
    assert driver.fake.global_429s == 0
    assert max_in_any_second(driver.fake.paced_requests()) <= GLOBAL_LIMIT


async def test_posts_edits_and_reactions_share_the_global_pacer_with_dms(driver: DiscordDriver) -> None:
    from bot.api.emoji import parse
    from bot.api.refs import ChannelRef
    from tests.discord.harness import CHANNELS

    channel = ChannelRef("discord", str(CHANNELS["general"]), None)
    people = [await driver.person(f"Family {n}") for n in range(30)]
    posted = await asyncio.gather(*(driver.adapter.post(channel, Message(text=f"Card {n}")) for n in range(30)))
    mark = len(driver.fake.times)
    await asyncio.gather(
        *(driver.adapter.edit(ref, Message(text="Edited")) for ref in posted),
        *(driver.adapter.add_reaction(ref, parse("🚌")) for ref in posted),
        *(driver.adapter.send_dm(UserRef("discord", p.user_id), Message(text="Hi"), key=f"k:{p.user_id}")
          for p in people))
    assert len(driver.fake.times) - mark >= 30 * 4
    assert max_in_any_second(driver.fake.times[mark:]) <= GLOBAL_LIMIT
    assert driver.fake.global_429s == 0


async def test_shutdown_during_a_fan_out_abandons_queued_dms_without_session_errors(
        sqlite_db: Database, caplog: pytest.LogCaptureFixture) -> None:
    harness = _driver(sqlite_db, {"discord": {"dm_per_minute": 60}})  # one a second: most are still queued
    await harness.start()
    people = [await harness.person(f"Family {n}") for n in range(5)]
    sends = [asyncio.create_task(harness.adapter.send_dm(UserRef("discord", p.user_id), Message(text="Hi"),
                                                         key=f"k:{p.user_id}")) for p in people]
    await asyncio.sleep(0.3)  # the first DM has gone out; the others wait for their turn
    caplog.set_level(logging.INFO)
    await harness.adapter.stop()
    outcomes = await asyncio.gather(*sends, return_exceptions=True)
    # Abandoned: the caller stops without an outcome to record (the delivery stays claimed).
    assert outcomes[0].ok and all(isinstance(o, asyncio.CancelledError) for o in outcomes[1:])
    assert not [o for o in outcomes if isinstance(o, Exception)]  # no "Session is closed"
    assert not [r for r in caplog.records if "Session is closed" in r.getMessage() or r.exc_info]
    assert len([r for r in caplog.records if "shutting down" in r.getMessage()]) == 1
    await harness.fake.close()


async def test_the_fake_refuses_the_51st_request_in_a_second_as_discord_documents(driver: DiscordDriver) -> None:
    import aiohttp

    async with aiohttp.ClientSession() as session:
        refused = []
        for _ in range(GLOBAL_LIMIT + 1):
            async with session.get(f"{driver.fake.base}/users/@me") as response:
                if response.status == 429:
                    refused.append((response.headers, await response.json()))
    assert refused and driver.fake.global_429s == len(refused)
    headers, body = refused[0]
    assert body["global"] is True and body["retry_after"] > 0
    assert headers["X-RateLimit-Global"] == "true" and headers["X-RateLimit-Scope"] == "global"
    assert "Retry-After" in headers
