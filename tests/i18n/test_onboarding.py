"""A newcomer is asked once, privately, which language they read; the choice sticks."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlalchemy import select

from adapters.console import console_session
from adapters.console.harness import ConsoleSession
from adapters.console.people import Person
from bot.api.events import Actor, ButtonPressed, MemberJoined
from bot.api.refs import CommunityRef, UserRef
from bot.config import Config, parse_config
from bot.db.engine import Database
from bot.db.models import Member
from bot.delivery.models import OutboxEntry
from bot.i18n import load_catalogs
from cogs.onboarding.cog import ACTION, MSG_NOT_OFFERED, TOPIC

pytestmark = [pytest.mark.catalogs, pytest.mark.onboarding]
ON = parse_config({"onboarding": {"welcome_new_members": True}})
OFF = parse_config({"onboarding": {"welcome_new_members": False}})


async def test_a_newcomer_gets_one_welcome_with_a_language_picker_named_in_each_language(sqlite_db: Database) -> None:
    async with console_session(sqlite_db, config=ON) as s:
        await s.run("as Lan\n/help\n/help")
        await s.core.settle()
    welcomes = s.find("DM → Lan", contains="Which language do you read?")
    assert len(welcomes) == 1
    labels = {option.label for menu in welcomes[0].message.selects for option in menu.options}
    assert {"English", "Español", "Tiếng Việt", "العربية", "한국어", "Soomaali", "Kreyòl Ayisyen",
            "中文 (简体)"} <= labels


async def test_choosing_a_language_sets_it_and_answers_in_it(sqlite_db: Database) -> None:
    async with console_session(sqlite_db, config=ON) as s:
        await s.run("as Lan\n/help")
        await s.core.settle()
        welcome = s.find("DM → Lan", contains="Which language do you read?")[0]
        await s.run(f"click #{welcome.number} Tiếng Việt\n/help")
    vietnamese = load_catalogs()["vi"]
    assert vietnamese["Done! I will write to you in {language}."].format(language="Tiếng Việt") in s.transcript()
    assert s.last("only Lan").text.startswith(vietnamese["Here is what you can use:"])


async def test_a_member_known_before_is_not_welcomed_again_after_a_restart(sqlite_db: Database) -> None:
    async with console_session(sqlite_db, config=ON) as s:
        await s.run("as Lan\n/help")
        await s.core.settle()
    async with console_session(sqlite_db, config=ON) as s:
        await s.run("as Lan\n/help\nas Bo\n/help")
        await s.core.settle()
    assert s.find("DM → Lan", contains="Which language do you read?") == []
    assert len(s.find("DM → Bo", contains="Which language do you read?")) == 1


async def test_with_the_setting_off_nobody_is_welcomed(sqlite_db: Database) -> None:
    async with console_session(sqlite_db, config=OFF) as s:
        await s.run("as Lan\n/help")
        await s.core.settle()
    assert s.find("DM → Lan") == []


async def _choose(s: ConsoleSession, value: str) -> None:
    """A menu choice with any value, as a crafted interaction could send it."""
    person = s.console._require_person()
    await s.core.dispatch(ButtonPressed(key=uuid.uuid4().hex, actor=s.console.actor(person),
                                        community=s.console.community, action=ACTION, value=value,
                                        received_at=s.core.clock.now()))


async def test_a_choice_that_the_welcome_did_not_offer_is_refused_and_changes_nothing(sqlite_db: Database) -> None:
    async with console_session(sqlite_db, config=ON) as s:
        await s.run("as Lan\n/help")
        await s.core.settle()
        await _choose(s, "de")
        async with s.core.db.read() as session:
            language = await session.scalar(select(Member.language).where(Member.display_name == "Lan"))
    assert s.last("DM → Lan").text == MSG_NOT_OFFERED
    assert language is None


def test_the_welcome_is_on_by_default() -> None:
    assert Config().section("onboarding").welcome_new_members is True


async def test_staff_are_not_welcomed_as_families(sqlite_db: Database) -> None:
    async with console_session(sqlite_db) as s:
        await s.run("as Ms Lee role=teacher\n/help\nas Cal role=committee\n/help\nas Ada role=admin\n/help\n"
                    "as Lan\n/help")
        await s.core.settle()
    assert [e.where for e in s.find(contains="Which language do you read?")] == ["DM → Lan"]


async def test_someone_made_staff_before_their_welcome_goes_out_is_not_welcomed(sqlite_db: Database) -> None:
    async with console_session(sqlite_db) as s:
        s.console.people["bo"] = Person(user=UserRef("console", "bo"), name="Bo")  # not met by the bot yet
        await s.run("as Ada role=admin\n/role user:Bo role:teacher")
        await s.core.settle()
    assert s.find(contains="Which language do you read?") == []
    async with sqlite_db.read() as session:
        rows = (await session.execute(select(OutboxEntry).where(OutboxEntry.topic == TOPIC))).scalars().all()
    assert [row.status for row in rows] in ([], ["cancelled"])


def joined(person: int, key: str, community: CommunityRef) -> MemberJoined:
    actor = Actor(user=UserRef("console", f"family-{person}"), display_name=f"Family {person}")
    return MemberJoined(key=key, actor=actor, community=community)


async def test_a_burst_of_joins_each_redelivered_sends_one_welcome_each(db: Database) -> None:
    async with console_session(db) as s:
        community = s.console.community
        for n in range(20):  # people the platform knows, whom the bot has not met yet
            s.console.people[f"family {n}"] = Person(user=UserRef("console", f"family-{n}"), name=f"Family {n}")
        events = [joined(n, f"join-{n}", community) for n in range(20)]
        await asyncio.gather(*(s.core.dispatch(event) for event in events + events))  # every join delivered twice
        await asyncio.gather(*(s.core.dispatch(joined(n, f"again-{n}", community)) for n in range(20)))  # and anew
        await s.core.settle()
    welcomes = s.find(contains="Which language do you read?")
    assert sorted(e.where for e in welcomes) == sorted(f"DM → Family {n}" for n in range(20))


async def test_a_welcome_to_closed_dms_is_recorded_once_and_not_retried(db: Database) -> None:
    async with console_session(db) as s:
        await s.run("as Lan dms=closed\n/help")
        await s.core.settle()
        await s.run("advance 3d")
        await s.core.settle()
        async with s.core.db.read() as session:
            closed = await session.scalar(select(Member.dms_closed).where(Member.display_name == "Lan"))
            rows = (await session.execute(select(OutboxEntry.status, OutboxEntry.attempts).where(
                OutboxEntry.topic == TOPIC))).all()
    assert closed is True
    assert [(status, attempts <= 1) for status, attempts in rows] == [("unreachable", True)]
    assert s.find("DM → Lan") == []


async def test_the_chosen_language_asks_delivery_then_quiet_hours_in_that_language(sqlite_db: Database) -> None:
    spanish = load_catalogs()["es"]
    async with console_session(sqlite_db) as s:
        await s.run("as Lan\n/help")
        await s.core.settle()
        welcome = s.find("DM → Lan", contains="Which language do you read?")[0]
        await s.run(f"click #{welcome.number} Español")
        asked = s.last("only Lan")
        await s.run(f"click #{asked.number} {spanish['By direct message']}")
        hours = s.last("only Lan")
        await s.run(f"click #{hours.number} 22:00")
        async with s.core.db.read() as session:
            row = await session.scalar(select(Member).where(Member.display_name == "Lan"))
    assert spanish["How would you like to get announcements from school?"] in asked.text
    assert spanish["When should I not send you messages? Urgent alerts from school still come at any time."] \
        in hours.text
    assert [o.label for o in hours.message.selects[0].options][-1] == spanish["No quiet hours"]
    assert s.last("only Lan").text.endswith(spanish[
        "All set! You can change any of this later with /language, /delivery and /quiet-hours."])
    assert (row.language, row.delivery, row.quiet_hours) == ("es", "dm", "22:00-06:00")


async def test_ignoring_the_welcome_keeps_the_defaults(sqlite_db: Database) -> None:
    async with console_session(sqlite_db) as s:
        await s.run("as Lan\n/help\nadvance 2d")
        await s.core.settle()
        async with s.core.db.read() as session:
            row = await session.scalar(select(Member).where(Member.display_name == "Lan"))
    assert (row.language, row.delivery, row.quiet_hours) == (None, "channel", None)


async def test_a_language_the_provider_cannot_translate_into_gets_a_note(sqlite_db: Database,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    async def only_spanish(*args: object) -> frozenset[str]:
        return frozenset({"en", "es"})

    monkeypatch.setattr("cogs.onboarding.cog.offered_codes", only_spanish)
    somali = load_catalogs()["so"]
    async with console_session(sqlite_db) as s:
        await s.run("as Lan\n/help")
        await s.core.settle()
        welcome = s.find("DM → Lan", contains="Which language do you read?")[0]
        await s.run(f"click #{welcome.number} Soomaali")
    note = somali["Note: the translation service here cannot translate into {language}, so what teachers and "
                  "other families write will reach you as they wrote it."].format(language="Soomaali")
    assert note in s.last("only Lan").text
