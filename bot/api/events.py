"""Inbound events: one frozen type per fact, each with a stable de-duplication key.

Adapters turn platform payloads into these (a pure function per payload type); the
dispatcher routes them to cogs by type. ``key`` is derived from the platform's own ids
(an interaction id, an event id, a gateway session and sequence), so a redelivery
of the same fact has the same key and is caught by the dispatcher, even after a restart.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NoReturn, TypeVar

from bot.api.emoji import Emoji
from bot.api.refs import ChannelRef, CommunityRef, InteractionRef, MessageRef, UserRef
from bot.api.roles import Role

V = TypeVar("V")


class FrozenMap(Mapping[str, V]):
    """A read-only mapping by name, kept as a tuple of pairs: a command's options and a
    form's fields inside a frozen event. It copies what it is built from (the adapter's dict
    can change afterwards without changing the event), offers no way to change it, and
    hashes like the event that holds it. Equal to any mapping with the same items, so
    ``options == {"id": 3}`` reads naturally."""

    __slots__ = ("_items",)
    _items: tuple[tuple[str, V], ...]

    def __init__(self, items: Mapping[str, V] | Iterable[tuple[str, V]] = ()) -> None:
        object.__setattr__(self, "_items", tuple(dict(items).items()))

    def __getitem__(self, key: str) -> V:
        for name, value in self._items:
            if name == key:
                return value
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return (name for name, _ in self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return hash(frozenset(self._items))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return dict(self._items) == dict(other.items())
        return NotImplemented

    def __repr__(self) -> str:
        return f"FrozenMap({dict(self._items)!r})"

    def __reduce__(self) -> tuple[type[FrozenMap[V]], tuple[tuple[tuple[str, V], ...]]]:
        return (type(self), (self._items,))

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise AttributeError(f"{type(self).__name__} is read-only")

    def __delattr__(self, name: str) -> NoReturn:
        raise AttributeError(f"{type(self).__name__} is read-only")


#: no options, no fields
EMPTY: FrozenMap[Any] = FrozenMap()


def _freeze(event: object, name: str) -> None:
    """Hold a mapping field of a frozen event as a :class:`FrozenMap` (adapters pass dicts)."""
    value = getattr(event, name)
    if not isinstance(value, FrozenMap):
        object.__setattr__(event, name, FrozenMap(value))


@dataclass(frozen=True, slots=True)
class Actor:
    """Who caused an event, as the platform described them at that moment.

    ``platform_roles`` are the roles the adapter derived from platform facts (platform roles
    named in config, an administrator permission, a workspace admin); the core joins
    them with roles granted inside Homeroom. ``roles_known`` is False when the platform said
    nothing about them (a DM that carries no server roles): the platform roles stored from
    the member's last event in the server then stands, instead of being wiped.
    ``menu_language`` is the catalog language the platform shows this person's command menu
    in (a platform that localizes names by the client's locale); None: the declared English names.
    """

    user: UserRef
    display_name: str = ""
    is_bot: bool = False
    locale: str | None = None
    menu_language: str | None = None
    platform_roles: frozenset[Role] = frozenset()
    roles_known: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """Common to every inbound event."""

    key: str
    actor: Actor
    community: CommunityRef | None
    received_at: datetime | None = None

    @property
    def platform(self) -> str:
        return self.actor.user.platform


@dataclass(frozen=True, slots=True, kw_only=True)
class CommandInvoked(Event):
    """A declared command was run.

    An adapter hands over what the person gave as the platform delivered it: ``raw_text``,
    the words after the command's name on a text platform (the console too), and ``options``,
    values the platform delivers by name (typed option values, a form's fields). It
    applies no rules to them. Before anything runs, the dispatcher reads both against the
    command's declaration (:func:`bot.api.commands.read_options`) and the event the handler sees
    carries the result: ``name`` the declared command ("signup create") and ``options`` its
    typed, checked values (``str``, ``int``, ``bool``, :class:`~bot.api.refs.UserRef`,
    :class:`~bot.api.refs.ChannelRef`), the same types whatever the platform. Either way the
    options are a read-only :class:`FrozenMap`."""

    name: str
    options: Mapping[str, Any] = EMPTY
    raw_text: str | None = None
    channel: ChannelRef | None = None
    interaction: InteractionRef | None = None

    def __post_init__(self) -> None:
        _freeze(self, "options")


@dataclass(frozen=True, slots=True, kw_only=True)
class ReactionAdded(Event):
    message: MessageRef
    emoji: Emoji


@dataclass(frozen=True, slots=True, kw_only=True)
class ReactionRemoved(Event):
    message: MessageRef
    emoji: Emoji


@dataclass(frozen=True, slots=True, kw_only=True)
class DirectMessage(Event):
    """A private message to the bot. ``community`` is the one the adapter could attribute
    it to (the only community the user shares with the bot), else None."""

    text: str
    message: MessageRef


@dataclass(frozen=True, slots=True, kw_only=True)
class ThreadReply(Event):
    """A reply in the thread of one of the bot's messages (or a reply to a DM it sent)."""

    text: str
    parent: MessageRef
    message: MessageRef


@dataclass(frozen=True, slots=True, kw_only=True)
class ChannelMessage(Event):
    """A plain message in a channel (only where the platform delivers them to bots)."""

    text: str
    message: MessageRef


@dataclass(frozen=True, slots=True, kw_only=True)
class ButtonPressed(Event):
    """A button or a select-menu choice on one of the bot's messages."""

    action: str
    value: str
    message: MessageRef | None = None
    interaction: InteractionRef | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class FormSubmitted(Event):
    form_id: str
    value: str
    fields: Mapping[str, str] = EMPTY
    interaction: InteractionRef | None = None

    def __post_init__(self) -> None:
        _freeze(self, "fields")


@dataclass(frozen=True, slots=True, kw_only=True)
class MemberJoined(Event):
    pass


@dataclass(frozen=True, slots=True, kw_only=True)
class MemberLeft(Event):
    pass


#: Everything the dispatcher knows how to route.
INBOUND_TYPES: tuple[type[Event], ...] = (
    CommandInvoked,
    ReactionAdded,
    ReactionRemoved,
    DirectMessage,
    ThreadReply,
    ChannelMessage,
    ButtonPressed,
    FormSubmitted,
    MemberJoined,
    MemberLeft,
)
