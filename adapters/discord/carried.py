"""Options typed with a slash command that then opened a modal, carried to the modal's submit.

Discord's submit holds only the modal's own fields, so what the person had already typed (a
channel, a yes/no, a file) would be lost. Small values ride in the modal's custom id, read
back by the command's declaration as Discord sent them; anything else (a file's resolved
object never fits) waits in this process under a short token in that id, for as long as
Discord keeps the interaction. A token this process does not know (it restarted, or the time
ran out) means the options are gone: the caller says so, and nothing runs without them.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

from adapters.discord.commands import option_type
from bot.api import customid
from bot.api.commands import CommandSpec, OptionType

#: How long Discord keeps an interaction's token (15 minutes): the modal cannot outlive it.
LIFETIME_SECONDS = 900.0
#: starts a value that is a token, which no option name does (they are lowercase words)
TOKEN_MARK = "~"


@dataclass(frozen=True, slots=True)
class Typed:
    """Option objects as Discord sent them with the command, and the ``data.resolved`` they
    refer to (the files of attachment options)."""

    options: tuple[dict[str, Any], ...] = ()
    resolved: dict[str, Any] = field(default_factory=dict)


NOTHING = Typed()


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def _read(spec: CommandSpec, name: str, text: str) -> dict[str, Any] | None:
    """An option object as Discord sends it, from its ``name=text`` in a custom id."""
    option = spec.option(name)
    if option is None:
        return None
    value: Any = text
    if option.type == OptionType.INTEGER:
        value = int(text)
    elif option.type == OptionType.BOOLEAN:
        value = text == "1"
    return {"name": name, "type": option_type(option.type), "value": value}


class CarriedOptions:
    """The custom ids of command modals, and what their submits bring back."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._kept: dict[str, tuple[float, Typed]] = {}

    def custom_id(self, name: str, typed: Typed) -> str:
        """``hr|cmd:<name>|`` with the typed options as ``name=value`` pairs when they fit
        and hold no file, else with a token for them kept here."""
        if not typed.options:
            return customid.command_form(name)
        if not any(o.get("type") == option_type(OptionType.ATTACHMENT) for o in typed.options):
            try:
                return customid.command_form(name, urlencode([(o["name"], _text(o.get("value")))
                                                              for o in typed.options]))
            except customid.CustomIdTooLong:
                pass
        self._forget_expired()
        token = secrets.token_urlsafe(9)
        self._kept[token] = (self._clock() + LIFETIME_SECONDS, typed)
        return customid.command_form(name, TOKEN_MARK + token)

    def take(self, spec: CommandSpec, value: str) -> Typed | None:
        """What a submit's custom id value carries; None when it named options this process
        no longer holds."""
        if not value:
            return NOTHING
        if value.startswith(TOKEN_MARK):
            self._forget_expired()
            kept = self._kept.pop(value.removeprefix(TOKEN_MARK), None)
            return kept[1] if kept is not None else None
        try:
            options = [_read(spec, name, text) for name, text in parse_qsl(value, keep_blank_values=True)]
        except ValueError:
            return None
        return Typed(tuple(o for o in options if o is not None))

    def _forget_expired(self) -> None:
        now = self._clock()
        for token in [t for t, (until, _) in self._kept.items() if until <= now]:
            del self._kept[token]
