"""Inbound events: one frozen type per fact, each with a stable de-duplication key.

Adapters turn platform payloads into these (a pure function per payload type); the
dispatcher routes them to cogs by type. ``key`` is derived from the platform's own ids
(an interaction id, a Slack ``event_id``, a gateway session and sequence), so a redelivery
of the same fact has the same key and is caught by the dispatcher, even after a restart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.emoji import Emoji
from bot.refs import ChannelRef, CommunityRef, InteractionRef, MessageRef, UserRef
from bot.roles import Role


@dataclass(frozen=True, slots=True)
class Actor:
    """Who caused an event, as the platform described them at that moment.

    ``platform_roles`` are the roles the adapter derived from platform facts (Discord roles
    named in config, the Administrator permission, a Slack workspace admin); the core joins
    them with roles granted inside Homeroom. ``roles_known`` is False when the platform said
    nothing about them (a Discord DM carries no server roles): the platform roles stored from
    the member's last event in the server then stands, instead of being wiped.
    """

    user: UserRef
    display_name: str = ""
    is_bot: bool = False
    locale: str | None = None
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
    """A declared command was run. ``options`` hold raw values for text platforms (the
    dispatcher parses them against the declaration) or already typed values (Discord)."""

    name: str
    options: dict[str, Any] = field(default_factory=dict)
    raw_text: str | None = None
    channel: ChannelRef | None = None
    interaction: InteractionRef | None = None


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
    fields: dict[str, str] = field(default_factory=dict)
    interaction: InteractionRef | None = None


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
