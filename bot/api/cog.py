"""What a feature module is: a :class:`Cog` declaring commands, event listeners, button and
form handlers, jobs, and how to export and delete one member's data.

Cogs receive every service through :class:`~bot.api.services.Services`; they never import an adapter or
a platform library, so the same cog runs on every platform and the console.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from bot.api.commands import CommandSpec, OptionSpec
from bot.api.events import Event
from bot.api.roles import EVERYONE, Role
from bot.db.purge import purge_targets

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.api.services import Services
    from bot.db.models import Member

F = TypeVar("F", bound=Callable[..., Awaitable[Any]])


@dataclass(frozen=True, slots=True)
class _Mark:
    kind: str  # "command" | "listener" | "button" | "form" | "job"
    key: Any
    spec: CommandSpec | None = None


def command(
    name: str,
    description: str,
    *options: OptionSpec,
    allowed: frozenset[Role] = EVERYONE,
    ephemeral: bool = True,
    defer: bool = False,
) -> Callable[[F], F]:
    """Declare a command; the handler is called as ``handler(ctx, **options)``."""

    def mark(fn: F) -> F:
        spec = CommandSpec(name=name, description=description, options=tuple(options), allowed=allowed,
                           ephemeral=ephemeral, defer=defer)
        fn.__dict__.setdefault("_homeroom_marks", []).append(_Mark("command", name, spec))
        return fn

    return mark


def listener(event_type: type[Event]) -> Callable[[F], F]:
    """Handle every event of a type: ``handler(ctx, event)``."""

    def mark(fn: F) -> F:
        fn.__dict__.setdefault("_homeroom_marks", []).append(_Mark("listener", event_type))
        return fn

    return mark


def button(action: str) -> Callable[[F], F]:
    """Handle presses of buttons (and select choices) with this action: ``handler(ctx, event)``."""

    def mark(fn: F) -> F:
        fn.__dict__.setdefault("_homeroom_marks", []).append(_Mark("button", action))
        return fn

    return mark


def form(form_id: str) -> Callable[[F], F]:
    """Handle submissions of a form: ``handler(ctx, event)``."""

    def mark(fn: F) -> F:
        fn.__dict__.setdefault("_homeroom_marks", []).append(_Mark("form", form_id))
        return fn

    return mark


def job(kind: str) -> Callable[[F], F]:
    """Run durable jobs of this kind: ``handler(job_context)``."""

    def mark(fn: F) -> F:
        fn.__dict__.setdefault("_homeroom_marks", []).append(_Mark("job", kind))
        return fn

    return mark


class Cog:
    """Base class for features. Subclasses set ``name`` and decorate methods."""

    name: str = "cog"
    #: Models (classes) holding member data that this cog exports and deletes; the privacy
    #: test fails when a model referencing members is covered by no cog.
    personal_data_models: tuple[type, ...] = ()

    def __init__(self, core: Services) -> None:
        self.core = core

    def marks(self) -> list[tuple[_Mark, Callable[..., Awaitable[Any]]]]:
        found = []
        for attr in dir(type(self)):
            fn = getattr(type(self), attr, None)
            for mark in getattr(fn, "_homeroom_marks", ()):
                found.append((mark, getattr(self, attr)))
        return found

    async def on_start(self) -> None:
        """Called once the database is ready, before events flow."""

    async def on_platform_ready(self, platform: str) -> None:
        """Called once per platform session (reconciliation): at start-up, and again when a
        platform had to start a fresh session, since nothing missed meanwhile is replayed."""

    async def export_member(self, session: AsyncSession, member: Member) -> dict[str, Any]:
        """Everything this cog holds about ``member``, readable by a person."""
        return {}

    async def delete_member(self, session: AsyncSession, member: Member) -> None:
        """Erase ``member``'s personal data, keeping counts others rely on right."""

    async def on_member_left(self, session: AsyncSession, member: Member) -> None:
        """The member left the server or workspace: cancel what was still going to them."""

    def expired_rows(self, cutoffs: dict[str, datetime]) -> dict[str, tuple[Any, Any]]:
        """What the retention policy removes from this feature's tables: kind -> (table or
        model, condition), children before the rows they point at. ``cutoffs`` maps a kind
        ("questions", "deliveries", "translation_cache", "audit") to the oldest moment kept.
        :meth:`purge_expired` and :meth:`count_expired` both read it."""
        return {}

    async def purge_expired(self, session: AsyncSession, cutoffs: dict[str, datetime]) -> dict[str, int]:
        """Delete what is older than the retention policy; returns rows removed per kind."""
        return await purge_targets(session, self.expired_rows(cutoffs))

    async def count_expired(self, session: AsyncSession, cutoffs: dict[str, datetime]) -> dict[str, int]:
        """What :meth:`purge_expired` would remove now (for ``homeroom privacy report``)."""
        return await purge_targets(session, self.expired_rows(cutoffs), dry_run=True)
