"""Routes inbound events to cog handlers: de-duplication, permissions, error isolation.

The order for every event: ignore bots (our own messages included), skip keys already
processed (persisted, so redeliveries after a restart are caught), attribute the event to a
community and member, check roles for commands, run the handler, and record the key. A
handler that raises :class:`~bot.api.errors.UserError` gets its message shown privately; any
other exception gets a short apology with an error id, the log gets the traceback and
context, and the bot keeps running.

Commands, buttons and forms have one handler each and record the event's own key. An event
several listeners hear (a reaction: sign-ups and polls) gives each listener a key of its own
(:func:`listener_key`), recorded with that listener's changes: one failing listener does
not stop the others, and a redelivery of the event runs only the listeners that did not
complete. A lone listener keeps the event's key, so it costs nothing extra.
"""

from __future__ import annotations

import hashlib
import logging
import time
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.api.cog import Cog
from bot.api.commands import (
    CommandSpec,
    CommandSyntaxError,
    FileRules,
    find_command,
    media_type,
    read_options,
    split_words,
)
from bot.api.context import Context, DuplicateEvent
from bot.api.errors import UserError
from bot.api.events import (
    ButtonPressed,
    CommandInvoked,
    DirectMessage,
    Event,
    FormSubmitted,
    MemberLeft,
)
from bot.api.messages import FileRef, Message
from bot.api.refs import ChannelRef, CommunityRef, UserRef
from bot.api.roles import is_allowed, not_allowed_msgid
from bot.db.models import Community, Member, ProcessedEvent
from bot.db.processed import record_event_keys
from bot.i18n import N_
from bot.util.batching import GroupCommit
from bot.util.logging_setup import log_context

if TYPE_CHECKING:
    from bot.runtime.core import Core

log = logging.getLogger(__name__)

Handler = Callable[..., Awaitable[Any]]

MSG_UNKNOWN_COMMAND = N_("I don't know the command /{command}. Type /help to see what you can use.")
#: a press or a form naming nothing any feature offers (an old message, or a forged value)
MSG_STALE_BUTTON = N_("That button no longer works. Please use the latest message, or type the command.")
MSG_APOLOGY = N_("Sorry, something went wrong on our side and nothing was changed. "
                 "If it happens again, tell your teacher this code: {error_id}")


#: the processed-event key column's length
MAX_KEY_LENGTH = 255


def listener_key(event_key: str, listener: str) -> str:
    """The de-duplication key of one listener's handling of an event: the event's key and the
    listener's qualified name (hashed when together they would not fit the key column)."""
    key = f"{event_key}#{listener}"
    if len(key) <= MAX_KEY_LENGTH:
        return key
    digest = hashlib.sha256(key.encode()).hexdigest()
    return f"{event_key[:MAX_KEY_LENGTH - len(digest) - 1]}#{digest}"


@dataclass(frozen=True)
class Listener:
    """A listener and the name its de-duplication keys are derived from."""

    name: str
    handler: Handler


@dataclass(frozen=True)
class FirstLook:
    """What the first read of an event found: which of the keys asked about are recorded.
    ``member_looked_up`` tells "no such member yet" (create it) from "not looked for" (the
    community was not known yet)."""

    seen: frozenset[str] = frozenset()
    member: Member | None = None
    member_looked_up: bool = False


@dataclass(frozen=True)
class _Resolver:
    """People and channels named in an option, read by the event's adapter within the
    event's community."""

    core: Core
    ctx: Context

    def _community(self) -> CommunityRef:
        if self.ctx.community is None:
            raise UserError("Please use this command inside your class's server or workspace.")
        return self.core.community_ref(self.ctx.community)

    async def user(self, text: str) -> UserRef | None:
        return await self.ctx.outbound.resolve_user(self._community(), text)

    async def channel(self, text: str) -> ChannelRef | None:
        return await self.ctx.outbound.resolve_channel(self._community(), text)

    async def file(self, text: str) -> FileRef | None:
        return await self.ctx.outbound.resolve_file(self._community(), text)


class Dispatcher:
    def __init__(self, core: Core) -> None:
        self.core = core
        self.listeners: dict[type[Event], list[Listener]] = defaultdict(list)
        self.buttons: dict[str, Handler] = {}
        self.forms: dict[str, Handler] = {}
        #: events arriving together share their first read (keyed by community id)
        self._looks: GroupCommit[int | None, tuple[tuple[str, ...], str], FirstLook] = GroupCommit(self._look_up)
        #: keys of handlers that finished without writing, recorded together
        self._records: GroupCommit[None, str, None] = GroupCommit(self._record_batch)

    # ----- registration ------------------------------------------------------------------
    def register_cog(self, cog: Cog) -> None:
        for mark, fn in cog.marks():
            if mark.kind == "command":
                assert mark.spec is not None
                if mark.key in self.core.commands:
                    raise ValueError(f"two cogs declare the command /{mark.key}")
                self.core.commands[mark.key] = replace(mark.spec, handler=fn)
            elif mark.kind == "listener":
                owner = type(cog)
                self.listeners[mark.key].append(Listener(f"{owner.__module__}.{owner.__qualname__}.{fn.__name__}",
                                                         fn))
            elif mark.kind == "button":
                if mark.key in self.buttons:
                    raise ValueError(f"two handlers for the button action {mark.key!r}")
                self.buttons[mark.key] = fn
            elif mark.kind == "form":
                if mark.key in self.forms:
                    raise ValueError(f"two handlers for the form {mark.key!r}")
                self.forms[mark.key] = fn
            elif mark.kind == "job":
                self.core.jobs.register(mark.key, fn)

    # ----- dispatch ----------------------------------------------------------------------
    async def dispatch(self, event: Event) -> None:
        if event.actor.is_bot:
            return
        if not self._routed(event):
            return  # channel chatter no cog listens to: no read, no member row, nothing stored
        kind = type(event).__name__
        started = time.perf_counter()
        community = event.community.key if event.community is not None else None
        with log_context(platform=event.platform, community=community, event=event.key, kind=kind):
            try:
                await self._dispatch(event, kind)
            finally:
                elapsed = time.perf_counter() - started
                self.core.metrics.inc("homeroom_events_total", kind=kind)
                self.core.metrics.observe("homeroom_handler_seconds", elapsed, kind=kind)
                log.debug("handled %s", kind, extra={"duration_ms": round(elapsed * 1000, 1)})

    async def _dispatch(self, event: Event, kind: str) -> None:
        runs = self._runs(event)
        try:
            look = await self._first_look(event, tuple(dict.fromkeys([event.key, *(key for key, _ in runs)])))
            pending = [] if event.key in look.seen else [(key, work) for key, work in runs if key not in look.seen]
            if not pending:
                log.debug("duplicate event %s ignored", event.key)
                return
            ctx = await self._context(event, look)
        except (UserError, CommandSyntaxError) as err:
            log.info("event %s could not be attributed: %s", event.key, err)
            return
        except Exception:
            error_id = uuid.uuid4().hex[:8]
            log.exception("handler failed for %s event %s (error id %s)", type(event).__name__, event.key,
                          error_id)
            # failed before the sender could be identified (the database unreadable even after
            # retries, say): whoever wrote or clicked is still told, never silence
            await self._apologise_unattributed(event, error_id)
            return  # key not recorded: a platform retry may succeed
        apologised = False
        for key, work in pending:
            own = ctx if key == event.key else replace(ctx, dedupe_key=key, key_recorded=False, replied=False)
            apologised = await self._run(own, work, apologise=not apologised) or apologised

    def _runs(self, event: Event) -> list[tuple[str, Callable[[Context], Awaitable[Any]]]]:
        """What handles ``event``, each with the key its completion is recorded under: the
        event's own key for a command, button, form or lone listener; a key per listener
        when several hear it."""
        if isinstance(event, (CommandInvoked, ButtonPressed, FormSubmitted)):
            return [(event.key, lambda ctx: self._route(ctx, event))]
        listeners = self.listeners.get(type(event), [])

        def run(listener: Listener) -> Callable[[Context], Awaitable[Any]]:
            return lambda ctx: listener.handler(ctx, event)

        if len(listeners) == 1:
            return [(event.key, run(listeners[0]))]
        return [(listener_key(event.key, listener.name), run(listener)) for listener in listeners]

    async def _run(self, ctx: Context, work: Callable[[Context], Awaitable[Any]], *, apologise: bool) -> bool:
        """Run one handler in isolation and record its completion; returns whether it failed
        with an apology sent (so a second failing listener of the same event does not send
        another). A failure is logged once, with its error id, and leaves the key unrecorded
        so the platform's retry runs this handler again."""
        try:
            await work(ctx)
        except (UserError, CommandSyntaxError) as err:
            await self._safe_reply(ctx, err.msgid, err.params)
        except DuplicateEvent:
            log.debug("event %s applied by a concurrent delivery", ctx.key)
            return False
        except Exception:
            error_id = uuid.uuid4().hex[:8]
            log.exception("handler failed for %s event %s (error id %s)", type(ctx.event).__name__, ctx.key,
                          error_id)
            self.core.metrics.inc("homeroom_handler_failures_total", kind=type(ctx.event).__name__)
            if apologise:
                await self._safe_reply(ctx, MSG_APOLOGY, {"error_id": error_id})
            return apologise
        if not ctx.key_recorded:
            try:
                await self._records.submit(None, ctx.key)
            except Exception:
                log.exception("could not record event %s as processed", ctx.key)
        return False

    def _routed(self, event: Event) -> bool:
        if isinstance(event, (CommandInvoked, ButtonPressed, FormSubmitted)):
            return True  # always answered, if only to say the command is unknown
        return bool(self.listeners.get(type(event)))

    async def _apologise_unattributed(self, event: Event, error_id: str) -> None:
        """The apology when not even the sender's language can be read: privately in the
        interaction, or by DM for a direct message. (Reactions are not answered: the
        start-up reconciliation applies the ones that were missed.)"""
        text = MSG_APOLOGY.format(error_id=error_id)
        try:
            outbound = self.core.outbound(event.platform)
            interaction = getattr(event, "interaction", None)
            if interaction is not None:
                await outbound.reply_private(interaction, Message(text=text))
            elif isinstance(event, DirectMessage):
                await outbound.send_dm(event.actor.user, Message(text=text))
        except Exception:
            log.exception("could not apologise for event %s", event.key)

    async def _safe_reply(self, ctx: Context, msgid: str, params: dict[str, Any]) -> None:
        try:
            await ctx.reply(msgid, **params)
        except Exception:
            log.exception("could not send a private reply for event %s", ctx.event.key)

    async def _first_look(self, event: Event, keys: tuple[str, ...]) -> FirstLook:
        """The two questions every event asks first: seen before (``keys``: the event's, and
        each listener's when several listen)? who is this? Events that arrive together (a
        burst of reactions) are looked up together, one read for all."""
        community = self.core._communities.get(event.community.key) if event.community else None
        return await self._looks.submit(community.id if community else None, (keys, event.actor.user.id))

    async def _look_up(self, community_id: int | None, batch: list[tuple[tuple[str, ...], str]]) -> list[FirstLook]:
        keys = list(dict.fromkeys(key for asked, _ in batch for key in asked))
        users = list(dict.fromkeys(user for _, user in batch))

        async def read(session: AsyncSession) -> tuple[set[str], dict[str, Member]]:
            seen = set(await session.scalars(select(ProcessedEvent.key).where(ProcessedEvent.key.in_(keys))))
            if community_id is None:
                return seen, {}
            rows = await session.scalars(select(Member).where(Member.community_id == community_id,
                                                              Member.user_id.in_(users)))
            return seen, {member.user_id: member for member in rows}

        seen, members = await self.core.db.read_retrying(read)
        return [FirstLook(seen=frozenset(seen.intersection(asked)), member=members.get(user),
                          member_looked_up=community_id is not None)
                for asked, user in batch]

    async def _record_batch(self, _: None, keys: list[str]) -> list[None]:
        """Record the keys of handlers that finished without writing (those that wrote
        recorded theirs with their changes); handlers finishing together share one write."""
        async def _insert(session: AsyncSession) -> None:
            await record_event_keys(session, keys, self.core.clock.now())

        await self.core.db.write_retrying(_insert)
        return [None] * len(keys)

    async def _context(self, event: Event, look: FirstLook | None = None) -> Context:
        core = self.core
        outbound = core.outbound(event.platform)
        community: Community | None = None
        member: Member | None = None
        if event.community is not None:
            community = await core.ensure_community(event.community)
        else:
            community = await self._sole_community(event)
        if community is not None:
            looked_up = look is not None and look.member_looked_up
            member = await core.ensure_member(community, event.actor, present=not isinstance(event, MemberLeft),
                                              known=look.member if look else None, looked_up=looked_up)
        interaction = getattr(event, "interaction", None)
        return Context(
            core=core, event=event, outbound=outbound, community=community, member=member,
            roles=core.roles_of(member, event.actor), language=core.language_of(member, community),
            interaction=interaction,
        )

    async def _sole_community(self, event: Event) -> Community | None:
        """A DM carries no community: attribute it when the person belongs to exactly one."""
        async def read(session: AsyncSession) -> list[Community]:
            return list((await session.scalars(
                select(Community).join(Member, Member.community_id == Community.id).where(
                    Community.platform == event.platform, Member.user_id == event.actor.user.id,
                    Member.left_at.is_(None))
            )).all())

        rows = await self.core.db.read_retrying(read)
        return rows[0] if len(rows) == 1 else None

    async def _route(self, ctx: Context, event: Event) -> None:
        if isinstance(event, CommandInvoked):
            await self._run_command(ctx, event)
        elif isinstance(event, ButtonPressed):
            handler = self.buttons.get(event.action)
            if handler is None:
                log.warning("button action %s has no handler", event.action)
                raise UserError(MSG_STALE_BUTTON)
            await handler(ctx, event)
        elif isinstance(event, FormSubmitted):
            handler = self.forms.get(event.form_id)
            if handler is None:
                log.warning("form %s has no handler", event.form_id)
                raise UserError(MSG_STALE_BUTTON)
            await handler(ctx, event)

    def resolve_spec(self, event: CommandInvoked) -> tuple[CommandSpec, list[str]] | None:
        """The declared command an invocation names, and the words after its name (a text
        platform's ``raw_text``; none when the platform named the command itself)."""
        specs = self.core.commands
        if event.raw_text is not None:
            return find_command(specs, [event.name, *split_words(event.raw_text)])
        spec = specs.get(event.name)
        return (spec, []) if spec else None

    async def _run_command(self, ctx: Context, event: CommandInvoked) -> None:
        """Permissions, then the options read and checked (one error naming the option,
        nothing run, when one is wrong); the handler sees the event with its typed options."""
        resolved = self.resolve_spec(event)
        if resolved is None:
            raise UserError(MSG_UNKNOWN_COMMAND, command=event.name)
        spec, words = resolved
        if not is_allowed(ctx.roles, spec.allowed):
            raise UserError(not_allowed_msgid(spec.allowed), command=spec.name)
        rules = self.core.config.attachments
        options = await read_options(spec, words, event.options, _Resolver(self.core, ctx), platform=event.platform,
                                     files=FileRules(rules.max_bytes, frozenset(media_type(t) for t in rules.types)))
        ctx.event = replace(event, name=spec.name, options=options)
        assert spec.handler is not None
        await spec.handler(ctx, **options)
