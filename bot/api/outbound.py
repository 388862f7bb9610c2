"""The one outbound interface every adapter implements, and what each adapter can do.

Cogs and the core talk to platforms only through :class:`Outbound`. Where a platform lacks
something, its :class:`Capabilities` say so and the core picks the declared fallback
(:mod:`bot.api.fallbacks`); "unsupported" is a value, never an exception.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from enum import StrEnum

from bot.api.emoji import Emoji
from bot.api.messages import Attachment, FileRef, Form, Message
from bot.api.refs import ChannelRef, CommunityRef, InteractionRef, MessageRef, UserRef
from bot.api.roles import Role

#: counter of files that went out without their post's file (by platform only: no label holds an id)
FILES_UNPOSTED = "homeroom_files_unposted_total"
#: the counter each adapter adds to when its platform answers 429; ``route`` is an API method
#: or a path template such as ``POST /channels/{id}/messages``, never an id
RATE_LIMITED = "homeroom_platform_rate_limited_total"


@dataclass(frozen=True, slots=True, kw_only=True)
class Capabilities:
    """What a platform offers. Every adapter declares every field (there are no defaults,
    so a new capability cannot silently read as "yes" somewhere). Numbers are the platform's
    own limits. Where a capability is missing, :mod:`bot.api.fallbacks` decides what happens
    instead; cogs never test these flags where a fallback is involved."""

    buttons: bool
    selects: bool
    #: modals; without them the person is told the typed ``/command name:value`` syntax
    forms: bool
    #: replies in a thread under a message; without them the reply goes by DM
    threads: bool
    #: replies only the invoker sees; without them the reply goes by DM
    ephemeral: bool
    file_upload: bool
    reactions: bool
    #: the bot may remove someone else's reaction; without it that person is told privately
    remove_others_reactions: bool
    edit_dm: bool
    max_reactions_per_message: int
    max_buttons_per_message: int
    max_select_options: int
    max_text_length: int
    #: a direct message reaches the person's one inbox from every community of the platform
    #: (a user id is global and a DM belongs to no server), so a person in several
    #: communities reads one daily digest; False where a DM goes through one community only
    #: (each workspace with its own token and user ids)
    dms_span_communities: bool


class DeliveryStatus(StrEnum):
    SENT = "sent"
    DMS_CLOSED = "dms_closed"
    NOT_FOUND = "not_found"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Delivery:
    """The outcome of a direct message. ``DMS_CLOSED`` is a fact about the person (do not
    retry); ``FAILED`` is transient (retry later)."""

    status: DeliveryStatus
    message: MessageRef | None = None
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.status == DeliveryStatus.SENT


@dataclass(frozen=True, slots=True)
class MemberInfo:
    """A member as the platform knows them now (names are looked up, never stored as ids)."""

    user: UserRef
    display_name: str
    is_bot: bool = False
    locale: str | None = None
    platform_roles: frozenset[Role] = field(default_factory=frozenset)
    in_community: bool = True


class ChannelClosed(Exception):
    """The bot may not post in this channel (not invited to a private channel, no permission,
    archived): trying again cannot help until a person changes it."""

    def __init__(self, channel_id: str, reason: str = "") -> None:
        super().__init__(f"cannot post in channel {channel_id}: {reason or 'not allowed'}")
        self.channel_id = channel_id
        self.reason = reason


class AdapterMissing(LookupError):
    """This process has no adapter for ``platform`` (another process sharing the database
    may have one: a job that needs it is handed over, see :class:`bot.runtime.jobs.JobRunner`)."""

    def __init__(self, platform: str) -> None:
        super().__init__(f"no adapter connected for platform {platform!r}")
        self.platform = platform


class Outbound(ABC):
    """What the core and cogs may ask of a platform.

    Every method is async and may be called concurrently. Adapters honour their platform's
    rate limits inside these methods, so callers never pace themselves.
    """

    platform: str
    capabilities: Capabilities

    @abstractmethod
    async def post(self, channel: ChannelRef, message: Message) -> MessageRef:
        """Post in a channel (or a thread, when ``channel`` is one). A file of ``message.files``
        the platform no longer serves raises :class:`~bot.api.messages.FileUnavailable` before
        anything is posted; one it refuses to take is left out of the post and named in the
        returned reference's ``files_missing``. :meth:`delete` removes the post with its files."""

    @abstractmethod
    async def post_in_thread(self, parent: MessageRef, message: Message) -> MessageRef:
        """Reply in the thread of ``parent`` (platforms without threads quote the parent)."""

    @abstractmethod
    async def edit(self, ref: MessageRef, message: Message) -> None:
        """Replace a message the bot posted."""

    @abstractmethod
    async def delete(self, ref: MessageRef) -> None:
        """Delete a message the bot posted."""

    @abstractmethod
    async def send_dm(self, user: UserRef, message: Message, *, key: str | None = None, resend: bool = False,
                      dm_channel: str | None = None) -> Delivery:
        """Send a direct message; reports DMS_CLOSED instead of raising when the person
        does not accept them.

        ``key`` makes the send idempotent where the platform allows it: a message already
        delivered under the same key is not sent again, and its reference is returned
        instead (a nonce the platform enforces, message metadata looked up in the DM's
        recent history, the console's journal). ``resend`` says
        an earlier attempt with this key may have reached the platform (the process died
        before recording the outcome), so the adapter looks before it sends. ``dm_channel``
        is the person's DM channel when the caller already knows it (saves a round trip)."""

    @abstractmethod
    async def reply_private(self, interaction: InteractionRef, message: Message) -> None:
        """Answer an invocation so only its author sees it (ephemeral)."""

    async def open_form(self, interaction: InteractionRef, form: Form) -> bool:
        """Show a form (modal). Returns False where the platform cannot. Called only through
        :func:`bot.api.fallbacks.open_form`, which then tells the person the typed command."""
        return False

    @abstractmethod
    async def add_reaction(self, ref: MessageRef, emoji: Emoji) -> None:
        """Add the bot's own reaction."""

    @abstractmethod
    async def remove_reaction(self, ref: MessageRef, emoji: Emoji, user: UserRef) -> None:
        """Remove someone's reaction (a closed sign-up, an emoji that is not a slot). Only
        where ``capabilities.remove_others_reactions`` (or for the bot's own reaction);
        :func:`bot.api.fallbacks.take_back_reaction` decides."""

    async def community_name(self, community: CommunityRef) -> str | None:
        """The community's name as the platform shows it now (a server's), for a
        person who reads several communities' news in one message; None when the adapter
        cannot tell."""
        return None

    async def emoji_available(self, community: CommunityRef, emoji: Emoji) -> bool | None:
        """Whether the bot can react with a custom emoji in ``community``: False when the
        platform says it does not know it there (another server's emoji), None when the
        adapter cannot tell (the caller then accepts it). Unicode emoji are always usable."""
        return None if emoji.is_custom else True

    @abstractmethod
    async def read_reactions(self, ref: MessageRef) -> dict[str, tuple[Emoji, list[UserRef]]]:
        """Every reaction on a message now, keyed by ``Emoji.key``, with all the users
        (paged through completely). The bot's own reactions are left out. Raises
        LookupError when the message no longer exists (never answers "no reactions")."""

    @abstractmethod
    async def lookup_member(self, community: CommunityRef, user: UserRef) -> MemberInfo | None:
        """Name, roles and locale of a member, or None when they are not in the community."""

    @abstractmethod
    async def upload_file(self, destination: ChannelRef | UserRef, attachment: Attachment,
                          message: Message | None = None) -> MessageRef | None:
        """Upload a file to a channel or to a person's DMs."""

    @abstractmethod
    async def resolve_channel(self, community: CommunityRef, text: str) -> ChannelRef | None:
        """A channel from what a person typed (``#announcements``, ``<#C123>``, a name)."""

    @abstractmethod
    async def resolve_user(self, community: CommunityRef, text: str) -> UserRef | None:
        """A member from what a person typed (a mention, ``<@U123|maria>``, a console name)."""

    async def resolve_file(self, community: CommunityRef, text: str) -> FileRef | None:
        """A file from what a person typed (a console path, a file's link); None where
        the platform delivers files only typed, or the text names no file the bot may read."""
        return None

    async def permalink(self, ref: MessageRef) -> str | None:
        """An address a reader can open the message at (where a DM links a channel post's
        files), or None where the platform has none."""
        return None

    def mention(self, user: UserRef) -> str:
        """How to mention someone in text on this platform."""
        return f"<@{user.id}>"
