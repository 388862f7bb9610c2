"""What a feature may ask of the bot: the one interface a cog (and the :class:`Context` it
is handed) sees of the engine.

A cog is given an object satisfying :class:`Services` — at run time the engine's
:class:`~bot.runtime.core.Core`, in a test anything with these members — and uses nothing
else of it: the engine's dispatcher, command table, cog list and adapters stay behind this
line, so they can change without touching a feature. ``tests/core/test_services.py`` reads
every ``core.<name>`` a cog or the API uses and fails when a name is not declared here, and
checks that the engine provides every name declared here.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.api.cog import Cog
    from bot.api.commands import CommandSpec
    from bot.api.events import Actor
    from bot.api.families import Families
    from bot.api.messages import Message
    from bot.api.outbound import Delivery, MemberInfo, Outbound
    from bot.api.refs import ChannelRef, CommunityRef, UserRef
    from bot.api.roles import Role
    from bot.config import Config, Secrets
    from bot.db.engine import Database
    from bot.db.models import Community, Member
    from bot.delivery.service import DeliveryService
    from bot.i18n import Localizer
    from bot.runtime.debounce import Debouncer
    from bot.runtime.privacy import PrivacyService
    from bot.translation import Translator
    from bot.util.clock import Clock

#: a page a feature serves over HTTP: the query parameters in, (status, HTML) out
HttpRoute = Callable[[Mapping[str, str]], Awaitable[tuple[int, str]]]

#: called with the new members of a community in the transaction that created them
MemberCreatedHook = Callable[["AsyncSession", int, "list[Member]"], Awaitable[None]]


class Services(Protocol):
    """The bot's services as a feature sees them."""

    # ----- configuration and storage ------------------------------------------------------
    config: Config
    secrets: Secrets
    db: Database
    clock: Clock

    # ----- shared services ----------------------------------------------------------------
    #: every message to families goes through it (modes, quiet hours, digests, exactly once)
    deliveries: DeliveryService
    #: who belongs to which household, and who may be told what
    families: Families
    translator: Translator
    i18n: Localizer
    #: coalesces repeated edits of one message (a sign-up card during a burst)
    debouncer: Debouncer
    #: export and erase one member's data across every feature
    privacy: PrivacyService

    # ----- what a feature adds at set-up --------------------------------------------------
    http_routes: dict[str, HttpRoute]
    member_created_hooks: list[MemberCreatedHook]

    def add_completion(self, source: str, completer: Any) -> None: ...

    # ----- what a feature may read of the others ------------------------------------------
    commands: Mapping[str, CommandSpec]

    def cog(self, name: str) -> Cog | None:
        """Another feature by name (None when it is switched off)."""
        ...

    def commands_for(self, roles: frozenset[Role]) -> list[CommandSpec]:
        """The commands someone holding ``roles`` may use, by name."""
        ...

    # ----- the platforms ------------------------------------------------------------------
    def outbound(self, platform: str) -> Outbound: ...

    @staticmethod
    def community_ref(community: Community) -> CommunityRef: ...

    @staticmethod
    def user_ref(member: Member, platform: str, community: Community | None = None) -> UserRef: ...

    async def channel(self, community: Community, purpose: str) -> ChannelRef | None: ...

    async def community_name(self, community: Community, default: str | None = None) -> str: ...

    async def community_by_id(self, session: AsyncSession, community_id: int) -> Community | None: ...

    async def ensure_member_from(self, community: Community, user: UserRef, info: MemberInfo) -> Member: ...

    # ----- people -------------------------------------------------------------------------
    def roles_of(self, member: Member | None, actor: Actor | None = None) -> frozenset[Role]:
        """Every role a member holds (platform and granted); family when there is no other."""
        ...

    def language_of(self, member: Member | None, community: Community | None) -> str: ...

    def zone_of(self, member: Member | None, community: Community | None) -> ZoneInfo: ...

    def quiet_hours_of(self, member: Member | None) -> str: ...

    # ----- words --------------------------------------------------------------------------
    async def localize(self, lang: str | None, msgid: str, **params: Any) -> str: ...

    async def translated(self, text: str, lang: str, *, source: str | None, community_id: int | None,
                         owner_member_id: int | None = None) -> tuple[str, bool]: ...

    async def send_dm(self, community: Community, member: Member, message: Message) -> Delivery: ...

    @staticmethod
    async def remember_dms_closed(session: AsyncSession, member_id: int) -> None: ...

    # ----- time, jobs and the record ------------------------------------------------------
    def line(self, key: str) -> asyncio.Lock: ...

    async def schedule(self, session: AsyncSession, kind: str, payload: dict[str, Any], run_at: datetime,
                       *, dedupe_key: str | None = None) -> None: ...

    async def schedule_many(self, session: AsyncSession, kind: str,
                            items: list[tuple[dict[str, Any], datetime, str]]) -> None: ...

    async def purge_expired(self) -> dict[str, int]:
        """Apply the retention policy now (the daily purge)."""
        ...

    async def audit(self, session: AsyncSession, community_id: int, actor: Member | None, action: str,
                    subject_type: str = "", subject_id: str | int = "",
                    subject_member_id: int | None = None) -> None: ...
