"""The per-event :class:`Context` handlers receive, and :class:`DuplicateEvent`.

Kept apart from :class:`~bot.runtime.core.Core` so the dispatcher, which makes contexts, and the core,
which owns the dispatcher, do not import each other.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from bot.api import fallbacks
from bot.api.errors import UserError
from bot.api.messages import Message
from bot.api.roles import Role, is_allowed
from bot.db.processed import record_event_keys

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.api.events import Event
    from bot.api.outbound import Outbound
    from bot.api.refs import InteractionRef, UserRef
    from bot.api.services import Services
    from bot.db.models import Community, Member

T = TypeVar("T")


class DuplicateEvent(Exception):
    """The event's key was recorded by another delivery of the same event."""


@dataclass
class Context:
    """Everything a handler needs about one event: who, where, in which language, and how
    to answer them privately. ``write``/``transaction`` record the handler's de-duplication
    key (:attr:`key`) in the same transaction as the handler's changes, so a redelivered event can never
    apply twice and a crash before commit loses nothing."""

    core: Services
    event: Event
    outbound: Outbound
    community: Community | None
    member: Member | None
    roles: frozenset[Role]
    language: str
    interaction: InteractionRef | None = None
    key_recorded: bool = field(default=False)
    replied: bool = field(default=False)
    #: the key this handler's completion is recorded under when it is not the event's own
    #: (one of several listeners of the event: see :func:`bot.runtime.dispatcher.listener_key`)
    dedupe_key: str = ""

    @property
    def key(self) -> str:
        """The de-duplication key ``write``/``transaction`` record."""
        return self.dedupe_key or self.event.key

    @property
    def user(self) -> UserRef:
        return self.event.actor.user

    @property
    def now(self) -> datetime:
        return self.core.clock.now()

    def has_role(self, *roles: Role) -> bool:
        return is_allowed(self.roles, frozenset(roles))

    def require_community(self) -> Community:
        if self.community is None:
            raise UserError("Please use this command inside your class's server or workspace.")
        return self.community

    def require_member(self) -> Member:
        if self.member is None:
            raise UserError("Please use this command inside your class's server or workspace.")
        return self.member

    async def _record_key(self, session: AsyncSession) -> None:
        """Insert the event's key; a concurrent twin that got there first makes this insert a
        no-op (PostgreSQL waits for the twin's commit), and then this delivery stops."""
        if self.key_recorded:
            return
        if not await record_event_keys(session, [self.key], self.core.clock.now()):
            raise DuplicateEvent(self.key)

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        """A write transaction that also records this event as processed."""
        async with self.core.db.write() as session:
            await self._record_key(session)
            yield session
        self.key_recorded = True

    async def transaction(self, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
        """Like :meth:`write`, retried on transient database conflicts."""

        async def _work(session: AsyncSession) -> T:
            await self._record_key(session)
            return await work(session)

        result = await self.core.db.write_retrying(_work)
        self.key_recorded = True
        return result

    async def t(self, msgid: str, **params: Any) -> str:
        """``msgid`` in this member's language."""
        return await self.core.localize(self.language, msgid, **params)

    async def reply(self, msgid: str, **params: Any) -> None:
        """A private, localised answer to whoever caused the event."""
        await self.reply_message(Message(text=await self.t(msgid, **params)))

    async def reply_message(self, message: Message) -> None:
        """A private answer: ephemeral where the platform has it and the event came with an
        interaction, else a DM (:func:`bot.api.fallbacks.private_route`)."""
        self.replied = True
        route = fallbacks.private_route(self.outbound.capabilities, interaction=self.interaction is not None)
        if route is fallbacks.PrivateRoute.EPHEMERAL and self.interaction is not None:
            await self.outbound.reply_private(self.interaction, message)
            return
        if self.community is not None and self.member is not None:
            await self.core.send_dm(self.community, self.member, message)
        else:
            await self.outbound.send_dm(self.user, message)
