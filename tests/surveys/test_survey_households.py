"""Family surveys through the family directory, on SQLite and PostgreSQL: each co-parent is
asked in their language, a guardian an admin restricted is neither asked nor counted."""

from __future__ import annotations

from adapters.console import console_session
from adapters.console.harness import ConsoleSession
from bot.db.engine import Database

CLASS = """
as Maria lang=es
/delivery dm
as Luis
/delivery dm
as Pat lang=fr
/delivery dm
as Ms Lee role=teacher,admin
/family link child:Sam guardian:Maria
/family link child:Sam guardian:Luis
/family link child:Sam guardian:Pat
/family restrict child:Sam guardian:Pat reason:"order 7" class_wide:false
/survey create question:"Which day suits you?" options:"Monday; Friday"
"""


async def class_survey(s: ConsoleSession) -> int:
    await s.run(CLASS)
    return s.last("#announcements").number


async def test_each_co_parent_is_asked_in_their_language(db: Database) -> None:
    async with console_session(db) as s:
        await class_survey(s)
        assert "[es] Which day suits you?" in s.last("DM → Maria").text
        assert "Which day suits you?" in s.last("DM → Luis").text


async def test_a_restricted_guardian_is_not_asked_and_not_counted(db: Database) -> None:
    async with console_session(db) as s:
        post = await class_survey(s)
        await s.run(f"as Pat\nclick #{post} 1\nas Ms Lee\n/survey results id:1")
        assert not [e for e in s.find("DM → Pat") if "Which day" in e.text]
        assert "This survey is for families." in s.last("only Pat").text
        assert "1. Monday — 0" in s.last("only Ms Lee").text
