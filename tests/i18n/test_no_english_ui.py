"""With the translation provider down, a family that chose a catalog language meets no
English sentence the bot wrote itself: only people's own words stay as written."""

from __future__ import annotations

import string

import pytest

from adapters.console import console_session
from bot.db.engine import Database
from bot.i18n import load_catalogs
from bot.testing import FakeTranslator

pytestmark = pytest.mark.catalogs
LANGUAGES = ["es", "vi", "ar", "zh", "ko", "fr", "pt", "ru", "so", "ht", "tl"]
CODES = {"zh": "zh-CN"}

SCRIPT = """
as Ms Rivera role=teacher
/signup create title:"Museum trip" slots:"🚌 Chaperone x1; 🍪 Snacks x1" when:"Friday 9am"
/poll question:"Picnic day?" options:"Friday; Saturday"
as Fam lang={lang}
/help
/delivery dm
/delivery digest
/delivery channel
/quiet-hours 21:00-07:00
/quiet-hours off
/quiet-hours nonsense
/timezone Chicago
/timezone Atlantis
/language Klingon
/announce text:"Hello"
/nosuchcommand
/signup close
/signup list
/faq list
/tasks
react #1 🚌
react #1 🍪
react #1 🎈
click #1 Translate
dm Can my son bring his inhaler on the bus?
/privacy delete
unreact #1 🚌
advance 1d
"""


def english_fragments() -> set[str]:
    """The literal pieces of every English message (between placeholders), long enough to
    be a phrase, that its translations do not keep as they are (command syntax, examples)."""
    catalogs = load_catalogs()
    fragments: set[str] = set()
    for msgid in catalogs["es"]:
        for literal, *_ in string.Formatter().parse(msgid):
            for piece in literal.split("\n"):
                piece = piece.strip(' .,:;!?"()—-')
                if len(piece) >= 12 and " " in piece and not any(piece in cat.get(msgid, "") for cat in
                                                                 catalogs.values()):
                    fragments.add(piece)
    return fragments


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_a_family_sees_no_english_the_bot_wrote(lang: str, sqlite_db: Database) -> None:
    translator = FakeTranslator()
    translator.fail = True
    async with console_session(sqlite_db, translator=translator) as s:
        assert await s.run_script(SCRIPT.format(lang=CODES.get(lang, lang))) == 0
    seen = "\n".join(entry.text for entry in s.entries if entry.audience == "Fam" or entry.where.endswith("Fam"))
    assert seen
    leaked = sorted(fragment for fragment in english_fragments() if fragment in seen)
    assert leaked == [], leaked
