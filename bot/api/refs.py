"""Platform-qualified references.

Every identity in Homeroom is a platform id qualified by its platform, so the same id on
two platforms never collides. References are small frozen values; storage keys on them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.api.messages import FileRef


@dataclass(frozen=True, slots=True)
class CommunityRef:
    """A platform's server or workspace (team), or the console community."""

    platform: str
    id: str

    @property
    def key(self) -> str:
        return f"{self.platform}:{self.id}"


@dataclass(frozen=True, slots=True)
class UserRef:
    """A person (or bot) on one platform. Never a display name. ``community``, when known,
    says where the bot knows them from (a deployment serving several workspaces of one platform
    sends with that workspace's token); it is not part of the person's identity."""

    platform: str
    id: str
    community: CommunityRef | None = field(default=None, compare=False)

    @property
    def key(self) -> str:
        return f"{self.platform}:{self.id}"


@dataclass(frozen=True, slots=True)
class ChannelRef:
    """A channel, a direct-message channel or a thread. ``community`` is None for DMs."""

    platform: str
    id: str
    community: CommunityRef | None = None
    is_dm: bool = False

    @property
    def key(self) -> str:
        return f"{self.platform}:{self.id}"


@dataclass(frozen=True, slots=True)
class MessageRef:
    """One message in one channel (a reply in a thread too: the reply's own id in the thread's
    channel, so the platform finds it without knowing the thread).

    ``files_missing``, on the reference a post returns, names the files of the message that
    the platform refused after the message itself went out (the caller tells whoever shared
    them; posting again would show the news twice). It is no part of the identity and is
    empty on a reference read back from storage."""

    channel: ChannelRef
    id: str
    files_missing: tuple[FileRef, ...] = field(default=(), compare=False)

    @property
    def platform(self) -> str:
        return self.channel.platform

    @property
    def key(self) -> str:
        return f"{self.channel.platform}:{self.channel.id}:{self.id}"


@dataclass(frozen=True, slots=True)
class InteractionRef:
    """What an adapter needs to answer one invocation privately (an interaction token,
    a response URL, a console user). Opaque to the core and to cogs."""

    platform: str
    id: str
    token: str = ""
    channel: ChannelRef | None = None
