"""The engine's services, shared by every adapter and, through the
:class:`~bot.api.services.Services` protocol it satisfies, by every cog. The per-event
:class:`Context` lives in bot/api/context.py (re-exported here for the engine's own modules).

:class:`Core` is built once at start-up from the validated configuration and handed to
cogs and adapters; nothing in Homeroom is a module-level global.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import weakref
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.api.cog import Cog
from bot.api.commands import CommandSpec
from bot.api.context import Context, DuplicateEvent
from bot.api.events import Actor, Event
from bot.api.families import Families
from bot.api.messages import Form, Message
from bot.api.outbound import AdapterMissing, Delivery, DeliveryStatus, MemberInfo, Outbound
from bot.api.refs import ChannelRef, CommunityRef, UserRef
from bot.api.roles import Role, is_allowed
from bot.api.services import HttpRoute, MemberCreatedHook
from bot.config import Config, Secrets
from bot.db.engine import Database
from bot.db.models import AuditEntry, Community, Member
from bot.i18n import Localizer
from bot.runtime import jobs as jobqueue
from bot.runtime.dispatcher import Dispatcher
from bot.runtime.metrics import Metrics
from bot.runtime.privacy import PrivacyService
from bot.translation import Translator
from bot.util.batching import GroupCommit
from bot.util.clock import Clock

log = logging.getLogger(__name__)

__all__ = ["CHANNEL_PURPOSES", "Context", "Core", "DuplicateEvent"]

CHANNEL_PURPOSES = ("announcements", "general", "committee", "staff")


class Core:
    """Configuration, storage, clock, jobs, translation, localisation and the adapters."""

    def __init__(
        self,
        config: Config,
        db: Database,
        clock: Clock,
        translator: Translator,
        *,
        secrets: Secrets | None = None,
        localizer: Localizer | None = None,
    ) -> None:
        self.config = config
        self.secrets = secrets or Secrets()
        self.db = db
        self.clock = clock
        self.translator = translator
        self.i18n = localizer or Localizer(translator)
        self.jobs = jobqueue.JobRunner(
            db, clock, lease_seconds=config.jobs.lease_seconds, batch_size=config.jobs.batch_size,
            poll_seconds=config.jobs.poll_seconds, platforms=lambda: set(self.adapters),
        )
        from bot.runtime.debounce import Debouncer

        self.debouncer = Debouncer(config.signups.card_edit_delay_seconds)
        self._lines: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()
        #: families met for the first time together are created in one transaction
        self._new_members: GroupCommit[int, dict[str, Any], Member] = GroupCommit(self._create_members)
        #: called in the transaction that creates members first seen, with (session, community
        #: id, the rows): what a cog queues for a newcomer is queued with them, or not at all.
        #: A row a concurrent process created first is passed too, so hooks must be idempotent.
        self.member_created_hooks: list[MemberCreatedHook] = []
        self.adapters: dict[str, Outbound] = {}
        self._communities: dict[str, Community] = {}
        self.cogs: list[Cog] = []
        self.commands: dict[str, CommandSpec] = {}
        self._ready_platforms: set[tuple[str, str | None]] = set()
        from bot.api.completions import complete_languages

        #: option completion sources by name (see bot/api/completions.py)
        self.completions: dict[str, Any] = {"languages": complete_languages}
        #: whether each platform's connection is up now (for /healthz)
        self._connected: dict[str, bool] = {}
        #: counts and timings for /metrics
        self.metrics = Metrics()
        #: pages features serve on the operator's HTTP server (bot/runtime/http_server.py), by path
        self.http_routes: dict[str, HttpRoute] = {}
        self._ready_lock = asyncio.Lock()
        from bot.delivery.cog import DeliveryCog
        from bot.delivery.service import DeliveryService

        self.dispatcher = Dispatcher(self)
        #: who the families are (one member, one family, until a feature provides guardians)
        self.families: Families = Families()
        #: every message to a person goes through this service
        self.deliveries = DeliveryService(self)
        #: export and erase one member's data across every feature
        self.privacy = PrivacyService(self)
        self.add_cog(DeliveryCog(self))

    # ----- composition -------------------------------------------------------------------
    def add_cog(self, cog: Cog) -> None:
        self.cogs.append(cog)
        self.dispatcher.register_cog(cog)

    def cog(self, name: str) -> Cog | None:
        """A feature by name (None when it is switched off)."""
        return next((cog for cog in self.cogs if cog.name == name), None)

    def commands_for(self, roles: frozenset[Role]) -> list[CommandSpec]:
        """The commands someone holding ``roles`` may use, by name."""
        return [spec for _, spec in sorted(self.commands.items()) if is_allowed(roles, spec.allowed)]

    async def purge_expired(self) -> dict[str, int]:
        """Apply the retention policy now, in the core's tables and every feature's; rows
        removed per kind."""
        from bot.runtime.retention import purge  # retention reads every model: loaded when it runs

        return await purge(self)

    def add_adapter(self, outbound: Outbound) -> None:
        self.adapters[outbound.platform] = outbound

    def line(self, key: str) -> asyncio.Lock:
        """A first-come-first-served line for messages that must arrive in order (one
        family's notices: jobs run concurrently, and "no longer signed up" must not overtake
        the "signed up" it follows). Take it before the first await of the job."""
        lock = self._lines.get(key)
        if lock is None:
            lock = self._lines[key] = asyncio.Lock()
        return lock

    def outbound(self, platform: str) -> Outbound:
        try:
            return self.adapters[platform]
        except KeyError:
            raise AdapterMissing(platform) from None

    async def dispatch(self, event: Event) -> None:
        await self.dispatcher.dispatch(event)

    async def settle(self) -> None:
        """Finish everything due now: debounced edits and due jobs (console, tests)."""
        for _ in range(10):
            await self.debouncer.flush()
            ran = await self.jobs.run_due()
            if not ran and not self.debouncer._pending:
                return

    async def start(self) -> None:
        for cog in self.cogs:
            await cog.on_start()
        if gc.get_freeze_count() == 0:
            # What the first start-up built (modules, models, catalogs, configuration) lives
            # as long as the process: out of the cyclic collector's reach, a full collection
            # during a fan-out no longer walks all of it while the event loop waits (about
            # 80 ms of CPU -> 10-15 ms measured). Once per process, so a second core's rows
            # are not pinned; no collection first (that would cost every start 70 ms of CPU).
            gc.freeze()

    async def platform_ready(self, platform: str, session: str | None = None) -> None:
        """Called by an adapter whenever its platform says it is ready; the cogs' reconciliation
        runs once per platform session. An adapter whose platform can lose a session (a gateway
        connection that has to identify again: nothing missed meanwhile is replayed) names it, so
        each fresh session reconciles; a ready event repeated for the same session does not."""
        self._connected[platform] = True
        async with self._ready_lock:
            if (platform, session) in self._ready_platforms:
                return
            self._ready_platforms.add((platform, session))
        for cog in self.cogs:
            try:
                await cog.on_platform_ready(platform)
            except Exception:
                log.exception("start-up reconciliation of %s on %s failed", cog.name, platform)

    def add_completion(self, source: str, completer: Any) -> None:
        """Offer ``completer`` (``bot.api.completions.Completer``) for options naming ``source``."""
        self.completions[source] = completer

    async def complete(self, source: str, community: CommunityRef | None, actor: Actor, typed: str) -> list[Any]:
        """Suggestions from ``source`` for this person as they type (``bot.api.completions.Suggestion``);
        none for a source nobody offers."""
        from bot.api.completions import MAX_SUGGESTIONS, Asker

        completer = self.completions.get(source)
        if completer is None:
            log.warning("no completion source %r", source)
            return []
        row = await self.ensure_community(community) if community is not None else None
        member = await self.ensure_member(row, actor) if row is not None else None
        asker = Asker(row, member, self.roles_of(member, actor))
        return list(await completer(asker, typed))[:MAX_SUGGESTIONS]

    async def command_form(self, name: str, community: CommunityRef, actor: Actor) -> Form | None:
        """The form of command ``name``'s options, every word in the language of the person
        opening it (an adapter draws it; it never picks the words) — or None when the command
        is not theirs to use: the adapter then runs it as typed and the refusal comes at once,
        not after they have filled in a form for nothing."""
        from bot.api import forms

        row = await self.ensure_community(community)
        member = await self.ensure_member(row, actor)
        spec = self.commands[name]
        if not is_allowed(self.roles_of(member, actor), spec.allowed):
            return None
        return await forms.command_form(self, spec, self.language_of(member, row))

    async def command_form_expired(self, name: str, community: CommunityRef | None, actor: Actor) -> str:
        """What a person is told, in their language, when the form of command ``name`` comes
        back without the options typed with the command (a platform keeps those only for a
        while): nothing was run, and typing the command again will work."""
        from bot.api import forms

        row = await self.ensure_community(community) if community is not None else None
        member = await self.ensure_member(row, actor) if row is not None else None
        return await self.localize(self.language_of(member, row), forms.MSG_FORM_EXPIRED, command=name)

    def platform_lost(self, platform: str) -> None:
        """Called by an adapter when its connection drops; ``platform_ready`` marks it up again."""
        self._connected[platform] = False

    def platform_states(self) -> dict[str, str]:
        """Each attached platform's connection: "ready", "connecting" (not ready yet) or "lost"."""
        states = {}
        for platform in sorted(self.adapters):
            up = self._connected.get(platform)
            states[platform] = "ready" if up else ("lost" if up is False else "connecting")
        return states

    # ----- communities and members -------------------------------------------------------
    async def ensure_community(self, ref: CommunityRef, name: str = "") -> Community:
        """The community row for a platform community, created on first sight (and kept in
        memory afterwards: every event needs it, and its identity never changes)."""
        cached = self._communities.get(ref.key)
        if cached is not None:
            return cached
        row = await self._load_or_create_community(ref, name)
        self._communities[ref.key] = row
        return row

    async def community_name(self, community: Community, default: str | None = None) -> str:
        """What the class is called: its stored name, else the platform's (a server's or
        a workspace's name is not stored), else ``default`` or its platform id."""
        if community.name:
            return community.name
        try:
            named = await self.outbound(community.platform).community_name(self.community_ref(community))
        except AdapterMissing:
            named = None
        return named or default or community.external_id

    async def community_by_id(self, session: AsyncSession, community_id: int) -> Community | None:
        """A community by its row id: from memory when an event has brought it in already
        (no query on a hot path such as a burst of reactions), else from ``session``."""
        for cached in self._communities.values():
            if cached.id == community_id:
                return cached
        return await session.get(Community, community_id)

    async def _load_or_create_community(self, ref: CommunityRef, name: str) -> Community:
        async with self.db.read() as session:
            row = await session.scalar(
                select(Community).where(Community.platform == ref.platform, Community.external_id == ref.id)
            )
        if row is not None:
            return row
        overrides = self.config.community(ref.key)
        values = {
            "platform": ref.platform, "external_id": ref.id, "name": name,
            "default_language": overrides.default_language or self.config.homeroom.default_language,
            "timezone": overrides.timezone or self.config.homeroom.timezone, "settings": {},
            "created_at": self.clock.now(),
        }
        await self._insert_ignore(Community, values, ["platform", "external_id"])
        async with self.db.read() as session:
            created = await session.scalar(
                select(Community).where(Community.platform == ref.platform, Community.external_id == ref.id)
            )
        assert created is not None
        return created

    async def ensure_member(self, community: Community, actor: Actor, *, present: bool = True,
                            known: Member | None = None, looked_up: bool = False) -> Member:
        """The member row for an actor, created on first sight and kept current (name, role).
        ``present`` False (a "member left" event) does not mark a departed member as back;
        ``known`` is the row when the caller already read it (``looked_up`` with no row: the
        caller looked and there is none yet)."""
        user_id = actor.user.id
        platform_roles = frozenset(actor.platform_roles) - {Role.FAMILY}
        row = known
        if row is None and not looked_up:
            async with self.db.read() as session:
                row = await session.scalar(
                    select(Member).where(Member.community_id == community.id, Member.user_id == user_id)
                )
        if row is not None and not actor.roles_known:
            platform_roles = row.platform_roles  # a DM says nothing about server roles: keep them
        if row is None:
            language = None
            if actor.locale:
                from bot.i18n import languages

                language = languages.normalize(actor.locale)
            values = {"community_id": community.id, "user_id": user_id, "display_name": actor.display_name or "",
                      "granted_roles": frozenset(), "platform_roles": platform_roles, "language": language,
                      "is_bot": actor.is_bot, "delivery": "channel", "dms_closed": False,
                      "joined_at": self.clock.now()}
            return await self._new_members.submit(community.id, values)
        elif ((actor.display_name and row.display_name != actor.display_name)
              or (row.left_at is not None and present) or row.platform_roles != platform_roles):
            async with self.db.write() as session:
                fresh = await session.get(Member, row.id)
                if fresh is not None:
                    if actor.display_name:
                        fresh.display_name = actor.display_name
                    fresh.platform_roles = platform_roles  # granted roles are never touched here
                    if present:
                        fresh.left_at = None
        else:
            return row  # nothing changed: no second read
        async with self.db.read() as session:
            member = await session.scalar(
                select(Member).where(Member.community_id == community.id, Member.user_id == user_id)
            )
        assert member is not None
        return member

    async def ensure_member_from(self, community: Community, user: UserRef, info: MemberInfo) -> Member:
        """The member row for someone the platform described (a reaction found at start-up,
        a task's owner): ``ensure_member`` with the name, locale and roles it gave."""
        return await self.ensure_member(community, Actor(user=user, display_name=info.display_name, is_bot=info.is_bot,
                                                         locale=info.locale, platform_roles=info.platform_roles))

    async def _create_members(self, community_id: int, batch: list[dict[str, Any]]) -> list[Member]:
        """Create the members first seen together (a burst of new families) in one transaction.
        One cached statement with many parameter sets (SQLAlchemy sends it as one multi-row
        ``INSERT ... ON CONFLICT ... RETURNING``; a ``VALUES`` list built per batch would be
        compiled anew for every batch size), then one read of the rows. A row a concurrent
        process created first is touched (a no-op update), so RETURNING names every row."""
        unique = list({values["user_id"]: values for values in batch}.values())
        table = Member.__table__
        builder = self.db.insert
        insert = builder(table)
        insert = insert.on_conflict_do_update(index_elements=["community_id", "user_id"],
                                              set_={"user_id": insert.excluded.user_id}).returning(table.c.id)

        async def _create(session: AsyncSession) -> dict[str, Member]:
            ids = [row_id for (row_id,) in await session.execute(insert, unique)]
            rows = await session.scalars(select(Member).where(Member.id.in_(ids)))
            found = {row.user_id: row for row in rows}
            for hook in self.member_created_hooks:
                await hook(session, community_id, list(found.values()))
            return found

        created = await self.db.write_retrying(_create)
        return [created[values["user_id"]] for values in batch]

    async def update_member(self, member_id: int, **changes: Any) -> Member | None:
        """Change profile fields of a member (language, timezone, quiet_hours, delivery)."""
        allowed = {"language", "writes_in", "timezone", "quiet_hours", "delivery", "display_name",
                   "dms_closed", "left_at"}
        unknown = set(changes) - allowed
        if unknown:
            raise ValueError(f"not a profile field: {sorted(unknown)}")
        async with self.db.write() as session:
            row = await session.get(Member, member_id)
            if row is None:
                return None
            for name, value in changes.items():
                setattr(row, name, value)
        return row

    async def _insert_ignore(self, model: type, values: dict[str, Any], conflict: list[str]) -> None:
        builder = self.db.insert

        async def _do(session: AsyncSession) -> None:
            await session.execute(builder(model).values(**values).on_conflict_do_nothing(index_elements=conflict))

        await self.db.write_retrying(_do)

    def roles_of(self, member: Member | None, actor: Actor | None = None) -> frozenset[Role]:
        """Every role a member holds (platform and granted, plus what this event's platform
        says); family when there is no other."""
        held: set[Role] = set(member.roles) if member is not None else set()
        if actor is not None:
            held |= set(actor.platform_roles)
        held.discard(Role.FAMILY)
        return frozenset(held or {Role.FAMILY})

    def language_of(self, member: Member | None, community: Community | None) -> str:
        if member is not None and member.language:
            return member.language
        if community is not None:
            return community.default_language
        return self.config.homeroom.default_language

    def zone_of(self, member: Member | None, community: Community | None) -> ZoneInfo:
        name = (member.timezone if member is not None else None) or (
            community.timezone if community is not None else self.config.homeroom.timezone)
        try:
            return ZoneInfo(name)
        except Exception:
            return ZoneInfo("UTC")

    def quiet_hours_of(self, member: Member | None) -> str:
        return (member.quiet_hours if member is not None and member.quiet_hours else None) or \
            self.config.homeroom.quiet_hours

    @staticmethod
    def community_ref(community: Community) -> CommunityRef:
        return CommunityRef(community.platform, community.external_id)

    @staticmethod
    def user_ref(member: Member, platform: str, community: Community | None = None) -> UserRef:
        return UserRef(platform, member.user_id, Core.community_ref(community) if community is not None else None)

    async def channel(self, community: Community, purpose: str) -> ChannelRef | None:
        """The channel a community uses for a purpose (announcements, staff, committee,
        general), from per-community overrides or the [channels] defaults."""
        if purpose not in CHANNEL_PURPOSES:
            raise ValueError(purpose)
        overrides = self.config.community(community.key)
        name = {
            "announcements": overrides.announcement_channel,
            "staff": overrides.staff_channel,
            "committee": overrides.committee_channel,
        }.get(purpose) or getattr(self.config.channels, purpose)
        return await self.outbound(community.platform).resolve_channel(self.community_ref(community), name)

    # ----- speaking to people ------------------------------------------------------------
    async def localize(self, lang: str | None, msgid: str, **params: Any) -> str:
        return await self.i18n.text(lang, msgid, **params)

    async def translated(self, text: str, lang: str, *, source: str | None, community_id: int | None,
                         owner_member_id: int | None = None) -> tuple[str, bool]:
        """``text`` in ``lang``; when translation fails, the original under a short note in the
        reader's language, so nothing is ever withheld. Returns (text, translated_ok)."""
        result = await self.translator.translate(text, lang, source=source, community_id=community_id,
                                                 owner_member_id=owner_member_id)
        if result.ok:
            return result.text, True
        note = await self.localize(lang, "(Translation unavailable right now — original below.)")
        return f"{note}\n{text}", False

    async def send_dm(self, community: Community, member: Member, message: Message) -> Delivery:
        """A DM to a member; closed DMs are remembered once so nobody retries them."""
        if member.dms_closed:
            return Delivery(DeliveryStatus.DMS_CLOSED, detail="known closed")
        delivery = await self.outbound(community.platform).send_dm(self.user_ref(member, community.platform, community),
                                                                   message, dm_channel=member.dm_channel_id)
        if delivery.status == DeliveryStatus.DMS_CLOSED:
            async with self.db.write() as session:
                await self.remember_dms_closed(session, member.id)
        return delivery

    @staticmethod
    async def remember_dms_closed(session: AsyncSession, member_id: int) -> None:
        """The platform refused a DM to this member: say so once, so nobody retries them."""
        await session.execute(update(Member).where(Member.id == member_id).values(dms_closed=True))
        log.info("member %s has direct messages closed; marked unreachable", member_id)

    # ----- jobs and audit ----------------------------------------------------------------
    async def schedule(self, session: AsyncSession, kind: str, payload: dict[str, Any], run_at: datetime,
                       *, dedupe_key: str | None = None) -> None:
        """Schedule a durable job inside the caller's transaction."""
        await jobqueue.schedule(session, kind, payload, run_at, dedupe_key=dedupe_key,
                                max_attempts=self.config.jobs.max_attempts)
        self.jobs.wake()

    async def schedule_many(self, session: AsyncSession, kind: str,
                            items: list[tuple[dict[str, Any], datetime, str]]) -> None:
        """Schedule many jobs of one kind in one statement (a fan-out)."""
        await jobqueue.schedule_many(session, kind, items, max_attempts=self.config.jobs.max_attempts)
        self.jobs.wake()

    async def audit(self, session: AsyncSession, community_id: int, actor: Member | None, action: str,
                    subject_type: str = "", subject_id: str | int = "",
                    subject_member_id: int | None = None) -> None:
        session.add(AuditEntry(
            community_id=community_id, actor_member_id=actor.id if actor else None,
            actor_label=f"member:{actor.id}" if actor else "system", action=action,
            subject_type=subject_type, subject_id=str(subject_id), subject_member_id=subject_member_id,
            at=self.clock.now(),
        ))
