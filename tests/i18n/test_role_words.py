"""A member told of a role change reads the role names in their own language, listed the
way their language lists things, with the translation provider down."""

from __future__ import annotations

import pytest

from adapters.console import console_session
from bot.db.engine import Database
from bot.testing import FakeTranslator

pytestmark = pytest.mark.catalogs
ADMIN = "as Ms Park role=admin"


def _down() -> FakeTranslator:
    translator = FakeTranslator()
    translator.fail = True
    return translator


async def test_a_spanish_reader_reads_the_role_names_in_spanish(sqlite_db: Database) -> None:
    async with console_session(sqlite_db, translator=_down()) as s:
        await s.run(f"as Maria lang=es\n{ADMIN}\n/role user:Maria role:committee")
    assert s.last("DM → Maria").text == "Ms Park le dio el rol comité en Homeroom. Sus roles ahora: comité."


async def test_a_spanish_readers_roles_are_listed_the_spanish_way(sqlite_db: Database) -> None:
    async with console_session(sqlite_db, translator=_down()) as s:
        await s.run(f"as Maria lang=es\n{ADMIN}\n/role user:Maria role:teacher\n/role user:Maria role:committee")
    assert s.last("DM → Maria").text == ("Ms Park le dio el rol comité en Homeroom. "
                                         "Sus roles ahora: maestro/a y comité.")


async def test_a_spanish_reader_whose_role_is_taken_away_reads_familia(sqlite_db: Database) -> None:
    async with console_session(sqlite_db, translator=_down()) as s:
        await s.run(f"as Maria lang=es\n{ADMIN}\n/role user:Maria role:committee\n"
                    "/role user:Maria role:committee remove:true")
    assert s.last("DM → Maria").text == "Ms Park le quitó el rol comité en Homeroom. Sus roles ahora: familia."


async def test_an_arabic_reader_reads_the_role_names_in_arabic(sqlite_db: Database) -> None:
    async with console_session(sqlite_db, translator=_down()) as s:
        await s.run(f"as Layla lang=ar\n{ADMIN}\n/role user:Layla role:teacher\n/role user:Layla role:committee")
    assert s.last("DM → Layla").text == "منحك Ms Park دور اللجنة في Homeroom. أدوارك الآن: معلم واللجنة."


async def test_the_teacher_who_gives_the_role_reads_it_in_their_language(sqlite_db: Database) -> None:
    async with console_session(sqlite_db, translator=_down()) as s:
        await s.run("as Maria\nas Ms Park role=admin lang=es\n/role user:Maria role:committee")
    assert s.last("only Ms Park sees").text == "Maria ahora es comité."
