"""Command menus in the family's language: Discord's locales for the catalog languages.

Discord shows a command's ``name_localizations``/``description_localizations`` to people
whose client uses one of the locales it lists (its API reference, "Locales"); a catalog
language maps to each listed locale that reads it. Arabic, Somali, Haitian Creole and
Tagalog have no Discord locale, so those families see the menu in English and reach the
bot's words through /help, which speaks their language. Names (commands, subcommands,
options) are localized under the rules of :mod:`bot.api.command_names`, so an interaction still
names the command in English (Discord sends the default name) and /help lists what the
reader's menu shows. The Chinese catalog is written in
simplified characters, so it serves zh-CN only, not zh-TW.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from bot import i18n
from bot.api.command_names import sibling_names

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


#: Discord locale → the catalog language its menu is localized in (None: English)
MENU_LANGUAGES: dict[str, str] = {locale: lang for lang, locales in DISCORD_LOCALES.items() for locale in locales}


def menu_language(locale: str | None) -> str | None:
    """The catalog language of the command menu a client in ``locale`` shows, or None."""
    return MENU_LANGUAGES.get(locale or "")


def name_localizations(siblings: Iterable[str], localizer: i18n.Localizer | None = None,
                       extra: str | None = None) -> dict[str, dict[str, str]]:
    """{English name: ``name_localizations``} for one set of sibling names (every command, the
    subcommands of one, the options of one). ``extra`` is a sibling only Discord has (the
    subcommand a plain command becomes): it gets a name only where that takes none from the others."""
    localizer = localizer or i18n.Localizer()
    names = sorted(set(siblings))
    found: dict[str, dict[str, str]] = {name: {} for name in [*names, *([extra] if extra else [])]}
    for lang, locales in DISCORD_LOCALES.items():
        kept = sibling_names(localizer, lang, names)
        if extra:
            with_extra = sibling_names(localizer, lang, [*names, extra]).get(extra)
            if with_extra is not None and with_extra not in kept.values():
                kept[extra] = with_extra
        for name, local in kept.items():
            found[name].update(dict.fromkeys(locales, local))
    return found
