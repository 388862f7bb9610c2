"""A newcomer is asked once, privately, which language they read; the choice sticks."""

from __future__ import annotations

import pytest

from adapters.console import console_session
from bot.config import Config, OnboardingSection
from bot.db.engine import Database
from bot.i18n import load_catalogs

pytestmark = pytest.mark.catalogs
ON = Config(onboarding=OnboardingSection(welcome_new_members=True))


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
