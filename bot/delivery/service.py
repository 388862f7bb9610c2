"""One delivery service for every message the bot sends to a person.

Every feature hands its messages to :class:`DeliveryService` inside the transaction of the
change they tell about (an outbox). The service decides, in one place, how each person gets
it — by DM, in their daily digest, or not at all because they read the channel — respects
their quiet hours in their own zone, records "DMs closed" once and names unreachable people
to the sender, counts "Got it" presses (digest items too), and sends each message exactly
once across crashes: a row is claimed in a committed transaction before the platform is
asked, and a row found still claimed is sent again under the same key, which the platform
recognises (see :meth:`bot.api.outbound.Outbound.send_dm`).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import String, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.api.jobs import JobContext, RetryLater
from bot.api.messages import Attachment, Button, ButtonStyle, Field, Message, Select, SelectOption
from bot.api.outbound import AdapterMissing, Delivery, DeliveryStatus
from bot.api.refs import ChannelRef, MessageRef
from bot.api.settings_time import parse_clock
from bot.api.when import format_day, format_when, quiet_hours_end
from bot.db.models import Community, Job, Member
from bot.delivery.content import Content, Phrase, When, Words, Written, from_json, to_json
from bot.delivery.models import OutboxEntry
from bot.i18n import N_, format_list
from bot.util.batching import GroupCommit

if TYPE_CHECKING:
    from bot.runtime.core import Core

log = logging.getLogger(__name__)

SEND_JOB = "delivery.send"
DIGEST_JOB = "delivery.digest"
SEEN_ACTION = "delivery.seen"
SEEN_DIGEST_ACTION = "delivery.seen_digest"
#: a person's classes send them at most one digest in this long (their digest times may differ)
DIGEST_GAP = timedelta(hours=20)

MSG_GOT_IT = N_("Got it ✓")
MSG_DIGEST_TITLE = N_("Today's messages from school ({count})")
MSG_UNREACHABLE = N_("I could not deliver a message to {name}: they do not accept direct messages from me. "
                     "Please reach them another way.")
MSG_FAILED = N_("I could not deliver a message to {name} after several tries. Please reach them another way.")
#: what a sender is told, by why their message did not arrive
REPORTS = {"unreachable": MSG_UNREACHABLE, "failed": MSG_FAILED}

#: statuses that are final: nothing more will be sent for the row
FINAL = frozenset({"sent", "unreachable", "failed", "expired", "cancelled"})
#: statuses that may still go out
OPEN = frozenset({"pending", "waiting", "sending"})

SeenHook = Callable[[AsyncSession, OutboxEntry], Awaitable[None]]
#: makes a file for a message as it goes out: (value, reader, community) -> file, or None
AttachmentMaker = Callable[[str, Member, Community], Awaitable[Attachment | None]]


class Urgency(StrEnum):
    """``normal`` waits for quiet hours to end; ``urgent`` ignores them and reaches digest
    readers by DM at once; ``emergency`` also reaches those who read only the channel."""

    NORMAL = "normal"
    URGENT = "urgent"
    EMERGENCY = "emergency"


class Reach(StrEnum):
    """``broadcast``: the message is also posted in a channel, so channel readers already
    have it and DM/digest readers get it their way. ``personal``: it concerns this person
    (a notice, a reminder, an answer) and reaches them by DM whatever they chose."""

    BROADCAST = "broadcast"
    PERSONAL = "personal"


@dataclass(frozen=True, slots=True)
class Outcome:
    """Where deliveries of one subject stand, for a sender's status report."""

    counts: dict[str, int]
    in_digest: int
    unreachable: list[str]
    failed: list[str]
    seen_member_ids: frozenset[int]


@dataclass(frozen=True, slots=True)
class _Settle:
    """One outcome to record: the rows, their status, the DM they went out as (if any), and
    the member whose DM channel this taught us (None when it was known)."""

    row_ids: tuple[int, ...]
    status: str
    channel: str | None
    message: str | None
    learned_member: int | None


#: an outbox row with its reader and community, each None when gone
_Subjects = tuple["OutboxEntry | None", "Member | None", "Community | None"]


class PersonalRoute(Protocol):
    """Another way to reach some people: a feature (e-mail for families off the platform)
    registers one with :meth:`DeliveryService.add_route`. ``send`` answers like an adapter's
    ``send_dm``: SENT, FAILED (transient: retried) or NOT_FOUND / DMS_CLOSED (final: the
    sender is told). The same ``key`` is passed again when a send is retried. ``inbox``
    names the members whose messages this route delivers to the same place as ``member``'s
    (one address registered in several classes), so they read one digest."""

    def reaches(self, member: Member) -> bool: ...

    async def inbox(self, session: AsyncSession, member: Member) -> Sequence[int]: ...

    async def send(self, community: Community, member: Member, message: Message, *, key: str) -> Delivery: ...


@dataclass(frozen=True, slots=True)
class Inbox:
    """One person's direct messages, wherever the bot knows them from, and the memberships
    (one per class) whose digest items go out there together.

    "The same person" is the same inbox, never a guess from names: on a platform whose DMs
    span its communities (``Capabilities.dms_span_communities``, the console's too) it is
    the same platform user id in several communities; where a DM goes through one community
    (sent with that community's own token) each membership is its own inbox; a route decides
    for the people it reaches (e-mail: one address, whichever platform its classes are on).
    Direct messages on two platforms are never one inbox: a DM can only go where the person is.
    ``members`` start with the membership asked about (``lead``: the one a digest is sent
    to), then in class order."""

    members: tuple[Member, ...]
    communities: Mapping[int, Community]

    @property
    def lead(self) -> Member:
        return self.members[0]

    @property
    def member_ids(self) -> tuple[int, ...]:
        return tuple(member.id for member in self.members)

    @property
    def reader(self) -> Member:
        """Whose language the digest is in: the first membership (lead first) where the person
        chose a language, else the lead (its class's language)."""
        return next((member for member in self.members if member.language), self.lead)


def _class_order(member: Member) -> tuple[int, int]:
    return member.community_id, member.id


def _batch_job(batch: str) -> int | None:
    """The job that claimed a digest batch (its id leads the batch name)."""
    head = batch.split("-", 1)[0]
    return int(head) if head.isdigit() else None


def _aware(moment: datetime) -> datetime:
    """A stored moment as UTC (SQLite hands naive datetimes back)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def mode_for(member: Member, reach: Reach, urgency: Urgency) -> str | None:
    """How a person gets a message: "dm", "digest", or None (they read it in the channel)."""
    if urgency == Urgency.EMERGENCY or reach == Reach.PERSONAL:
        return "dm"
    if member.delivery == "dm":
        return "dm"
    if member.delivery == "digest":
        return "dm" if urgency == Urgency.URGENT else "digest"
    return None


class DeliveryService:
    """Queue, send, track and report messages to people (see the module docstring)."""

    def __init__(self, core: Core) -> None:
        self.core = core
        self._seen_hooks: dict[str, SeenHook] = {}
        self._still_for: dict[str, Callable[[Member], bool]] = {}
        self._attachment_makers: dict[str, AttachmentMaker] = {}
        self._routes: list[PersonalRoute] = []
        #: sends starting together share one read; rows claimed together, and outcomes
        #: recorded together, one write each
        self._reads: GroupCommit[None, int, _Subjects] = GroupCommit(self._read_batch)
        self._claims: GroupCommit[None, int, bool] = GroupCommit(self._claim_batch)
        self._settles: GroupCommit[None, _Settle, None] = GroupCommit(self._settle_batch)

    # ----- what features call -------------------------------------------------------------
    def on_attachment(self, kind: str, maker: AttachmentMaker) -> None:
        """Make the files of :class:`~bot.delivery.content.Attach` ``kind`` when a message is sent."""
        self._attachment_makers[kind] = maker

    def add_route(self, route: PersonalRoute) -> None:
        """Reach the people ``route`` claims another way than the platform's direct messages."""
        self._routes.append(route)

    def only_while(self, topic: str, check: Callable[[Member], bool]) -> None:
        """Send a row of ``topic`` only if ``check(member)`` still holds when it goes out,
        else withdraw it (a family's welcome to someone who has since become staff)."""
        self._still_for[topic] = check

    def on_seen(self, topic: str, hook: SeenHook) -> None:
        """Run ``hook`` in the transaction that records a "Got it" for a row of ``topic``."""
        self._seen_hooks[topic] = hook

    async def enqueue(self, session: AsyncSession, community: Community, members: Iterable[Member], *,
                      content: Content, cause: str | None = None, topic: str, subject: str,
                      reach: Reach = Reach.PERSONAL, urgency: Urgency = Urgency.NORMAL,
                      expires_at: datetime | None = None, sender: Member | None = None,
                      tracked: bool = False, at: datetime | None = None) -> int:
        """Queue ``content`` for each of ``members`` in the caller's transaction.

        ``cause`` names what this message tells about (default: the subject); a second
        enqueue with the same cause for the same person is a no-op, so a redelivered event or
        a retried job never queues twice. ``expires_at``: when the message becomes pointless
        (a reminder for something that began) — held through quiet hours until then, and
        dropped after. ``at``: send no earlier than this. Returns the rows queued."""
        return await self.enqueue_each(session, community, [(member, content, cause) for member in members],
                                       topic=topic, subject=subject, reach=reach, urgency=urgency,
                                       expires_at=expires_at, sender=sender, tracked=tracked, at=at)

    async def enqueue_each(self, session: AsyncSession, community: Community,
                           items: Iterable[tuple[Member, Content, str | None]], *, topic: str, subject: str,
                           reach: Reach = Reach.PERSONAL, urgency: Urgency = Urgency.NORMAL,
                           expires_at: datetime | None = None, sender: Member | None = None,
                           tracked: bool = False, at: datetime | None = None) -> int:
        """Like :meth:`enqueue`, with each person's own content and cause — the notices of a
        burst of sign-up reactions — in one statement, in the order given (a person's rows
        are sent in that order)."""
        now = self.core.clock.now()
        due = max(at or now, now)
        rows = []
        members_by_id: dict[int, Member] = {}
        #: one announcement to 5,000 families is encoded once (holding each content keeps its id unique)
        encoded: dict[int, tuple[Content, dict[str, Any]]] = {}
        for member, content, cause in items:
            members_by_id[member.id] = member
            if member.is_bot or member.left_at is not None:
                continue
            mode = mode_for(member, reach, urgency)
            if mode is None:
                continue
            if id(content) not in encoded:
                encoded[id(content)] = (content, to_json(content))
            rows.append({
                "community_id": community.id, "member_id": member.id,
                "key": f"{cause or subject}:{member.id}"[:255], "topic": topic, "subject": subject,
                "mode": mode, "urgency": urgency.value,
                "status": "unreachable" if mode == "dm" and member.dms_closed else "pending",
                "content": encoded[id(content)][1], "tracked": tracked, "expires_at": expires_at,
                "sender_member_id": sender.id if sender is not None else None,
                "created_at": now, "updated_at": now,
            })
        if not rows:
            return 0
        builder = self.core.db.insert
        # One cached statement with many parameter sets (batched into one INSERT ... RETURNING).
        table = OutboxEntry.__table__
        statement = builder(table).on_conflict_do_nothing(index_elements=["key"]).returning(
            table.c.id, table.c.member_id, table.c.mode, table.c.status, table.c.key)
        inserted = sorted(tuple(row) for row in await session.execute(statement, rows))
        sends = [({"id": row_id, "member": member_id}, due, f"delivery:send:{row_id}")
                 for row_id, member_id, mode, status, _ in inserted if mode == "dm" and status == "pending"]
        if sender is not None:  # never silently, also when we knew before trying
            for _, member_id, _, status, key in inserted:
                if status == "unreachable":
                    await self._report(session, community, sender, members_by_id[member_id], "unreachable",
                                       about=key)
        if sends:
            await self.core.schedule_many(session, SEND_JOB, sends)
        if any(mode == "digest" for _, _, mode, _, _ in inserted):
            await self._schedule_digest(session, community, due)
        return len(inserted)

    async def cancel(self, session: AsyncSession, subject: str) -> int:
        """Withdraw what has not gone out yet for ``subject`` (a deleted announcement)."""
        result = await session.execute(update(OutboxEntry).where(
            OutboxEntry.subject == subject, OutboxEntry.status.in_(("pending", "waiting")))
            .values(status="cancelled", updated_at=self.core.clock.now()))
        return int(getattr(result, "rowcount", 0) or 0)

    async def sent_messages(self, session: AsyncSession, subject: str) -> list[tuple[OutboxEntry, MessageRef]]:
        """The DMs sent for ``subject``, with their platform references (to edit or delete)."""
        rows = (await session.scalars(select(OutboxEntry).where(
            OutboxEntry.subject == subject, OutboxEntry.status == "sent", OutboxEntry.mode == "dm",
            OutboxEntry.dm_message_id.is_not(None)))).all()
        platform = await self._platform_of(session, rows[0].community_id) if rows else ""
        return [(row, MessageRef(ChannelRef(platform, row.dm_channel_id or "", None, True), row.dm_message_id or ""))
                for row in rows]

    async def revise(self, subject: str, content: Content) -> int:
        """New words for ``subject``: rows not sent yet will say them, and DMs already sent are
        edited in each reader's language where the platform can edit DMs. Returns DMs edited."""
        async with self.core.db.write() as session:
            await session.execute(update(OutboxEntry).where(
                OutboxEntry.subject == subject, OutboxEntry.status.in_(OPEN))
                .values(content=to_json(content), updated_at=self.core.clock.now()))
            await session.execute(update(OutboxEntry).where(
                OutboxEntry.subject == subject, OutboxEntry.status == "sent", OutboxEntry.mode == "dm")
                .values(content=to_json(content)))
            sent = await self.sent_messages(session, subject)
        edited = 0
        for row, ref in sent:
            member, community = await self._subjects(row)
            if member is None or community is None:
                continue
            outbound = self.core.outbound(community.platform)
            if not outbound.capabilities.edit_dm:
                break
            await outbound.edit(ref, await self.render(row, member, community))
            edited += 1
        return edited

    async def outcome(self, session: AsyncSession, subject: str) -> Outcome:
        """Counts per status, digest items waiting, and who could not be reached, by name."""
        rows = list((await session.execute(
            select(OutboxEntry, Member.display_name).join(Member, Member.id == OutboxEntry.member_id)
            .where(OutboxEntry.subject == subject).order_by(OutboxEntry.id))).all())
        counts: dict[str, int] = {}
        for row, _ in rows:
            counts[row.status] = counts.get(row.status, 0) + 1
        return Outcome(
            counts=counts,
            in_digest=sum(1 for row, _ in rows if row.mode == "digest" and row.status in ("pending", "waiting")),
            unreachable=[name or f"member {row.member_id}" for row, name in rows if row.status == "unreachable"],
            failed=[name or f"member {row.member_id}" for row, name in rows if row.status == "failed"],
            seen_member_ids=frozenset(row.member_id for row, _ in rows if row.seen_at is not None),
        )

    # ----- rendering ----------------------------------------------------------------------
    async def _phrase(self, phrase: Phrase, lang: str, zone: ZoneInfo, community_id: int, *,
                      as_written: list[str] | None = None) -> str:
        """``phrase`` in ``lang``; a person's words shown as they wrote them (the reader's own
        language, or no translation now) are added to ``as_written``, when given."""
        if phrase.literal is not None:
            return phrase.literal
        if phrase.written is not None and not phrase.msgid:
            return await self._written(phrase.written, lang, community_id, as_written=as_written)
        params: dict[str, Any] = {}
        for name, value in phrase.params.items():
            if isinstance(value, When):
                params[name] = (format_day if value.day_only else format_when)(value.moment, lang, zone)
            elif isinstance(value, Written):
                params[name] = await self._written(value, lang, community_id, note=False)
            elif isinstance(value, Words):
                params[name] = format_list([await self.core.localize(lang, msgid) for msgid in value.msgids], lang)
            else:
                params[name] = value
        text = await self.core.localize(lang, phrase.msgid, **params)
        if phrase.written is not None:
            text = f"{text}\n{await self._written(phrase.written, lang, community_id, as_written=as_written)}"
        return text

    async def _written(self, written: Written, lang: str, community_id: int, *, note: bool = True,
                       as_written: list[str] | None = None) -> str:
        """A person's words in ``lang``; when translation fails, the original — under the
        "translation unavailable" note for a body, bare inside a sentence (``note`` False)."""
        if not written.text or written.source == lang:
            if as_written is not None:
                as_written.append(written.text)
            return written.text
        text, ok = await self.core.translated(written.text, lang, source=written.source,
                                              community_id=community_id, owner_member_id=written.owner_member_id)
        if not ok and as_written is not None:
            as_written.append(written.text)
        return text if ok or note else written.text

    async def render(self, row: OutboxEntry, member: Member, community: Community) -> Message:
        """A row's message in the reader's language and zone, with its buttons."""
        return await self.render_content(from_json(row.content), member, community,
                                         seen_row_id=row.id if row.tracked else None)

    async def render_content(self, content: Content, member: Member, community: Community, *,
                             seen_row_id: int | None = None) -> Message:
        """``content`` in the reader's language and zone — also for a feature that posts the
        same words somewhere other than a DM (a staff thread), so both read alike."""
        lang = self.core.language_of(member, community)
        zone = self.core.zone_of(member, community)
        as_written: list[str] = []
        text = await self._phrase(content.body, lang, zone, community.id, as_written=as_written)
        buttons = [Button(a.label if a.exact else await self.core.localize(lang, a.label), a.action, a.value, a.style)
                   for a in content.actions if not (a.with_translation and as_written)]
        if seen_row_id is not None:
            buttons.append(Button(await self.core.localize(lang, MSG_GOT_IT), SEEN_ACTION, str(seen_row_id),
                                  ButtonStyle.SUCCESS))
        footer = content.footer
        files = []
        for attach in content.attachments:
            maker = self._attachment_makers.get(attach.kind)
            made = await maker(attach.value, member, community) if maker is not None else None
            if made is not None:
                files.append(made)
        selects = (Select(content.menu.action, await self.core.localize(lang, content.menu.placeholder),
                          tuple(SelectOption(label, value) for label, value in content.menu.options)),) \
            if content.menu else ()
        return Message(
            attachments=tuple(files),
            title=await self._phrase(content.title, lang, zone, community.id) if content.title else None,
            text=text,
            fields=tuple([Field(await self._phrase(i.name, lang, zone, community.id),
                                await self._phrase(i.value, lang, zone, community.id)) for i in content.fields]),
            buttons=tuple(buttons), selects=selects,
            footer=await self._phrase(footer, lang, zone, community.id) if isinstance(footer, Phrase) else footer,
            tone=content.tone)

    # ----- sending one ---------------------------------------------------------------------
    async def send(self, job_ctx: JobContext) -> None:
        """The ``delivery.send`` job: one row, once, after the person's earlier messages (the
        person's line is taken before anything waits, so jobs started in order send in order:
        "no longer signed up" never overtakes the "signed up" it follows)."""
        async with self.core.line(f"deliveries:{job_ctx.payload.get('member')}"):
            await self._send(job_ctx)

    async def _send(self, job_ctx: JobContext) -> None:
        row, member, community = await self._reads.submit(None, job_ctx.payload["id"])
        if row is None or row.status in FINAL:
            return
        if member is None or community is None or member.left_at is not None:
            await self._settle(row.id, "cancelled")
            return
        still = self._still_for.get(row.topic)
        if still is not None and not still(member):
            await self._settle(row.id, "cancelled")
            return
        now = self.core.clock.now()
        if row.status != "sending" and not await self._may_send_now(row, member, community, now):
            return
        resend = row.status == "sending"
        if not await self._claim(row.id):
            return
        message = await self.render(row, member, community)
        result = await self._deliver(community, member, message, key=f"hr-{row.id}", resend=resend)
        if result.status == DeliveryStatus.SENT:
            # Recorded with the job's own "done": one transaction for both.
            self.core.metrics.inc("homeroom_deliveries_total", 1, mode="dm", result="sent")
            sent = self._outcome((row.id,), "sent", result.message, member)
            job_ctx.when_done(lambda session: self._record(session, [sent]))
        elif result.status in (DeliveryStatus.DMS_CLOSED, DeliveryStatus.NOT_FOUND):
            await self._unreachable([row], member, community, closed=result.status == DeliveryStatus.DMS_CLOSED)
        else:
            last = job_ctx.attempt >= self.core.config.jobs.max_attempts
            await self._settle(row.id, "failed" if last else "pending")
            if last:
                await self._tell_sender(row, member, community, "failed")
                return
            raise ConnectionError(f"delivery {row.id} failed: {result.detail}")

    async def _read_batch(self, _: None, row_ids: list[int]) -> list[_Subjects]:
        """The rows of sends starting together, each with its reader and community, in one read."""
        async with self.core.db.read() as session:
            found = {row.id: (row, member) for row, member in (await session.execute(
                select(OutboxEntry, Member).outerjoin(Member, Member.id == OutboxEntry.member_id)
                .where(OutboxEntry.id.in_(sorted(set(row_ids))))))}
            communities = {community_id: await self.core.community_by_id(session, community_id)
                           for community_id in {row.community_id for row, _ in found.values()}}
        answers: list[_Subjects] = []
        for row_id in row_ids:
            row, member = found.get(row_id, (None, None))
            answers.append((row, member, communities.get(row.community_id) if row is not None else None))
        return answers

    async def _may_send_now(self, row: OutboxEntry, member: Member, community: Community, now: datetime) -> bool:
        """Quiet hours and expiry: False when the row waits (RetryLater is raised), moved to
        the digest, or expired."""
        if row.expires_at is not None and now >= row.expires_at:
            await self._settle(row.id, "expired")
            return False
        if row.urgency != Urgency.NORMAL:
            return True
        ends = quiet_hours_end(now, self.core.quiet_hours_of(member), self.core.zone_of(member, community))
        if ends <= now:
            return True
        if row.expires_at is not None and ends >= row.expires_at:
            if member.delivery == "digest":  # they read a daily digest: they find it there
                async with self.core.db.write() as session:
                    await session.execute(update(OutboxEntry).where(OutboxEntry.id == row.id).values(
                        mode="digest", status="pending", expires_at=None, updated_at=now))
                    await self._schedule_digest(session, community, now)
            else:
                await self._settle(row.id, "expired")
            return False
        await self._settle(row.id, "waiting")
        raise RetryLater(ends)

    async def _claim(self, row_id: int) -> bool:
        """Mark the row as being sent, committed before the platform is asked. Rows claimed
        together (the sends of a fan-out running side by side) share one transaction."""
        return await self._claims.submit(None, row_id)

    async def _claim_batch(self, _: None, row_ids: list[int]) -> list[bool]:
        table = OutboxEntry.__table__
        statement = update(table).where(table.c.id.in_(bindparam("ids", expanding=True)),
                                        table.c.status.in_(sorted(OPEN))) \
            .values(status="sending", attempts=table.c.attempts + 1, updated_at=bindparam("now")) \
            .returning(table.c.id)

        async def _update(session: AsyncSession) -> set[int]:
            result = await session.execute(statement, {"ids": sorted(set(row_ids)), "now": self.core.clock.now()})
            return {row_id for (row_id,) in result}

        claimed = await self.core.db.write_retrying(_update)
        answers, given = [], set()
        for row_id in row_ids:  # the same row asked for twice at once is claimed once
            answers.append(row_id in claimed and row_id not in given)
            given.add(row_id)
        return answers

    async def _settle(self, row_ids: int | Sequence[int], status: str, ref: MessageRef | None = None, *,
                      member: Member | None = None, mode: str = "dm") -> None:
        """Record the outcome of one row, or of all the rows one message carried (a digest).
        Outcomes recorded together share one transaction and one statement."""
        ids = (row_ids,) if isinstance(row_ids, int) else tuple(row_ids)
        if status not in OPEN:
            self.core.metrics.inc("homeroom_deliveries_total", len(ids), mode=mode, result=status)
        await self._settles.submit(None, self._outcome(ids, status, ref, member))

    @staticmethod
    def _outcome(ids: tuple[int, ...], status: str, ref: MessageRef | None, member: Member | None) -> _Settle:
        channel = ref.channel.id if ref is not None else None
        learned = member.id if member is not None and channel is not None and member.dm_channel_id != channel \
            else None
        return _Settle(ids, status, channel, ref.id if ref is not None else None, learned)

    async def _settle_batch(self, _: None, batch: list[_Settle]) -> list[None]:
        async def _update(session: AsyncSession) -> None:
            await self._record(session, batch)

        await self.core.db.write_retrying(_update)
        return [None] * len(batch)

    async def _record(self, session: AsyncSession, batch: Sequence[_Settle]) -> None:
        """Write outcomes: one cached statement for the rows, one for the DM channels learned."""
        now = self.core.clock.now()
        table, members = OutboxEntry.__table__, Member.__table__
        # A row settled without a platform reference keeps the one it has.
        rows = update(table).where(table.c.id == bindparam("b_id")).values(
            status=bindparam("b_status"), updated_at=bindparam("b_now"),
            dm_channel_id=func.coalesce(bindparam("b_channel", type_=String), table.c.dm_channel_id),
            dm_message_id=func.coalesce(bindparam("b_message", type_=String), table.c.dm_message_id))
        await session.execute(rows, [{"b_id": row_id, "b_status": item.status, "b_now": now,
                                      "b_channel": item.channel, "b_message": item.message}
                                     for item in batch for row_id in item.row_ids])
        learned = {item.learned_member: item.channel for item in batch if item.learned_member is not None}
        if learned:
            channels = update(members).where(members.c.id == bindparam("b_id")).values(
                dm_channel_id=bindparam("b_channel", type_=String))
            await session.execute(channels, [{"b_id": member_id, "b_channel": channel}
                                             for member_id, channel in learned.items()])

    async def _unreachable(self, rows: Sequence[OutboxEntry], member: Member, community: Community, *,
                           closed: bool, mode: str = "dm", inbox: Inbox | None = None) -> None:
        """The person cannot be reached: the rows (one DM, or everything a digest carried) are
        final, closed DMs are remembered on the member, and each row's sender is told (in the
        row's own class, about the membership it was for, when a digest spanned classes)."""
        self.core.metrics.inc("homeroom_deliveries_total", len(rows), mode=mode, result="unreachable")
        async with self.core.db.write() as session:
            await session.execute(update(OutboxEntry).where(OutboxEntry.id.in_([row.id for row in rows])).values(
                status="unreachable", updated_at=self.core.clock.now()))
            if closed:
                await self.core.remember_dms_closed(session, member.id)
        members = {peer.id: peer for peer in inbox.members} if inbox is not None else {}
        communities = inbox.communities if inbox is not None else {}
        for row in rows:
            await self._tell_sender(row, members.get(row.member_id, member),
                                    communities.get(row.community_id, community), "unreachable")

    async def _tell_sender(self, row: OutboxEntry, member: Member, community: Community, why: str) -> None:
        """Never silently: whoever sent a personal message learns, by name, that it did not arrive."""
        if row.sender_member_id is None:
            return
        async with self.core.db.write() as session:
            sender = await session.get(Member, row.sender_member_id)
            if sender is not None:
                await self._report(session, community, sender, member, why, about=row.key)

    async def _report(self, session: AsyncSession, community: Community, sender: Member, member: Member,
                      why: str, *, about: str) -> None:
        """Queue the sender's "could not reach {name}" (``why``: a key of :data:`REPORTS`),
        once per undelivered message ``about``."""
        if sender.id == member.id:
            return
        await self.enqueue(session, community, [sender], topic="delivery.report",
                           subject=f"delivery:report:{about}"[:128], cause=f"delivery:report:{why}:{about}",
                           content=Content(body=Phrase.of(REPORTS[why], name=member.display_name or "?")))

    # ----- the digest ----------------------------------------------------------------------
    def next_digest(self, community: Community, now: datetime) -> datetime:
        """The next digest moment in the community's zone (``[announcements] digest_time``)."""
        setting = (self.core.config.community(community.key).digest_time
                   or self.core.config.announcements.digest_time)
        at: time = parse_clock(setting)
        zone = ZoneInfo(community.timezone)
        local = now.astimezone(zone)
        candidate = datetime.combine(local.date(), at, tzinfo=zone)
        if candidate <= local:
            candidate += timedelta(days=1)
        return candidate.astimezone(ZoneInfo("UTC"))

    async def _schedule_digest(self, session: AsyncSession, community: Community, now: datetime, *,
                               member_id: int | None = None, at: datetime | None = None) -> None:
        """The community's next digest; with ``member_id``, that one person's at ``at`` (the
        end of their quiet hours), so nobody else gets a second digest that day."""
        due = at or self.next_digest(community, now)
        payload: dict[str, Any] = {"community": community.id}
        key = f"delivery:digest:{community.id}:{due:%Y-%m-%dT%H:%M}"
        if member_id is not None:
            payload["member"] = member_id
            key = f"{key}:{member_id}"
        await self.core.schedule(session, DIGEST_JOB, payload, due, dedupe_key=key)

    async def inbox(self, session: AsyncSession, member: Member) -> Inbox:
        """Where ``member``'s direct messages land, and every membership of the same person
        whose digest items land there too (see :class:`Inbox` for what "the same" means)."""
        route = self._route_for(member)
        if route is not None:
            ids = set(await route.inbox(session, member)) | {member.id}
            peers = list((await session.scalars(select(Member).where(
                Member.id.in_(ids), Member.left_at.is_(None), Member.is_bot.is_(False)))).all())
        else:
            community = await self.core.community_by_id(session, member.community_id)
            peers = [member]
            if community is not None and self._dms_span_communities(community.platform):
                peers = list((await session.scalars(select(Member).join(
                    Community, Community.id == Member.community_id).where(
                    Community.platform == community.platform, Member.user_id == member.user_id,
                    Member.left_at.is_(None), Member.is_bot.is_(False)))).all())
        ordered = (member, *sorted((peer for peer in peers if peer.id != member.id), key=_class_order))
        communities: dict[int, Community] = {}
        for peer in ordered:
            found = await self.core.community_by_id(session, peer.community_id)
            if found is not None:
                communities[peer.community_id] = found
        return Inbox(members=tuple(peer for peer in ordered if peer.community_id in communities),
                     communities=communities)

    def _dms_span_communities(self, platform: str) -> bool:
        try:
            return self.core.outbound(platform).capabilities.dms_span_communities
        except AdapterMissing:
            return False

    def _route_for(self, member: Member) -> PersonalRoute | None:
        return next((route for route in self._routes if route.reaches(member)), None)

    async def digest(self, job_ctx: JobContext) -> None:
        """The ``delivery.digest`` job: one message (or as few as the length limit allows) per
        person with every item waiting for them, from every feature and every class they are
        in. One person's failure does not hold up the others; the job retries only theirs."""
        community_id = job_ctx.payload["community"]
        only = job_ctx.payload.get("member")
        async with self.core.db.read() as session:
            community = await self.core.community_by_id(session, community_id)
            member_ids = [int(only)] if only is not None else list(dict.fromkeys((await session.scalars(
                select(OutboxEntry.member_id).where(
                    OutboxEntry.community_id == community_id, OutboxEntry.mode == "digest",
                    OutboxEntry.status.in_(OPEN)).order_by(OutboxEntry.member_id))).all()))
        if community is None:
            return
        failed = []
        done: set[int] = set()
        for member_id in member_ids:
            if member_id in done:  # a co-membership of someone this job already served
                continue
            ok, served = await self._digest_for(community, member_id, job_ctx.job_id)
            done.update(served)
            if not ok:
                failed.append(member_id)
        if failed:
            raise ConnectionError(f"digest for members {failed} failed")

    async def _digest_for(self, community: Community, member_id: int, job_id: int) -> tuple[bool, tuple[int, ...]]:
        """One person's digest with the items of every class they are in. The first of their
        classes' digest moments that finds items waiting sends it; a class whose moment comes
        less than :data:`DIGEST_GAP` after the person's last digest leaves its items for the
        first of their classes' moments after that, so a person in several classes gets one
        digest a day whatever the classes' digest times. Returns whether it is settled, and
        the memberships served."""
        now = self.core.clock.now()
        async with self.core.db.write() as session:
            member = await session.get(Member, member_id)
            if member is None or member.left_at is not None:
                await session.execute(update(OutboxEntry).where(
                    OutboxEntry.member_id == member_id, OutboxEntry.mode == "digest",
                    OutboxEntry.status.in_(OPEN)).values(status="cancelled", updated_at=now))
                return True, (member_id,)
            inbox = await self.inbox(session, member)
            lead = inbox.lead
            # Another class's digest job may be serving this person at this very moment (in
            # another process too): the rows are locked until its claim commits, and a claim
            # that another live job holds is left to it.
            rows = list((await session.scalars(select(OutboxEntry).where(
                OutboxEntry.member_id.in_(inbox.member_ids), OutboxEntry.mode == "digest",
                OutboxEntry.status.in_(OPEN)).order_by(OutboxEntry.id).with_for_update())).all())
            if not rows:
                return True, inbox.member_ids
            claimed = [row for row in rows if row.status == "sending" and row.digest_batch]
            if claimed:  # an attempt died after its claim: send exactly that digest again, same keys
                batch, resend = claimed[0].digest_batch or "", True
                owner = _batch_job(batch)
                if owner is not None and owner != job_id and await session.scalar(
                        select(Job.status).where(Job.id == owner)) in ("pending", "running"):
                    return True, inbox.member_ids  # its job is still at it, or will retry it
                items = [row for row in claimed if row.digest_batch == batch]
                for row in items:
                    row.attempts, row.updated_at = row.attempts + 1, now
                if len(items) < len(rows):  # queued since: they wait for the next digest
                    await self._schedule_after(session, inbox, now + DIGEST_GAP)
            else:
                last = await session.scalar(select(func.max(OutboxEntry.updated_at)).where(
                    OutboxEntry.member_id.in_(inbox.member_ids), OutboxEntry.mode == "digest",
                    OutboxEntry.status == "sent"))
                if last is not None and _aware(last) > now - DIGEST_GAP:  # had today's: these wait
                    await self._schedule_after(session, inbox, _aware(last) + DIGEST_GAP)
                    return True, inbox.member_ids
                ends = self._quiet_until(inbox, now)
                if ends > now:  # asleep where they are: their own digest when quiet hours end
                    await self._schedule_digest(session, community, now, member_id=lead.id, at=ends)
                    return True, inbox.member_ids
                batch, resend = f"{job_id}-{lead.id}-{rows[0].id}", False
                for row in rows:
                    row.updated_at = now
                    if row.expires_at is not None and row.expires_at <= now:
                        row.status = "expired"  # its moment passed before the digest went out
                        continue
                    row.status, row.digest_batch, row.attempts = "sending", batch, row.attempts + 1
                items = [row for row in rows if row.status == "sending"]
        if not items:
            return True, inbox.member_ids
        if lead.dms_closed:  # known before trying: final, and whoever sent an item is told
            await self._unreachable(items, lead, community, closed=False, mode="digest", inbox=inbox)
            return True, inbox.member_ids
        messages = await self._digest_messages(items, inbox, batch)
        result = None
        for number, message in enumerate(messages):
            result = await self._deliver(community, lead, message, key=f"hr-d{batch}-{number}", resend=resend)
            if result.status != DeliveryStatus.SENT:
                break
        assert result is not None
        if result.status == DeliveryStatus.SENT:
            await self._settle([row.id for row in items], "sent", result.message, member=lead, mode="digest")
            return True, inbox.member_ids
        if result.status in (DeliveryStatus.DMS_CLOSED, DeliveryStatus.NOT_FOUND):
            await self._unreachable(items, lead, community, closed=result.status == DeliveryStatus.DMS_CLOSED,
                                    mode="digest", inbox=inbox)
            return True, inbox.member_ids
        return False, inbox.member_ids  # still claimed: the retry resends under the same keys

    async def _schedule_after(self, session: AsyncSession, inbox: Inbox, earliest: datetime) -> None:
        """The person's next digest: the first digest moment of any of their classes after
        ``earliest``, for them alone (the class's other readers keep their own day)."""
        due, member = min(((self.next_digest(inbox.communities[member.community_id], earliest), member)
                           for member in inbox.members), key=lambda pair: (pair[0], pair[1].community_id))
        await self._schedule_digest(session, inbox.communities[member.community_id], earliest,
                                    member_id=member.id, at=due)

    def _quiet_until(self, inbox: Inbox, now: datetime) -> datetime:
        """When the person's quiet hours end (``now`` when they are awake): the quiet hours and
        the zone they set in any of their classes (lead first), else the defaults of the lead."""
        zoned = next((member for member in inbox.members if member.timezone), inbox.lead)
        quiet = next((member for member in inbox.members if member.quiet_hours), inbox.lead)
        return quiet_hours_end(now, self.core.quiet_hours_of(quiet),
                               self.core.zone_of(zoned, inbox.communities[zoned.community_id]))

    async def _digest_messages(self, items: Sequence[OutboxEntry], inbox: Inbox, batch: str) -> list[Message]:
        """The digest in the reader's language, each class's items under the class's name
        when the person is in several classes."""
        reader = inbox.reader
        lang = self.core.language_of(reader, inbox.communities[reader.community_id])
        by_class: dict[int, list[OutboxEntry]] = {}
        for row in items:
            by_class.setdefault(row.community_id, []).append(row)
        several = len(inbox.communities) > 1
        parts = []
        for community_id in sorted(by_class):
            rows = by_class.get(community_id, [])
            if not rows:
                continue
            community = inbox.communities.get(community_id) or await self._community(community_id)
            if community is None:
                continue
            for number, row in enumerate(rows):
                message = await self.render(row, reader, community)
                heading = " ".join(part for part in (message.title, message.footer) if part)
                body = "\n".join(part for part in (message.text, *(f"{f.name}\n{f.value}" for f in message.fields))
                                 if part)
                part = f"{heading}\n{body}" if heading else body
                if several and number == 0:
                    part = f"— {await self.core.community_name(community)} —\n{part}"
                parts.append(part)
        lead_community = inbox.communities[inbox.lead.community_id]
        title = await self.core.localize(lang, MSG_DIGEST_TITLE, count=len(items))
        limit = self.core.outbound(lead_community.platform).capabilities.max_text_length - len(title) - 50
        texts = pack(parts, max(limit, 200))
        messages = [Message(title=title, text=text) for text in texts]
        if any(row.tracked for row in items):
            last = messages[-1]
            messages[-1] = Message(title=last.title, text=last.text, buttons=(
                Button(await self.core.localize(lang, MSG_GOT_IT), SEEN_DIGEST_ACTION, batch, ButtonStyle.SUCCESS),))
        return messages

    async def _community(self, community_id: int) -> Community | None:
        async with self.core.db.read() as session:
            return await self.core.community_by_id(session, community_id)

    # ----- read receipts -------------------------------------------------------------------
    async def mark_seen(self, session: AsyncSession, member_id: int, *, row_id: int | None = None,
                        batch: str | None = None) -> int:
        """Record "Got it" for a row or a digest the member was sent (a digest's press covers
        the items of every class it carried for this person). Rows of other people are never
        touched (a forged value changes nothing). Returns rows newly seen."""
        query = select(OutboxEntry).where(OutboxEntry.status == "sent", OutboxEntry.tracked.is_(True),
                                          OutboxEntry.seen_at.is_(None))
        if row_id is not None:
            query = query.where(OutboxEntry.member_id == member_id, OutboxEntry.id == row_id)
        elif batch is not None:
            member = await session.get(Member, member_id)
            ids = (await self.inbox(session, member)).member_ids if member is not None else (member_id,)
            query = query.where(OutboxEntry.member_id.in_(ids), OutboxEntry.digest_batch == batch)
        else:
            return 0
        rows = list((await session.scalars(query)).all())
        now = self.core.clock.now()
        for row in rows:
            row.seen_at = now
            hook = self._seen_hooks.get(row.topic)
            if hook is not None:
                await hook(session, row)
        return len(rows)

    # ----- helpers -------------------------------------------------------------------------
    async def _deliver(self, community: Community, member: Member, message: Message, *, key: str,
                       resend: bool) -> Delivery:
        """One message to one person: through a route that reaches them another way (e-mail for
        a family off the platform), else as a direct message on the community's platform."""
        route = self._route_for(member)
        if route is not None:
            return await route.send(community, member, message, key=key)
        outbound = self.core.outbound(community.platform)
        return await outbound.send_dm(self.core.user_ref(member, community.platform, community), message, key=key,
                                      resend=resend, dm_channel=member.dm_channel_id)

    async def _subjects(self, row: OutboxEntry) -> tuple[Member | None, Community | None]:
        async with self.core.db.read() as session:
            member = await session.get(Member, row.member_id)
            community = await self.core.community_by_id(session, row.community_id)
        return member, community

    async def _platform_of(self, session: AsyncSession, community_id: int) -> str:
        community = await session.get(Community, community_id)
        return community.platform if community is not None else ""


def pack(parts: list[str], limit: int, separator: str = "\n\n") -> list[str]:
    """Join ``parts`` into as few texts as fit ``limit`` characters each (a part longer than
    the limit on its own is cut into pieces), so nothing is lost to a platform's cap."""
    texts: list[str] = []
    current = ""
    for part in parts:
        pieces = [part[i:i + limit] for i in range(0, len(part), limit)] or [""]
        for piece in pieces:
            joined = f"{current}{separator}{piece}" if current else piece
            if len(joined) <= limit:
                current = joined
            else:
                texts.append(current)
                current = piece
    if current or not texts:
        texts.append(current)
    return texts
