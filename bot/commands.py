"""Commands declared once, platform-neutrally.

A cog declares each command with typed options and the roles allowed to run it; Discord
turns the declarations into application commands, Slack into slash commands with
``name:value`` text, the console into the same text syntax. Text is parsed here, in one
place, so every text platform reads ``/signup create title:"Field trip" slots:"🚌 x4"``
identically.
"""

from __future__ import annotations

import difflib
import re
import shlex
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from bot.i18n import N_
from bot.ids import MAX_ID, MIN_ID, storable
from bot.roles import EVERYONE, Role


class OptionType(StrEnum):
    STRING = "string"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    USER = "user"
    CHANNEL = "channel"


@dataclass(frozen=True, slots=True)
class Choice:
    name: str
    value: str


@dataclass(frozen=True, slots=True)
class OptionSpec:
    """One option. ``long`` marks text that may come through a form (modal);
    ``autocomplete`` names a completion source an adapter may offer (``languages``,
    ``signups``, ``questions``). ``missing`` is, for a number naming a record, the message
    for "no such record" (with the option's name as its placeholder): a number past the
    database's range names nothing, so it gets that message before any query."""

    name: str
    description: str
    type: OptionType = OptionType.STRING
    required: bool = False
    choices: tuple[Choice, ...] = ()
    long: bool = False
    autocomplete: str | None = None
    min_value: int | None = None
    max_value: int | None = None
    missing: str | None = None


Handler = Callable[..., Awaitable[Any]]


@dataclass(frozen=True, slots=True)
class CommandSpec:
    """A command: ``name`` may have a subcommand ("signup create"). ``allowed`` are the
    roles that may run it (admins always may). ``ephemeral`` says whether its answer is
    private by default; ``defer`` that its work may take longer than a platform's
    acknowledgement window."""

    name: str
    description: str
    options: tuple[OptionSpec, ...] = ()
    allowed: frozenset[Role] = EVERYONE
    ephemeral: bool = True
    defer: bool = False
    handler: Handler | None = field(default=None, compare=False)

    @property
    def root(self) -> str:
        return self.name.split(" ", 1)[0]

    @property
    def subcommand(self) -> str | None:
        parts = self.name.split(" ", 1)
        return parts[1] if len(parts) == 2 else None

    def option(self, name: str) -> OptionSpec | None:
        for opt in self.options:
            if opt.name == name:
                return opt
        return None


class CommandSyntaxError(ValueError):
    """Text that cannot be read as a command. ``msgid`` and ``params`` localise the message."""

    def __init__(self, msgid: str, **params: Any) -> None:
        super().__init__(msgid.format(**params) if params else msgid)
        self.msgid = msgid
        self.params = params


def split_words(text: str) -> list[str]:
    """Shell-like split that keeps ``name:"two words"`` together and tolerates curly quotes."""
    normalised = text.replace("“", '"').replace("”", '"').replace("„", '"')
    lexer = shlex.shlex(normalised, posix=True)
    lexer.whitespace_split = True
    lexer.commenters = ""
    lexer.quotes = '"'
    lexer.escape = ""
    try:
        return list(lexer)
    except ValueError as exc:
        raise CommandSyntaxError("A quotation mark is not closed.") from exc


def find_command(specs: Mapping[str, CommandSpec], words: list[str]) -> tuple[CommandSpec, list[str]] | None:
    """The command named by the first one or two words, and the words left over."""
    if not words:
        return None
    root = words[0].lstrip("/").lower()
    if len(words) > 1 and f"{root} {words[1].lower()}" in specs:
        return specs[f"{root} {words[1].lower()}"], words[2:]
    if root in specs:
        return specs[root], words[1:]
    return None


#: a word that reads as ``name:value`` with a name that could be an option's (not a time
#: like 7:30, not a web address, not "Note: ..." followed by a space)
_OPTION_LIKE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


def unknown_option(spec: CommandSpec, name: str) -> CommandSyntaxError:
    """The error for an option ``spec`` does not have: it names the options it does have,
    with the closest one as a suggestion (``txt`` -> ``text``)."""
    known = [opt.name for opt in spec.options]
    if not known:
        return CommandSyntaxError(N_("/{command} has no option {name}; it takes no options."), command=spec.name,
                                  name=name)
    options = ", ".join(f"{opt}:" for opt in known)
    close = difflib.get_close_matches(name.lower(), known, n=1, cutoff=0.5)
    if close:
        return CommandSyntaxError(N_("/{command} has no option {name}. Did you mean {suggestion}? Its options "
                                     "are: {options}"), command=spec.name, name=name,
                                  suggestion=f"{close[0]}:", options=options)
    return CommandSyntaxError(N_("/{command} has no option {name}. Its options are: {options}"),
                              command=spec.name, name=name, options=options)


def _looks_like_option(name: str, value: str) -> bool:
    return bool(value) and not value.startswith("//") and _OPTION_LIKE.match(name) is not None


def parse_option_words(spec: CommandSpec, words: list[str]) -> dict[str, str]:
    """``name:value`` words go to that option; other words fill the remaining options in
    declared order, and the last text option swallows what is left ("/language Haitian
    Creole")."""
    named: dict[str, str] = {}
    positional: list[str] = []
    for word in words:
        name, sep, value = word.partition(":")
        if sep and spec.option(name.lower()) is not None:
            if name.lower() in named:
                raise CommandSyntaxError("The option {name} is given twice.", name=name.lower())
            named[name.lower()] = value
        elif sep and _looks_like_option(name, value):
            # a misspelled option must not become text posted to a whole class
            raise unknown_option(spec, name)
        else:
            positional.append(word)
    free = [opt for opt in spec.options if opt.name not in named]
    index = 0
    while positional and index < len(free):
        opt = free[index]
        is_last = index == len(free) - 1 or all(o.type != OptionType.STRING for o in free[index + 1:])
        if opt.type == OptionType.STRING and is_last:
            named[opt.name] = " ".join(positional)
            positional = []
        else:
            named[opt.name] = positional.pop(0)
        index += 1
    if positional:
        raise CommandSyntaxError("I did not understand: {text}", text=" ".join(positional))
    return named


TRUE_WORDS = {"true", "yes", "y", "1", "on", "sí", "si", "oui", "да", "có"}
FALSE_WORDS = {"false", "no", "n", "0", "off", "non", "нет", "không"}


def convert_scalar(opt: OptionSpec, raw: str) -> Any:
    """Typed value of one option from text (users and channels are resolved by the
    dispatcher through the adapter, not here)."""
    if opt.type == OptionType.INTEGER:
        try:
            value = int(raw.strip().lstrip("#"))
        except ValueError as exc:
            raise CommandSyntaxError("{name} must be a whole number.", name=opt.name) from exc
        return check_integer(opt, value)
    if opt.type == OptionType.BOOLEAN:
        word = raw.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise CommandSyntaxError("{name} must be true or false.", name=opt.name)
    if opt.choices:
        for choice in opt.choices:
            if raw.strip().lower() in (choice.value.lower(), choice.name.lower()):
                return choice.value
        raise CommandSyntaxError(
            "{name} must be one of: {choices}.", name=opt.name, choices=", ".join(c.value for c in opt.choices)
        )
    return raw


def check_integer(opt: OptionSpec, value: int) -> int:
    """``value`` within the option's bounds and the database's range, typed or from text
    (a platform's own integer option reaches 2^53)."""
    if opt.missing is not None and (not storable(value) or (opt.min_value is not None and value < opt.min_value)):
        raise CommandSyntaxError(opt.missing, **{opt.name: value})
    if opt.min_value is not None and value < opt.min_value:
        raise CommandSyntaxError("{name} must be at least {min}.", name=opt.name, min=opt.min_value)
    if opt.max_value is not None and value > opt.max_value:
        raise CommandSyntaxError("{name} must be at most {max}.", name=opt.name, max=opt.max_value)
    if value > MAX_ID:
        raise CommandSyntaxError(N_("{name} must be at most {max}."), name=opt.name, max=MAX_ID)
    if value < MIN_ID:
        raise CommandSyntaxError(N_("{name} must be at least {min}."), name=opt.name, min=MIN_ID)
    return value


def check_required(spec: CommandSpec, values: Mapping[str, Any]) -> None:
    for opt in spec.options:
        if opt.required and (values.get(opt.name) in (None, "")):
            raise CommandSyntaxError("The option {name} is required.", name=opt.name)
