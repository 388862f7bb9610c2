"""The bot's own words (confirmations, errors, button labels, help) in each member's language.

Messages are English strings with ``{placeholders}`` (the msgid). Catalogs are gettext
``.po`` files under ``bot/locale/<lang>/LC_MESSAGES/homeroom.po``, managed with Babel
(``pybabel extract/update``) and read with Babel at start-up. A language without a
catalog (or a message its catalog lacks) falls back to machine translation through the
translation service, but never waits for a provider: a translation made before (cached in
memory or the database) is used at once; otherwise the reply is in English now and the
translation is made in the background, so the next reply has it. A slow or dead provider
cannot delay what the bot says itself.
"""

from __future__ import annotations

import asyncio
import logging
import string
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po

from bot import languages
from bot.translation import Translator

log = logging.getLogger(__name__)

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "homeroom"


def N_(msgid: str) -> str:
    """Mark a string for extraction without translating it here."""
    return msgid


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


@cache
def load_catalogs(locale_dir: Path = LOCALE_DIR) -> dict[str, dict[str, str]]:
    """Every ``.po`` catalog, as {language: {msgid: translation}} (fuzzy entries skipped)."""
    catalogs: dict[str, dict[str, str]] = {}
    if not locale_dir.is_dir():
        return catalogs
    for po_path in sorted(locale_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        lang = po_path.parent.parent.name.replace("_", "-")
        with po_path.open("rb") as handle:
            catalog = read_po(handle)
        entries = {}
        for message in catalog:
            if message.id and message.string and not message.fuzzy and isinstance(message.id, str):
                entries[message.id] = str(message.string)
        catalogs[lang] = entries
    return catalogs


class Localizer:
    """Turns a msgid into text in a language: catalog first, then machine translation."""

    def __init__(self, translator: Translator | None = None, catalogs: dict[str, dict[str, str]] | None = None):
        self.translator = translator
        self.catalogs = load_catalogs() if catalogs is None else catalogs
        self._background: set[asyncio.Task[object]] = set()

    def catalog_for(self, lang: str) -> dict[str, str] | None:
        if lang in self.catalogs:
            return self.catalogs[lang]
        return self.catalogs.get(languages.base(lang))

    def has_catalog(self, lang: str) -> bool:
        return lang.startswith("en") or self.catalog_for(lang) is not None

    def sync_text(self, lang: str, msgid: str, **params: Any) -> str:
        """Catalog-only lookup (English when there is none); for places that cannot await."""
        catalog = self.catalog_for(lang) or {}
        return format_message(catalog.get(msgid, msgid), params)

    async def text(self, lang: str | None, msgid: str, **params: Any) -> str:
        lang = lang or "en"
        if lang.startswith("en"):
            return format_message(msgid, params)
        catalog = self.catalog_for(lang)
        if catalog is not None and msgid in catalog:
            return format_message(catalog[msgid], params)
        if self.translator is not None:
            # Translate the template, not the filled text, so the cache serves every use.
            translated = await self.translator.cached(msgid, lang, source="en")
            if translated is not None:
                return format_message(translated, params)
            self._translate_later(msgid, lang)
        return format_message(msgid, params)

    def _translate_later(self, msgid: str, lang: str) -> None:
        """Make the translation for next time (the service shares one request between
        everyone asking for the same message at once)."""
        assert self.translator is not None
        task: asyncio.Task[object] = asyncio.create_task(self.translator.translate(msgid, lang, source="en"))
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def settle(self) -> None:
        """Wait for translations started in the background (tests, shutdown)."""
        while self._background:
            await asyncio.gather(*self._background, return_exceptions=True)
