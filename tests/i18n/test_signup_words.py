"""The organiser's words (sign-up title, slot labels) reach a family in their language in
every DM about the sign-up, and the translated card keeps the date, counts and how-to."""

from __future__ import annotations

import pytest

from adapters.console import console_session
from bot.db.engine import Database
from bot.i18n import load_catalogs
from bot.testing import FakeTranslator

pytestmark = pytest.mark.catalogs
CREATE = ('as Ms Rivera role=teacher\n'
          '/signup create title:"Museum trip" slots:"🚌 Chaperone x1; 🍪 Snacks x1" when:"Friday 9am"')


async def test_the_confirmation_dm_names_the_slot_and_title_in_spanish(sqlite_db: Database) -> None:
    async with console_session(sqlite_db) as s:
        await s.run(f"{CREATE}\nas María lang=es\nreact #1 🚌")
    assert s.last("DM → María").text == 'Está inscrito/a para [es] 🚌 Chaperone en "[es] Museum trip". ¡Gracias!'


async def test_the_waitlist_and_reminder_dms_name_the_slot_in_the_familys_language(sqlite_db: Database) -> None:
    async with console_session(sqlite_db) as s:
        await s.run(f"{CREATE}\nas María lang=es\nreact #1 🚌\nas Lan lang=vi\nreact #1 🚌\nas María\nadvance 4d")
    assert '"[vi] 🚌 Chaperone" cho "[vi] Museum trip"' in s.find("DM → Lan")[0].text
    reminders = s.find("DM → María", contains="Recordatorio")
    assert reminders and '[es] 🚌 Chaperone en "[es] Museum trip"' in reminders[0].text


async def test_the_translated_card_keeps_the_date_counts_and_how_to_in_the_readers_language(
        sqlite_db: Database) -> None:
    spanish = load_catalogs()["es"]
    async with console_session(sqlite_db) as s:
        await s.run(f"{CREATE}\nas María lang=es\nreact #1 🚌\nclick #1 Translate")
    card = s.last("only María")
    assert card.message.title == "📋 [es] Museum trip"
    assert card.message.text.startswith("Cuándo: viernes 11")
    assert spanish["React with a slot's emoji to sign up; remove your reaction to cancel."] in card.message.text
    assert [f.name for f in card.message.fields] == ["🚌 [es] Chaperone — 1/1", "🍪 [es] Snacks — 0/1"]
    assert card.message.fields[1].value == spanish["nobody yet"]


async def test_with_the_provider_down_the_card_is_still_in_spanish_around_the_original_words(
        sqlite_db: Database) -> None:
    translator = FakeTranslator()
    translator.fail = True
    async with console_session(sqlite_db, translator=translator) as s:
        await s.run(f"{CREATE}\nas María lang=es\nclick #1 Translate")
    card = s.last("only María")
    assert card.message.title == "📋 Museum trip"
    assert card.message.text.startswith(load_catalogs()["es"]["(Translation unavailable right now — original below.)"])
    assert "Cuándo:" in card.message.text
