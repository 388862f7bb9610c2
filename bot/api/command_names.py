"""Command and option names in a reader's language, for a platform whose menu shows them so.

A name comes from the catalogs (context ``command name``) and is used only when it is a name
a person can pick: the strictest platform rules for command names (lowercase, 1 to 32 letters,
digits, ``-`` or ``_``, as a platform's API reference states them) and unique among
its siblings (the other commands, the other subcommands of one command, the other options of
one command) as the reader sees them. Otherwise the English name stands, so a menu never
shows two entries alike and the bot never sends a name the platform refuses. The same rules
give /help the names the reader sees in the menu.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping

import regex

from bot.api.commands import CommandSpec
from bot.i18n import Localizer

#: the strictest platform pattern for a command, subcommand or option name
NAME_PATTERN = regex.compile(r"^[-_\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$")


def usable(name: str) -> bool:
    """A name every platform accepts: the pattern, and lowercase wherever a letter has a lowercase."""
    return bool(NAME_PATTERN.match(name)) and name == name.lower()


def sibling_names(localizer: Localizer, lang: str, english: Iterable[str]) -> dict[str, str]:
    """{English name: name in ``lang``} for one set of siblings, holding only usable names
    that differ from every sibling's English name and from each other (the first in English
    order keeps a name two would share); a sibling left out is shown in English."""
    names = sorted(set(english))
    defaults = set(names)
    kept: dict[str, str] = {}
    for name in names:
        found = localizer.name(lang, name)
        if found is None:
            continue
        found = unicodedata.normalize("NFC", found.strip())
        if found == name or not usable(found):
            continue
        if found in defaults or found in kept.values():
            continue
        kept[name] = found
    return kept


def menu_names(localizer: Localizer, lang: str, commands: Mapping[str, CommandSpec]) -> dict[str, str]:
    """{declared command name: the name a reader in ``lang`` sees}, for every command
    ("signup create" → "inscripcion crear"); a word without a usable translation stays English."""
    roots = sibling_names(localizer, lang, (spec.root for spec in commands.values()))
    subs: dict[str, dict[str, str]] = {}
    for root in {spec.root for spec in commands.values()}:
        subs[root] = sibling_names(localizer, lang, (spec.subcommand for spec in commands.values()
                                                     if spec.root == root and spec.subcommand))
    shown: dict[str, str] = {}
    for name, spec in commands.items():
        words = [roots.get(spec.root, spec.root)]
        if spec.subcommand:
            words.append(subs[spec.root].get(spec.subcommand, spec.subcommand))
        shown[name] = " ".join(words)
    return shown


def option_names(localizer: Localizer, lang: str, spec: CommandSpec) -> dict[str, str]:
    """{option name: the name a reader in ``lang`` sees} for the options of one command."""
    return sibling_names(localizer, lang, (option.name for option in spec.options))
