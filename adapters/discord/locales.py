"""Command menus in the family's language: Discord's locales for the catalog languages.

Discord shows a command's ``name_localizations``/``description_localizations`` to people
whose client uses one of the locales it lists (its API reference, "Locales"); a catalog
language maps to each listed locale that reads it. Arabic, Somali, Haitian Creole and
Tagalog have no Discord locale, so those families see the menu in English and reach the
bot's words through /help, which speaks their language. The Chinese catalog is written in
simplified characters, so it serves zh-CN only, not zh-TW.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot import i18n

#: catalog language → the Discord locales that read it
DISCORD_LOCALES: dict[str, tuple[str, ...]] = {
    "es": ("es-ES", "es-419"),
    "fr": ("fr",),
    "ko": ("ko",),
    "pt": ("pt-BR",),
    "ru": ("ru",),
    "vi": ("vi",),
    "zh": ("zh-CN",),
}
#: Discord's limit on a command or option description (localized or not)
DESCRIPTION_LIMIT = 100


def description_localizations(msgid: str, catalogs: Mapping[str, Mapping[str, str]] | None = None) -> dict[str, str]:
    """``msgid`` from each catalog, keyed by Discord locale; a catalog without it adds nothing
    (Discord then shows the English default). Also for a choice's name ("teacher"), which
    Discord limits to 100 characters too."""
    catalogs = i18n.load_catalogs() if catalogs is None else catalogs
    found: dict[str, str] = {}
    for lang, locales in DISCORD_LOCALES.items():
        text = catalogs.get(lang, {}).get(msgid)
        if text:
            found.update(dict.fromkeys(locales, text[:DESCRIPTION_LIMIT]))
    return found
