"""Commands declared once, platform-neutrally, and their options read in one place.

A cog declares each command with typed options and the roles allowed to run it; an adapter
turns the declarations into its platform's typed commands where it has them, or into slash
commands with ``name:value`` text, the console's syntax too. Text is parsed here, so every
text platform reads ``/signup create title:"Field trip" slots:"🚌 x4"`` identically, and
:func:`read_options` checks what text gave and what a platform delivered typed (its
option values, a form's fields) with the same rules, so a handler gets the same values, and
a wrong value the same answer, on every platform.
"""

from __future__ import annotations

import difflib
import re
import shlex
import unicodedata
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from bot.api.events import FrozenMap
from bot.api.ids import MAX_ID, MIN_ID, storable
from bot.api.messages import FileRef
from bot.api.refs import ChannelRef, UserRef
from bot.api.roles import EVERYONE, Role
from bot.i18n import N_


class OptionType(StrEnum):
    STRING = "string"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    USER = "user"
    CHANNEL = "channel"
    #: a file shared with the command (a platform's attachment option, a file's link, a console path)
    ATTACHMENT = "attachment"


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
    """An invocation that cannot be read: text that is no command, or an option value (typed
    or written) its declaration refuses. ``msgid`` and ``params`` localise the message."""

    def __init__(self, msgid: str, **params: Any) -> None:
        super().__init__(msgid.format(**params) if params else msgid)
        self.msgid = msgid
        self.params = params


MSG_WHOLE_NUMBER = N_("{name} must be a whole number.")
MSG_YES_OR_NO = N_("{name} must be true or false.")
MSG_TEXT = N_("{name} must be text.")
MSG_ONE_OF = N_("{name} must be one of: {choices}.")
MSG_REQUIRED = N_("The option {name} is required.")
MSG_TWICE = N_("The option {name} is given twice.")
MSG_NO_USER = N_("I can't find {who} in this community.")
MSG_NO_CHANNEL = N_("I can't find the channel {channel}.")
MSG_NO_FILE = N_("I can't open the file {file}. Check that it exists and that I may read it.")
MSG_FILE_TOO_LARGE = N_("{file} is {size}; a file can be at most {limit}. Please attach a smaller file.")
MSG_FILE_TYPE = N_("{file} is a kind of file I don't post ({type}). Please attach {allowed}.")

#: the short names people know file types by (the refusal lists what is allowed in them)
TYPE_NAMES = {"image/png": "PNG", "image/jpeg": "JPEG", "image/gif": "GIF", "image/webp": "WebP",
              "application/pdf": "PDF"}
MIB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class FileRules:
    """What a shared file may be: at most ``max_bytes``, of one of ``types`` (media types).
    The defaults are a common platform upload limit, images and PDF."""

    max_bytes: int = 10 * MIB
    types: frozenset[str] = frozenset(TYPE_NAMES)


def media_type(content_type: str) -> str:
    """``image/JPEG; charset=x`` -> ``image/jpeg``: the part a rule names."""
    return content_type.split(";", 1)[0].strip().lower()


def file_size(size: int) -> str:
    """A size as people read it (``2.5 MB``, ``300 KB``)."""
    if size >= MIB:
        return f"{size / MIB:.1f} MB".replace(".0 MB", " MB")
    return f"{max(1, -(-size // 1024))} KB"


def check_file(file: FileRef, rules: FileRules) -> FileRef:
    """``file`` if the rules allow it; else the error saying what is allowed, before anything
    is stored or posted."""
    kind = media_type(file.content_type)
    if kind not in rules.types:
        allowed = ", ".join(sorted(TYPE_NAMES.get(t, t) for t in rules.types))
        raise CommandSyntaxError(MSG_FILE_TYPE, file=file.filename, type=TYPE_NAMES.get(kind, kind or "?"),
                                 allowed=allowed)
    if file.size > rules.max_bytes:
        raise CommandSyntaxError(MSG_FILE_TOO_LARGE, file=file.filename, size=file_size(file.size),
                                 limit=file_size(rules.max_bytes))
    return file


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
        raise CommandSyntaxError(N_("A quotation mark is not closed.")) from exc


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
                raise CommandSyntaxError(MSG_TWICE, name=name.lower())
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
        raise CommandSyntaxError(N_("I did not understand: {text}"), text=" ".join(positional))
    return named


#: yes and no in the languages the bot speaks (its catalogs' and English), lower-cased: a
#: boolean option reads any of them, since no word here means yes in one language and no in
#: another (tests/core/test_commands.py checks). Unaccented forms too, as people type them.
BOOLEAN_WORDS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "en": (frozenset({"true", "yes", "y", "on", "1"}), frozenset({"false", "no", "n", "off", "0"})),
    "es": (frozenset({"sí", "si", "verdadero"}), frozenset({"no", "falso"})),
    "fr": (frozenset({"oui", "vrai"}), frozenset({"non", "faux"})),
    "pt": (frozenset({"sim", "verdadeiro"}), frozenset({"não", "nao", "falso"})),
    "ru": (frozenset({"да", "истина"}), frozenset({"нет", "ложь"})),
    "vi": (frozenset({"có", "co", "đúng", "dung"}), frozenset({"không", "khong", "sai"})),
    "zh": (frozenset({"是", "对", "真"}), frozenset({"否", "不", "不是", "假"})),
    "ko": (frozenset({"예", "네", "참"}), frozenset({"아니요", "아니오", "거짓"})),
    "ar": (frozenset({"نعم", "صحيح"}), frozenset({"لا", "خطأ"})),
    "ht": (frozenset({"wi", "vre"}), frozenset({"non", "fo"})),
    "so": (frozenset({"haa"}), frozenset({"maya"})),
    "tl": (frozenset({"oo", "totoo"}), frozenset({"hindi", "mali"})),
}
TRUE_WORDS = frozenset().union(*(yes for yes, _ in BOOLEAN_WORDS.values()))
FALSE_WORDS = frozenset().union(*(no for _, no in BOOLEAN_WORDS.values()))

def _word(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip().casefold()


def convert_scalar(opt: OptionSpec, raw: object) -> Any:
    """The typed value of one string, integer or boolean option, from text (a text platform,
    a form) or from a platform's own typed value (integers and booleans sent as JSON):
    either way the same checks, so a value is refused in the same words everywhere.
    Users and channels are :func:`read_options`' (they need the adapter to resolve)."""
    if opt.type == OptionType.INTEGER:
        if isinstance(raw, str):
            try:
                value = int(raw.strip().lstrip("#"))
            except ValueError as exc:
                raise CommandSyntaxError(MSG_WHOLE_NUMBER, name=opt.name) from exc
        elif isinstance(raw, int) and not isinstance(raw, bool):
            value = raw
        else:
            raise CommandSyntaxError(MSG_WHOLE_NUMBER, name=opt.name)
        value = check_integer(opt, value)
        if opt.choices and str(value) not in {choice.value for choice in opt.choices}:
            raise CommandSyntaxError(MSG_ONE_OF, name=opt.name, choices=", ".join(c.value for c in opt.choices))
        return value
    if opt.type == OptionType.BOOLEAN:
        if isinstance(raw, bool):
            return raw
        word = _word(raw) if isinstance(raw, str) else None
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise CommandSyntaxError(MSG_YES_OR_NO, name=opt.name)
    if not isinstance(raw, str):
        raise CommandSyntaxError(MSG_TEXT, name=opt.name)
    if opt.choices:
        for choice in opt.choices:
            if _word(raw) in (_word(choice.value), _word(choice.name)):
                return choice.value
        raise CommandSyntaxError(MSG_ONE_OF, name=opt.name, choices=", ".join(c.value for c in opt.choices))
    return raw


def check_integer(opt: OptionSpec, value: int) -> int:
    """``value`` within the option's bounds and the database's range, typed or from text
    (a platform's own integer option reaches 2^53)."""
    if opt.missing is not None and (not storable(value) or (opt.min_value is not None and value < opt.min_value)):
        raise CommandSyntaxError(opt.missing, **{opt.name: value})
    if opt.min_value is not None and value < opt.min_value:
        raise CommandSyntaxError(N_("{name} must be at least {min}."), name=opt.name, min=opt.min_value)
    if opt.max_value is not None and value > opt.max_value:
        raise CommandSyntaxError(N_("{name} must be at most {max}."), name=opt.name, max=opt.max_value)
    if value > MAX_ID:
        raise CommandSyntaxError(N_("{name} must be at most {max}."), name=opt.name, max=MAX_ID)
    if value < MIN_ID:
        raise CommandSyntaxError(N_("{name} must be at least {min}."), name=opt.name, min=MIN_ID)
    return value


def check_required(spec: CommandSpec, values: Mapping[str, Any]) -> None:
    for opt in spec.options:
        if opt.required and opt.name not in values:
            raise CommandSyntaxError(MSG_REQUIRED, name=opt.name)


class Resolver(Protocol):
    """Who or which channel a person's words name, as the platform knows them (the adapter
    answers; :meth:`bot.api.outbound.Outbound.resolve_user`)."""

    async def user(self, text: str) -> UserRef | None: ...

    async def channel(self, text: str) -> ChannelRef | None: ...

    async def file(self, text: str) -> FileRef | None: ...


def _blank(value: object) -> bool:
    """Given but empty (``when:""``): the same as not given. Spaces are a value: text of
    spaces reaches the handler, which can say what it expected there."""
    return value is None or value == ""


async def _reference(opt: OptionSpec, raw: object, resolver: Resolver, platform: str) -> UserRef | ChannelRef:
    """A person or a channel: a reference of this platform as it is, or the adapter's
    reading of text (a mention, a name, a platform id)."""
    wanted = UserRef if opt.type == OptionType.USER else ChannelRef
    if isinstance(raw, wanted) and raw.platform == platform:
        return raw
    text = raw.strip() if isinstance(raw, str) else ""
    if opt.type == OptionType.USER:
        user = await resolver.user(text) if text else None
        if user is None:
            raise CommandSyntaxError(MSG_NO_USER, who=text or opt.name)
        return user
    channel = await resolver.channel(text) if text else None
    if channel is None:
        raise CommandSyntaxError(MSG_NO_CHANNEL, channel=text or opt.name)
    return channel


async def _file(opt: OptionSpec, raw: object, resolver: Resolver, platform: str, rules: FileRules) -> FileRef:
    """A shared file: the platform's own reference as it came, or the adapter's reading of
    text (a console path, a file's link); then the size and type rules."""
    if isinstance(raw, FileRef) and raw.platform == platform:
        return check_file(raw, rules)
    text = raw.strip() if isinstance(raw, str) else ""
    file = await resolver.file(text) if text else None
    if file is None:
        raise CommandSyntaxError(MSG_NO_FILE, file=text or opt.name)
    return check_file(file, rules)


async def read_options(spec: CommandSpec, words: Sequence[str], given: Mapping[str, object], resolver: Resolver,
                       *, platform: str, files: FileRules = FileRules()) -> FrozenMap[Any]:
    """The one reading of an invocation's options, whatever the platform: ``words`` are the
    text after the command's name (a text platform), ``given`` the values the platform
    delivered by name (a platform's typed values, a form's fields). Every value is checked
    against its :class:`OptionSpec` (known name, type, range, choices, a person or channel
    that exists) and every required option must be there; the first problem raises a
    :class:`CommandSyntaxError` naming the option and what it expects, so nothing runs (a
    file too large or of a refused type included, by ``files``).
    Returns the typed values in declared order, read-only."""
    raw: dict[str, object] = parse_option_words(spec, list(words)) if words else {}
    for name, value in given.items():
        if spec.option(name) is None:
            raise unknown_option(spec, name)
        if name in raw:
            raise CommandSyntaxError(MSG_TWICE, name=name)
        raw[name] = value
    values: dict[str, Any] = {}
    for opt in spec.options:
        value = raw.get(opt.name)
        if _blank(value):
            continue
        if opt.type in (OptionType.USER, OptionType.CHANNEL):
            values[opt.name] = await _reference(opt, value, resolver, platform)
        elif opt.type == OptionType.ATTACHMENT:
            values[opt.name] = await _file(opt, value, resolver, platform, files)
        else:
            values[opt.name] = convert_scalar(opt, value)
    check_required(spec, values)
    return FrozenMap(values)
