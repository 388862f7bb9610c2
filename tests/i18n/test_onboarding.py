"""A newcomer is asked once, privately, which language they read; the choice sticks."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from adapters.console import console_session
from adapters.console.harness import ConsoleSession
from bot.api.events import ButtonPressed
from bot.config import parse_config
from bot.db.engine import Database
from bot.db.models import Member
from bot.i18n import load_catalogs
from cogs.onboarding.cog import ACTION, MSG_NOT_OFFERED

pytestmark = pytest.mark.catalogs
ON = parse_config({"onboarding": {"welcome_new_members": True}})


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


async def test_without_the_setting_nobody_is_welcomed(sqlite_db: Database) -> None:
    async with console_session(sqlite_db) as s:
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
