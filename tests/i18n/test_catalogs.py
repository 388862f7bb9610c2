"""The bot's own words: gettext catalogs for 11 languages besides English, MT for the rest."""

from __future__ import annotations

import asyncio
import re
import string
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

from adapters.console import console_session
from bot.db.engine import Database
from bot.i18n import LOCALE_DIR, Localizer, english_plurals, load_catalogs
from bot.i18n.catalogs import Domain, domains
from bot.testing import FakeTranslator
from bot.translation import TranslationResult

pytestmark = pytest.mark.catalogs
REQUIRED = {"es", "zh", "vi", "ar", "ht", "so", "pt", "fr", "ko", "ru", "tl"}


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_required_language_has_a_catalog() -> None:
    assert REQUIRED <= set(load_catalogs())


def test_catalogs_translate_the_same_messages() -> None:
    catalogs = load_catalogs()
    reference, plurals = set(catalogs["es"]), set(catalogs["es"].plurals)
    for lang in REQUIRED:
        assert set(catalogs[lang]) == reference, lang
        assert set(catalogs[lang].plurals) == plurals, lang


def _read(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle)


ROOT = LOCALE_DIR.parents[2]
DOMAINS = [d for d in domains(ROOT) if d.template.is_file()]


def _forms(message: Message) -> list[str]:
    return [str(f) for f in (message.string if isinstance(message.string, tuple) else [message.string])]


@pytest.mark.parametrize("lang", sorted(REQUIRED))
@pytest.mark.parametrize("domain", DOMAINS, ids=lambda d: d.name)
def test_each_catalog_translates_every_message_of_its_template(domain: Domain, lang: str) -> None:
    """100%: nothing a family reads falls back to English or to machine translation."""
    template = {(m.context, str(m.id)) for m in _read(domain.template) if m.id}
    catalog = _read(domain.catalog(lang))
    translated = {(m.context, str(m.id)) for m in catalog if m.id and all(f.strip() for f in _forms(m))}
    assert not template - translated, sorted(template - translated, key=str)[:5]


@pytest.mark.parametrize("lang", sorted(REQUIRED))
@pytest.mark.parametrize("domain", DOMAINS, ids=lambda d: d.name)
def test_no_catalog_holds_fuzzy_or_obsolete_entries(domain: Domain, lang: str) -> None:
    catalog = _read(domain.catalog(lang))
    assert [m.id for m in catalog if m.id and m.fuzzy] == []
    assert list(catalog.obsolete) == []


@pytest.mark.parametrize("domain", DOMAINS[1:], ids=lambda d: d.name)
def test_a_cogs_catalogs_count_plurals_as_the_core_does(domain: Domain) -> None:
    for lang in REQUIRED:
        assert _read(domain.catalog(lang)).plural_forms == _read(DOMAINS[0].catalog(lang)).plural_forms, lang


def test_translations_keep_every_placeholder() -> None:
    for lang, entries in load_catalogs().items():
        for msgid, msgstr in entries.items():
            assert placeholders(msgid) == placeholders(msgstr), (lang, msgid)


def test_plural_forms_keep_every_placeholder_but_may_spell_out_the_count() -> None:
    """A form for one number only ("one family", Arabic's dual) may write the number out;
    every other placeholder stays."""
    english = english_plurals()
    assert english, "the template has no message with a count"
    for lang, catalog in load_catalogs().items():
        assert set(catalog.plurals) == set(english), lang
        for msgid, forms in catalog.plurals.items():
            wanted = placeholders(english[msgid][1])
            for form in forms:
                assert placeholders(form) - {"count"} == wanted - {"count"}, (lang, msgid, form)
                assert placeholders(form) <= wanted, (lang, msgid, form)


async def test_catalog_language_needs_no_machine_translation() -> None:
    fake = FakeTranslator()
    localizer = Localizer(fake)
    text = await localizer.text("es", "Done! I will write to you in {language}.", language="español")
    assert text == "¡Listo! Le escribiré en español."
    assert fake.calls == 0


async def test_regional_code_uses_the_base_catalog() -> None:
    localizer = Localizer(FakeTranslator())
    assert await localizer.text("zh-CN", "Translate") == "翻译"


async def test_language_without_catalog_falls_back_to_machine_translation() -> None:
    fake = FakeTranslator()
    localizer = Localizer(fake)
    assert await localizer.text("de", "Translate") == "[de] Translate"
    assert fake.calls == 1


async def test_untranslated_message_in_a_catalog_language_is_machine_translated() -> None:
    localizer = Localizer(FakeTranslator(), catalogs={"es": {"Translate": "Traducir"}})
    assert await localizer.text("es", "The glossary is empty.") == "[es] The glossary is empty."


async def test_families_see_catalog_text_end_to_end(sqlite_db: Database) -> None:
    async with console_session(sqlite_db) as s:
        # The teacher writes in Spanish too, so the title and slot need no machine translation.
        await s.run('as Ms Lee role=teacher lang=es\n/signup create title:"Feria" slots:"🚌 Chofer x1"\n'
                    "as María lang=es\nreact #1 🚌")
    assert s.last("DM → María").text == 'Está inscrito/a para 🚌 Chofer en "Feria". ¡Gracias!'
    assert re.search(r"\[es\]", s.last("DM → María").text) is None


class WaitingTranslator(FakeTranslator):
    """A provider that has not answered yet: ``translate`` waits until :attr:`answer` is set;
    nothing is cached until then."""

    def __init__(self) -> None:
        super().__init__()
        self.answer = asyncio.Event()
        self.done: dict[tuple[str, str], str] = {}

    async def translate(self, text: str, target: str, *, source: str | None = None,
                        community_id: int | None = None, owner_member_id: int | None = None) -> TranslationResult:
        await self.answer.wait()
        result = await super().translate(text, target, source=source)
        self.done[(text, target)] = result.text
        return result

    async def cached(self, text: str, target: str, *, source: str | None = None) -> str | None:
        return self.done.get((text, target))


async def test_the_bot_does_not_wait_for_the_provider_to_speak() -> None:
    translator = WaitingTranslator()
    localizer = Localizer(translator)
    assert await localizer.text("de", "Translate") == "Translate"  # English now, while the provider is silent
    translator.answer.set()
    await localizer.settle()
    assert await localizer.text("de", "Translate") == "[de] Translate"  # made in the background for next time
    assert translator.calls == 1
