"""Localisation, below the API: the bot's own words, catalogs and the language table; it may import
bot.translation and bot.discovery, never bot.api, bot.runtime, bot.app or bot.cli.

The bot's own words (confirmations, errors, button labels, help) in each member's language.

Messages are English strings with ``{placeholders}`` (the msgid). Catalogs are gettext
``.po`` files: the core's under ``bot/i18n/locale/<lang>/LC_MESSAGES/homeroom.po``, each cog's
own under ``cogs/<name>/locale/<lang>/LC_MESSAGES/<name>.po`` (looked up first, then the
core's), managed with Babel (``python -m bot.i18n.catalogs``) and read at start-up. A message with a count is
marked ``P_(singular, plural)`` and always names its count ``{count}``: the form is chosen
by each catalog's own ``Plural-Forms`` rule (Arabic has six forms, Vietnamese one), and for
English by the template's two. Command and option names are messages under the context
``command name`` (:data:`COMMAND_NAME`), kept apart from the same word in prose. A language without a
catalog (or a message its catalog lacks) falls back to machine translation through the
translation service, but never waits for a provider: a translation made before (cached in
memory or the database) is used at once; otherwise the reply is in English now and the
translation is made in the background, so the next reply has it. A slow or dead provider
cannot delay what the bot says itself.
"""

from __future__ import annotations

import gettext
import logging
import string
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from babel.lists import format_list as _babel_list

from bot.i18n import languages
from bot.i18n.languages import babel_locale

if TYPE_CHECKING:
    import asyncio

    from bot.translation import Translator

log = logging.getLogger(__name__)

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "homeroom"
#: the msgctxt of command, subcommand and option names (what a person types or picks in a menu)
COMMAND_NAME = "command name"
#: the placeholder that chooses a plural form
COUNT = "count"
#: gettext's separator between a message's context and its msgid in a lookup key
_CONTEXT_GLUE = "\x04"


def N_(msgid: str) -> str:
    """Mark a string for extraction without translating it here."""
    return msgid


def P_(singular: str, plural: str) -> str:
    """Mark a message with a ``{count}`` for extraction with its English plural; looked up
    by its singular, like every message."""
    return singular


def key(msgid: str, context: str | None = None) -> str:
    """The lookup key of ``msgid`` under ``context`` (gettext's own convention)."""
    return f"{context}{_CONTEXT_GLUE}{msgid}" if context else msgid


def _english_form(n: int) -> int:
    return 0 if n == 1 else 1


class Catalog(dict[str, str]):
    """One language's translations, {key: text}, plus its plural messages: ``plurals`` maps a
    singular msgid to every form, ``plural_index`` is the catalog's Plural-Forms rule."""

    def __init__(self, entries: Mapping[str, str] | None = None, plurals: Mapping[str, tuple[str, ...]] | None = None,
                 plural_index: Callable[[int], int] = _english_form) -> None:
        super().__init__(entries or {})
        self.plurals: dict[str, tuple[str, ...]] = dict(plurals or {})
        self.plural_index = plural_index

    def plural(self, msgid: str, n: int) -> str | None:
        """The form of ``msgid`` for ``n``, or None when this catalog lacks the message."""
        forms = self.plurals.get(msgid)
        if not forms:
            return None
        return forms[min(max(self.plural_index(n), 0), len(forms) - 1)]


def format_list(items: list[str], lang: str | None) -> str:
    """Items joined the reader's way ("administrador y comité", "مشرف ومعلم", "admin and
    committee"), from CLDR's list patterns."""
    if len(items) < 2:
        return "".join(items)
    try:
        return _babel_list(items, locale=babel_locale(lang))
    except (ValueError, LookupError):
        return ", ".join(items)


class _SafeDict(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def format_message(template: str, params: Mapping[str, Any]) -> str:
    """str.format that leaves an unknown ``{name}`` as written instead of raising (a
    translated catalog entry with a mistyped placeholder must not break a reply)."""
    try:
        return string.Formatter().vformat(template, (), _SafeDict(params))
    except (ValueError, IndexError):
        return template


def read_catalog(path: Path) -> Catalog:
    """One ``.po`` file (or the ``.pot`` template, whose plurals are the English forms);
    fuzzy entries and plurals missing a form are skipped."""
    from babel.messages.pofile import read_po  # a tenth of a first look-up that reads no catalog

    with path.open("rb") as handle:
        po = read_po(handle)
    rule = gettext.c2py(po.plural_expr) if path.suffix == ".po" else _english_form
    catalog = Catalog(plural_index=rule)
    for message in po:
        if not message.id or message.fuzzy:
            continue
        if isinstance(message.id, (tuple, list)):
            forms = tuple(str(form) for form in message.string) if path.suffix == ".po" else tuple(message.id)
            if forms and all(forms):
                catalog.plurals[key(str(message.id[0]), message.context)] = forms
        elif message.string:
            catalog[key(message.id, message.context)] = str(message.string)
    return catalog


def cog_locale_dirs() -> list[tuple[str, Path]]:
    """(domain, locale folder) of every feature that has its own catalogs: a cog folder's
    ``locale/``, its gettext domain the cog's name."""
    from bot import discovery

    found = []
    for name in discovery.cog_names():
        folder = discovery.cog_folder(name)
        if folder is not None and (folder / "locale").is_dir():
            found.append((name, folder / "locale"))
    return found


def _merged(core: Catalog, extra: Catalog) -> None:
    """A cog's catalog over the core's: the cog's own translation of a message comes first."""
    core.update(extra)
    core.plurals.update(extra.plurals)


@cache
def load_catalogs(locale_dir: Path = LOCALE_DIR, *, with_cogs: bool = True) -> dict[str, Catalog]:
    """Every language's catalog, as {language: catalog}: the core's (``locale_dir``) with each
    cog's own catalog of that language over it."""
    catalogs: dict[str, Catalog] = {}
    if not locale_dir.is_dir():
        return catalogs
    cogs = cog_locale_dirs() if with_cogs else []
    for po_path in sorted(locale_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        folder = po_path.parent.parent.name
        catalog = read_catalog(po_path)
        for domain, cog_dir in cogs:
            cog_po = cog_dir / folder / "LC_MESSAGES" / f"{domain}.po"
            if cog_po.is_file():
                _merged(catalog, read_catalog(cog_po))
        catalogs[folder.replace("_", "-")] = catalog
    return catalogs


@cache
def english_plurals(locale_dir: Path = LOCALE_DIR, *, with_cogs: bool = True) -> dict[str, tuple[str, ...]]:
    """{singular: (singular, plural)} of every message with a count, from the templates: the
    English forms, and the list of messages whose count chooses a form in every language."""
    templates = [locale_dir / f"{DOMAIN}.pot"]
    if with_cogs:
        templates += [cog_dir / f"{domain}.pot" for domain, cog_dir in cog_locale_dirs()]
    found: dict[str, tuple[str, ...]] = {}
    for template in templates:
        if template.is_file():
            found.update(read_catalog(template).plurals)
    return found


class Localizer:
    """Turns a msgid into text in a language: catalog first, then machine translation."""

    def __init__(self, translator: Translator | None = None, catalogs: Mapping[str, Mapping[str, str]] | None = None,
                 plurals: Mapping[str, tuple[str, ...]] | None = None):
        self.translator = translator
        self.catalogs = load_catalogs() if catalogs is None else catalogs
        self.plurals = english_plurals() if plurals is None else plurals
        self._background: set[asyncio.Task[object]] = set()

    def catalog_for(self, lang: str) -> Mapping[str, str] | None:
        if lang in self.catalogs:
            return self.catalogs[lang]
        return self.catalogs.get(languages.base(lang))

    def has_catalog(self, lang: str) -> bool:
        return lang.startswith("en") or self.catalog_for(lang) is not None

    def english(self, msgid: str, params: Mapping[str, Any]) -> str:
        """The English text of ``msgid``: its singular or plural form for a ``{count}``."""
        forms = self.plurals.get(msgid)
        count = _count(params)
        if forms is None or count is None:
            return msgid
        return forms[_english_form(count)]

    def _from_catalog(self, catalog: Mapping[str, str] | None, msgid: str, params: Mapping[str, Any]) -> str | None:
        """The catalog's template for ``msgid`` (the right plural form), or None."""
        if catalog is None:
            return None
        count = _count(params)
        if count is not None and msgid in self.plurals:
            plural = getattr(catalog, "plural", None)
            return plural(msgid, count) if plural is not None else None
        return catalog.get(msgid)

    def sync_text(self, lang: str, msgid: str, **params: Any) -> str:
        """Catalog-only lookup (English when there is none); for places that cannot await."""
        found = self._from_catalog(self.catalog_for(lang), msgid, params)
        return format_message(found if found is not None else self.english(msgid, params), params)

    def name(self, lang: str, english: str, context: str = COMMAND_NAME) -> str | None:
        """A name's translation under ``context`` (a command's, an option's), or None; never
        machine-translated, because a name must be the same word wherever it is shown."""
        catalog = self.catalog_for(lang)
        return catalog.get(key(english, context)) if catalog is not None else None

    async def text(self, lang: str | None, msgid: str, **params: Any) -> str:
        lang = lang or "en"
        english = self.english(msgid, params)
        if lang.startswith("en"):
            return format_message(english, params)
        found = self._from_catalog(self.catalog_for(lang), msgid, params)
        if found is not None:
            return format_message(found, params)
        if self.translator is not None:
            # Translate the template, not the filled text, so the cache serves every use.
            translated = await self.translator.cached(english, lang, source="en")
            if translated is not None:
                return format_message(translated, params)
            self._translate_later(english, lang)
        return format_message(english, params)

    def _translate_later(self, msgid: str, lang: str) -> None:
        """Make the translation for next time (the service shares one request between
        everyone asking for the same message at once)."""
        assert self.translator is not None
        import asyncio  # loaded by every running bot; not by a process that only names languages

        task: asyncio.Task[object] = asyncio.create_task(self.translator.translate(msgid, lang, source="en"))
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def settle(self) -> None:
        """Wait for translations started in the background (tests, shutdown)."""
        import asyncio

        while self._background:
            await asyncio.gather(*self._background, return_exceptions=True)


def _count(params: Mapping[str, Any]) -> int | None:
    value = params.get(COUNT)
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value
