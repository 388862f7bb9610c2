"""The one custom-id format for buttons, select menus and forms, on every platform.

A press or a submission comes back carrying only the id we gave the component, so the id
is the whole route: ``hr|<action>|<value>`` for a button or select (the wire format of
every card already posted, kept so old buttons keep working), ``hr|form:<form_id>|<value>``
for a cog's form and ``hr|cmd:<name>|<value>`` for a command's options asked in a form (the
value carries what was already typed with the command, where a platform keeps it). Every
adapter encodes and decodes through here, so a route never depends on the platform.

Ids must fit the strictest platform limit (:data:`MAX_ID_LENGTH`) and are refused, never
cut, when they do not: a truncated id would route a press to the wrong place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

PREFIX = "hr"
SEPARATOR = "|"
#: The shortest custom id any supported platform accepts (others allow more, 255 for
#: instance; each adapter checks its own platform's caps).
MAX_ID_LENGTH = 100
#: the strictest platform limit on a button's ``value`` (the id itself already carries ours).
MAX_VALUE_LENGTH = 2000

_FORM = "form:"
_COMMAND = "cmd:"
#: formats of modals opened before this module existed (a modal lives only minutes, but one
#: may be open across a restart)
_LEGACY_FORM = "hr-form"
_LEGACY_COMMAND = "hr-cmd"
#: matches every id of ours, current or legacy (for platforms that route by pattern)
OURS = re.compile(r"^hr(?:\||-form\||-cmd\|)")


class Kind(StrEnum):
    BUTTON = "button"
    FORM = "form"
    COMMAND = "command"


class CustomIdTooLong(ValueError):
    """An id that does not fit the platform's limit (a programming error: shorten the
    action or value)."""


@dataclass(frozen=True, slots=True)
class Route:
    """What a custom id decodes to: a button's action, a form's id or a command's name,
    and the value it carries."""

    kind: Kind
    name: str
    value: str = ""


def _encode(route: str, value: str, limit: int) -> str:
    if SEPARATOR in route or not route:
        raise ValueError(f"a route name must be non-empty and contain no {SEPARATOR!r}: {route!r}")
    return checked(SEPARATOR.join((PREFIX, route, value)), limit=limit)


def checked(text: str, *, limit: int = MAX_ID_LENGTH, what: str = "custom id") -> str:
    """``text`` unchanged when it fits ``limit``; raises :class:`CustomIdTooLong` otherwise."""
    if len(text) > limit:
        raise CustomIdTooLong(f"{what} too long ({len(text)} > {limit}): {text[:40]}...")
    return text


def button(action: str, value: str = "", *, limit: int = MAX_ID_LENGTH) -> str:
    """``hr|signup.toggle|12:3``: a button's or a select menu's id."""
    if action.startswith((_FORM, _COMMAND)):
        raise ValueError(f"a button action may not start like a form route: {action!r}")
    return _encode(action, value, limit)


def form(form_id: str, value: str = "", *, limit: int = MAX_ID_LENGTH) -> str:
    """``hr|form:<form_id>|<value>``: a cog's form."""
    return _encode(_FORM + form_id, value, limit)


def command_form(name: str, value: str = "", *, limit: int = MAX_ID_LENGTH) -> str:
    """``hr|cmd:<name>|<value>``: a form asking for a command's options; ``value`` is the
    adapter's own (the options typed with the command, or a key to them)."""
    return _encode(_COMMAND + name, value, limit)


def decode(custom_id: str) -> Route | None:
    """The route a custom id encodes, or None when it is not one of ours."""
    parts = custom_id.split(SEPARATOR, 2)
    head = parts[0]
    if head == _LEGACY_COMMAND and len(parts) >= 2 and parts[1]:
        return Route(Kind.COMMAND, parts[1])
    if head == _LEGACY_FORM and len(parts) >= 2 and parts[1]:
        return Route(Kind.FORM, parts[1], parts[2] if len(parts) == 3 else "")
    if head != PREFIX or len(parts) != 3 or not parts[1]:
        return None
    route, value = parts[1], parts[2]
    if route.startswith(_FORM):
        return Route(Kind.FORM, route.removeprefix(_FORM), value) if route != _FORM else None
    if route.startswith(_COMMAND):
        return Route(Kind.COMMAND, route.removeprefix(_COMMAND), value) if route != _COMMAND else None
    return Route(Kind.BUTTON, route, value)
