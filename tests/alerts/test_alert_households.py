"""Emergency alerts through the family directory, on SQLite and PostgreSQL: each co-parent is
reached, a guardian an admin restricted is told nothing, and the unreached list counts a
child's household as one family."""

from __future__ import annotations

from adapters.console import console_session
from adapters.console.harness import ConsoleSession
from bot.db.engine import Database

TEACHER = "as Ms Lee role=teacher,admin"
CLASS = """
as Maria lang=es
/help
as Luis
/help
as Pat lang=fr
/help
as Ms Lee role=teacher,admin
/family link child:Sam guardian:Maria
/family link child:Sam guardian:Luis
/family link child:Sam guardian:Pat
/family restrict child:Sam guardian:Pat reason:"order 7" class_wide:false
"""


async def send_alert(s: ConsoleSession, text: str) -> None:
    await s.run(f'{CLASS}\n{TEACHER}\n/alert text:"{text}"')
    await s.run(f"click #{s.last('only Ms Lee').number} Send")


async def test_each_co_parent_gets_the_alert_in_their_language(db: Database) -> None:
    async with console_session(db) as s:
        await send_alert(s, "Early closing at noon")
        maria, luis = s.last("DM → Maria").text, s.last("DM → Luis").text
    assert "[es] Early closing at noon" in maria
    assert "Early closing at noon" in luis and "[es]" not in luis


async def test_a_restricted_guardian_is_told_nothing(db: Database) -> None:
    async with console_session(db) as s:
        await send_alert(s, "Early closing at noon")
        await s.run("advance 16m")
        assert not [e for e in s.find("DM → Pat") if "closing" in e.text]


async def test_the_unreached_list_counts_the_household_once_and_names_the_child(db: Database) -> None:
    async with console_session(db) as s:
        await send_alert(s, "Early closing at noon")
        await s.run("advance 16m")
        listing = s.last("DM → Ms Lee")
        assert "not reached yet: 1 of 1 family" in listing.text
        assert "Not confirmed yet: Sam" in listing.text and "Pat" not in listing.text
        await s.run(f"as Luis\nclick #{s.last('DM → Luis').number} Got it")
    assert "not reached yet: 0 of 1 family" in listing.text
