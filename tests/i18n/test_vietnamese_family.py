"""A Vietnamese family's first week, with the translation provider down: from the welcome to
signing up, asking the teacher and reading the answer and the news, the family meets no
English the bot wrote itself; only the teacher's own words stay as written, with a note."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from adapters.console import console_session
from adapters.console.harness import ConsoleSession
from bot.db.engine import Database
from bot.db.models import Member
from bot.i18n import load_catalogs
from bot.testing import FakeTranslator
from cogs.onboarding.cog import MSG_WELCOME
from tests.i18n.test_no_english_ui import english_fragments

pytestmark = [pytest.mark.catalogs, pytest.mark.onboarding]
TEACHER = "as Ms Rivera role=teacher"
FAMILY = "as Lan lang=vi"  # the platform tells us the person's locale, as Discord and Slack do


def seen_by_lan(s: ConsoleSession) -> str:
    return "\n".join(e.text for e in s.entries if e.audience == "Lan" or e.where.endswith("Lan"))


async def first_week(s: ConsoleSession) -> None:
    """Join, choose Vietnamese, DMs, no quiet hours; sign up; ask; read the answer and a post."""
    vi = load_catalogs()["vi"]
    await s.run(f'{TEACHER}\n/signup create title:"Museum trip" slots:"🚌 Chaperone x1" when:"Friday 9am"')
    card = s.last("#")
    await s.run(f"{FAMILY}\n/help")
    await s.core.settle()
    [welcome] = s.find("DM → Lan", contains=vi[MSG_WELCOME])
    await s.run(f"{FAMILY}\nclick #{welcome.number} Tiếng Việt")
    await s.run(f"{FAMILY}\nclick #{s.last('only Lan').number} {vi['By direct message']}")
    await s.run(f"{FAMILY}\nclick #{s.last('only Lan').number} {vi['No quiet hours']}")
    await s.run(f"{FAMILY}\nreact #{card.number} 🚌")
    await s.run(f"{FAMILY}\ndm Con tôi có thể mang thuốc hen lên xe buýt không?")
    question = s.last("DM → Ms Rivera")
    await s.run(f"{TEACHER}\nreply #{question.number} Yes, of course!\n/announce text:\"Picnic on Friday\"")
    await s.core.settle()


async def test_a_vietnamese_family_meets_no_english_the_bot_wrote(sqlite_db: Database) -> None:
    translator = FakeTranslator()
    translator.fail = True
    async with console_session(sqlite_db, translator=translator) as s:
        await first_week(s)
        async with s.core.db.read() as session:
            lan = await session.scalar(select(Member).where(Member.display_name == "Lan"))
    assert (lan.language, lan.delivery, lan.quiet_hours) == ("vi", "dm", "off")
    seen = seen_by_lan(s)
    leaked = sorted(fragment for fragment in english_fragments() if fragment in seen)
    assert leaked == [], leaked


async def test_the_vietnamese_family_reads_each_step_in_vietnamese(sqlite_db: Database) -> None:
    vi = load_catalogs()["vi"]
    translator = FakeTranslator()
    translator.fail = True
    async with console_session(sqlite_db, translator=translator) as s:
        await first_week(s)
    seen = seen_by_lan(s)
    assert vi["Done! I will write to you in {language}."].format(language="Tiếng Việt") in seen
    assert "Yes, of course!" in seen  # the teacher's own words, kept as written
    assert "Picnic on Friday" in seen
