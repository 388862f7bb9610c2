"""A parent in two Discord servers (two classes of one deployment) reads one daily digest:
discord.py's real client against the fake Discord, on SQLite and PostgreSQL. Assertions are
on the messages the fake holds and the interaction answers it received."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from adapters.console.adapter import advance_clock
from bot.api.events import Actor
from bot.api.refs import CommunityRef, UserRef
from bot.api.roles import Role
from bot.db.engine import Database
from bot.db.models import Member
from bot.delivery import Content, Phrase, Reach
from bot.delivery.models import OutboxEntry
from tests.conformance.driver import Person
from tests.discord.conftest import started_driver
from tests.discord.harness import APP_ID, DiscordDriver, snowflake

#: the parent's second class: another server the bot is in
ROOM_14 = CommunityRef("discord", "900000000000000099")


@pytest.fixture
async def driver(db: Database) -> AsyncIterator[DiscordDriver]:
    async with started_driver(db) as harness:
        yield harness


async def _in_room_14(driver: DiscordDriver, who: Person, text: str) -> None:
    """Room 14's teacher's news for ``who``, queued as the announcements feature does."""
    core = driver.core
    room = await core.ensure_community(ROOM_14, "Room 14")
    member = await core.ensure_member(room, Actor(user=UserRef("discord", who.user_id), display_name=who.name))
    await core.update_member(member.id, delivery="digest")
    async with core.db.write() as session:
        member = await session.get(Member, member.id)
        await core.deliveries.enqueue(session, room, [member], topic="test", subject=f"room14:{text}",
                                      content=Content(body=Phrase.words(text, "en")), reach=Reach.BROADCAST,
                                      tracked=True)
    await driver.settle()


async def _room_12_day(driver: DiscordDriver) -> Person:
    teacher = await driver.person("Ms Lee", role=Role.TEACHER)
    ana = await driver.person("Ana")
    await driver.command(ana, "delivery", mode="digest")
    await driver.command(teacher, "announce", text="Picture day on Friday")
    await _in_room_14(driver, ana, "Field trip on Tuesday")
    await advance_clock(driver.core, timedelta(hours=10))  # 18:00 in New York
    await driver.settle()
    return ana


async def test_a_parent_in_two_servers_gets_one_dm_digest_with_both_classes(driver: DiscordDriver) -> None:
    await _room_12_day(driver)
    [digest] = [seen for seen in driver.seen() if seen.where == "dm:Ana"]
    assert digest.text.index("— Room 12 —") < digest.text.index("Picture day on Friday") \
        < digest.text.index("— Room 14 —") < digest.text.index("Field trip on Tuesday")
    sends = [path for method, path, _ in driver.fake.calls if method == "POST" and path.endswith("/messages")
             and path.startswith("/channels/") and int(path.split("/")[2]) in driver.fake.dm_channels]
    assert len(sends) == 1


async def test_got_it_pressed_in_the_dm_counts_in_both_servers(driver: DiscordDriver) -> None:
    ana = await _room_12_day(driver)
    [digest] = [seen for seen in driver.seen() if seen.where == "dm:Ana"]
    message = driver.fake.messages[int(digest.message_id)]
    [button] = [c for row in message["components"] for c in row["components"] if c.get("type") == 2]
    user = {k: v for k, v in driver.fake.users[int(ana.user_id)].items() if not k.startswith("_")}
    token = uuid.uuid4().hex
    driver.tokens[token] = ana
    await driver.feed_interaction({  # a DM interaction: ``user`` and no ``guild_id`` (Discord's docs)
        "id": str(snowflake()), "application_id": str(APP_ID), "type": 3, "token": token, "version": 1,
        "channel_id": message["channel_id"], "channel": {"id": message["channel_id"], "type": 1},
        "user": user, "data": {"custom_id": button["custom_id"], "component_type": 2}, "message": message,
        "locale": "en-US", "app_permissions": "0", "entitlements": [], "context": 1,
        "authorizing_integration_owners": {}, "attachment_size_limit": 10485760})
    async with driver.core.db.read() as session:
        seen = (await session.scalars(select(OutboxEntry.seen_at).where(OutboxEntry.mode == "digest"))).all()
    assert len(seen) == 2 and all(moment is not None for moment in seen)
    answer = [body for _, path, body in driver.fake.calls if path.startswith("/interactions/")][-1]
    assert answer["data"]["flags"] & 64  # ephemeral
    assert answer["data"]["embeds"][0]["description"] == "Thank you! Your teacher can see that you got it."
