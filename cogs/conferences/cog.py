"""Parent-teacher conferences at flexible times.

A teacher types their availability; it is read in their language and zone
(:mod:`cogs.conferences.availability`), previewed privately, and posted as a card that shows
only how many times are free. Families book, change or cancel through buttons and a select
menu paged past the platform's option limit, every time shown in their own zone and
language. Each booking change is written under a lock on the conference row with the event's
de-duplication key, and its confirmation (with a calendar file) and reminders are queued
with the delivery service in that same transaction, so a redelivered press changes nothing
and two families racing for one time get exactly one winner.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol, runtime_checkable
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.api.cog import Cog, button, command, job
from bot.api.commands import OptionSpec
from bot.api.context import Context
from bot.api.durations import parse_duration
from bot.api.errors import UserError
from bot.api.events import ButtonPressed
from bot.api.jobs import JobContext
from bot.api.messages import Attachment, Button, ButtonStyle, Message, Select, SelectOption
from bot.api.refs import ChannelRef, MessageRef, UserRef
from bot.api.roles import STAFF, Role
from bot.api.services import Services
from bot.api.when import format_when, future_time, parse_when
from bot.db.engine import lock_row
from bot.db.models import Community, Member
from bot.delivery import Action, Attach, Content, Item, Phrase, Urgency, When
from bot.i18n import languages
from bot.util.spreadsheet import csv_bytes
from cogs.conferences import strings as S
from cogs.conferences.availability import parse_availability, short_day, summary
from cogs.conferences.holders import Holder, holders_of, may_see, person_holder, readers
from cogs.conferences.ics import CalendarEntry, calendar_bytes
from cogs.conferences.models import Conference, ConferenceBooking, ConferenceSlot
from cogs.conferences.reminders import reminder_moment

log = logging.getLogger(__name__)

REMIND_JOB = "conference.remind"
CLOSE_JOB = "conference.close"
ICS_BOOKING = "conference.booking"
ICS_CANCELLED = "conference.cancelled"
TOPIC = "conference"
#: how many nearby free times a family is offered when theirs was just taken
NEAREST = 5


def subject(conference_id: int) -> str:
    return f"conference:{conference_id}"


def slot_label(start: datetime, end: datetime, lang: str | None, zone: ZoneInfo) -> str:
    """"Tue 8 Sep 15:00–15:15" in the reader's language and zone."""
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    return f"{short_day(local_start.date(), lang)} {local_start:%H:%M}–{local_end:%H:%M}"


@runtime_checkable
class TeacherQuestions(Protocol):
    """What the relay feature offers other features: a family's message taken to a teacher
    as /ask takes it (named here, so this feature works without it installed)."""

    async def ask_teacher(self, ctx: Context, text: str, *, teacher: UserRef | None = None,
                          child: str | None = None) -> None: ...


@dataclass
class _Booked:
    """What a booking transaction did, for the reply after it commits."""

    outcome: str  # booked | swapped | mine | taken | closed | not_offered | not_open | choose
    slot: ConferenceSlot | None = None
    nearest: list[ConferenceSlot] | None = None
    conference: Conference | None = None
    holder: Holder | None = None
    several: bool = False


class ConferencesCog(Cog):
    name = "conferences"
    personal_data_models = (Conference, ConferenceBooking)

    def __init__(self, core: Services) -> None:
        super().__init__(core)
        core.deliveries.on_attachment(ICS_BOOKING, self._booking_ics)
        core.deliveries.on_attachment(ICS_CANCELLED, self._cancelled_ics)

    @property
    def settings(self) -> Any:
        return self.core.config.section("conferences")

    # ----- creating ------------------------------------------------------------------------
    @command("conference create", "Offer conference times families book from your availability",
             OptionSpec("title", "What it is, e.g. \"Autumn conferences\"", required=True),
             OptionSpec("availability", "Days and times: \"Tue 15:00-18:00 every 15min; Thu 07:00-08:00\"",
                        required=True, long=True),
             OptionSpec("where", "Where families come, e.g. \"Room 12\""),
             OptionSpec("link", "A video link for virtual conferences"),
             OptionSpec("length", "How long each conference is, e.g. \"15m\""),
             OptionSpec("closes", "When bookings close"),
             allowed=STAFF)
    async def create(self, ctx: Context, title: str, availability: str, where: str | None = None,
                     link: str | None = None, length: str | None = None, closes: str | None = None) -> None:
        community, member = ctx.require_community(), ctx.require_member()
        title = title.strip()
        if not title:
            raise UserError(S.NO_TITLE)
        link = (link or "").strip()
        if link and not link.lower().startswith(("https://", "http://")):
            raise UserError(S.BAD_LINK)
        duration = None
        if length:
            duration = parse_duration(length)
            if duration is None or duration < timedelta(minutes=1):
                raise UserError(S.BAD_LENGTH, text=length)
        zone = self.core.zone_of(member, community)
        default = parse_duration(self.settings.default_length) or timedelta(minutes=15)
        parsed = parse_availability(availability, ctx.language, zone, ctx.now, length=duration,
                                    default_length=default, max_slots=self.settings.max_slots)
        closes_at = future_time(closes, ctx.language, zone, ctx.now) if closes else None
        first = parsed.slots[0][0]
        if closes_at is not None and closes_at > first:
            raise UserError(S.CLOSES_LATE, first=format_when(first, ctx.language, zone))
        channel: ChannelRef | None = getattr(ctx.event, "channel", None)
        if channel is None or channel.is_dm:
            channel = await self.core.channel(community, "announcements")
        if channel is None:
            raise UserError(S.NO_CHANNEL)
        length_minutes = int((duration or parsed.slots[0][1] - parsed.slots[0][0]).total_seconds() // 60)

        async def work(session: AsyncSession) -> int:
            conference = Conference(
                community_id=community.id, teacher_member_id=member.id, title=title[:200],
                availability=availability.strip(), language=ctx.language, timezone=zone.key,
                location=(where or "").strip()[:200], link=link[:500], length_minutes=length_minutes,
                closes_at=closes_at, channel_id=channel.id, status="draft", created_at=ctx.now)
            session.add(conference)
            await session.flush()
            session.add_all([ConferenceSlot(conference_id=conference.id, starts_at=start, ends_at=end)
                             for start, end in parsed.slots])
            return conference.id

        conference_id = await ctx.transaction(work)
        text = await ctx.t(S.PREVIEW, count=len(parsed.slots), title=title,
                           summary=summary(parsed.windows, ctx.language), zone=zone.key)
        value = str(conference_id)
        await ctx.reply_message(Message(text=text, buttons=(
            Button(await ctx.t(S.POST), "conference.post", value, ButtonStyle.PRIMARY),
            Button(await ctx.t(S.EDIT), "conference.edit", value),
            Button(await ctx.t(S.DISCARD), "conference.discard", value, ButtonStyle.DANGER))))

    async def _own_conference(self, ctx: Context, raw: str | int, *, draft: bool | None = None) -> Conference:
        """The conference ``raw`` names, in this community, run by this teacher (or an admin)."""
        community, member = ctx.require_community(), ctx.require_member()
        conference_id = int(raw) if str(raw).isdigit() else -1
        async with self.core.db.read() as session:
            conference = await session.get(Conference, conference_id)
        if conference is None or conference.community_id != community.id or conference.status == "discarded":
            raise UserError(S.NO_SUCH, id=raw)
        if conference.teacher_member_id != member.id and not ctx.has_role(Role.ADMIN):
            raise UserError(S.NOT_YOUR_DRAFT if conference.status == "draft" else S.NOT_YOURS, id=conference.id)
        if draft is True and conference.status != "draft":
            raise UserError(S.ALREADY_POSTED, id=conference.id)
        return conference

    @button("conference.post")
    async def post_pressed(self, ctx: Context, event: ButtonPressed) -> None:
        await self._post(ctx, event.value)

    @command("conference post", "Post a conference you previewed",
             OptionSpec("id", "The conference number", required=True), allowed=STAFF)
    async def post_command(self, ctx: Context, id: str) -> None:
        await self._post(ctx, id)

    async def _post(self, ctx: Context, raw: str) -> None:
        conference = await self._own_conference(ctx, raw, draft=True)
        community = ctx.require_community()

        async def work(session: AsyncSession) -> bool:
            row = await lock_row(session, Conference, conference.id)
            if row is None or row.status != "draft":
                return False
            row.status = "open"
            if row.closes_at is not None:  # the card says "closed" by itself when the moment comes
                await self.core.schedule(session, CLOSE_JOB, {"conference": row.id}, row.closes_at,
                                         dedupe_key=f"conference:close:{row.id}")
            return True

        if not await ctx.transaction(work):
            raise UserError(S.ALREADY_POSTED, id=conference.id)
        channel = ChannelRef(community.platform, conference.channel_id, self.core.community_ref(community))
        async with self.core.db.read() as session:
            fresh = await session.get(Conference, conference.id)
            assert fresh is not None
            card = await self._card(session, fresh, community)
        posted = await ctx.outbound.post(channel, card)
        async with self.core.db.write() as session:
            row = await session.get(Conference, conference.id)
            if row is not None:
                row.message_id = posted.id
        await ctx.reply(S.POSTED, id=conference.id)

    @button("conference.edit")
    async def edit_pressed(self, ctx: Context, event: ButtonPressed) -> None:
        conference = await self._own_conference(ctx, event.value, draft=True)
        await self._discard(ctx, conference)
        parts = [f'title:"{conference.title}"', f'availability:"{conference.availability}"']
        if conference.location:
            parts.append(f'where:"{conference.location}"')
        if conference.link:
            parts.append(f'link:"{conference.link}"')
        await ctx.reply(S.EDIT_HOW, command="/conference create " + " ".join(parts))

    @button("conference.discard")
    async def discard_pressed(self, ctx: Context, event: ButtonPressed) -> None:
        conference = await self._own_conference(ctx, event.value, draft=True)
        await self._discard(ctx, conference)
        await ctx.reply(S.DISCARDED, id=conference.id)

    async def _discard(self, ctx: Context, conference: Conference) -> None:
        async def work(session: AsyncSession) -> None:
            row = await lock_row(session, Conference, conference.id)
            if row is not None and row.status == "draft":
                row.status = "discarded"

        await ctx.transaction(work)

    # ----- the card ------------------------------------------------------------------------
    async def _card(self, session: AsyncSession, conference: Conference, community: Community) -> Message:
        """The public card: days and how many times are free, never who booked."""
        lang = community.default_language
        zone = ZoneInfo(community.timezone)

        async def t(msgid: str, **params: Any) -> str:
            return await self.core.localize(lang, msgid, **params)

        rows = (await session.execute(
            select(ConferenceSlot.starts_at, ConferenceBooking.id)
            .outerjoin(ConferenceBooking, ConferenceBooking.slot_id == ConferenceSlot.id)
            .where(ConferenceSlot.conference_id == conference.id, ConferenceSlot.status == "open")
            .order_by(ConferenceSlot.starts_at))).all()
        days: dict[str, list[int]] = {}
        for starts_at, booking_id in rows:
            day = short_day(starts_at.astimezone(zone).date(), lang)
            counts = days.setdefault(day, [0, 0])
            counts[1] += 1
            counts[0] += booking_id is None
        lines = [await t(S.CARD_BODY, zone=zone.key), ""]
        lines += [await t(S.CARD_DAY, day=day, free=free, total=total) for day, (free, total) in days.items()]
        where = conference.location or conference.link
        if where:
            lines.append(await t(S.CARD_WHERE, where=where))
        buttons: tuple[Button, ...] = ()
        if conference.status == "cancelled":
            lines.append(await t(S.CARD_CANCELLED))
        elif conference.closes_at is not None and conference.closes_at <= self.core.clock.now():
            lines.append(await t(S.CARD_CLOSED))
        else:
            if conference.closes_at is not None:
                lines.append(await t(S.CARD_CLOSES, when=format_when(conference.closes_at, lang, zone)))
            value = str(conference.id)
            buttons = (Button(await t(S.BOOK), "conference.open", value, ButtonStyle.PRIMARY),
                       Button(await t(S.NONE_WORK), "conference.none", value))
        return Message(title=await t(S.CARD_TITLE, title=conference.title), text="\n".join(lines), buttons=buttons,
                       footer=f"#{conference.id}")

    def refresh_card(self, conference_id: int) -> None:
        """Redraw the card soon; a burst of bookings becomes one edit."""
        self.core.debouncer.request(f"conference-card:{conference_id}", lambda: self._redraw(conference_id))

    async def _redraw(self, conference_id: int) -> None:
        async with self.core.db.read() as session:
            conference = await session.get(Conference, conference_id)
            community = await self.core.community_by_id(session, conference.community_id) if conference else None
            if conference is None or community is None or not conference.message_id:
                return
            card = await self._card(session, conference, community)
        ref = MessageRef(ChannelRef(community.platform, conference.channel_id, self.core.community_ref(community)),
                         conference.message_id)
        await self.core.outbound(community.platform).edit(ref, card)

    @job(CLOSE_JOB)
    async def closed(self, job_ctx: JobContext) -> None:
        await self._redraw(job_ctx.payload["conference"])

    # ----- families: choosing ----------------------------------------------------------------
    async def _bookable(self, ctx: Context, raw: str) -> Conference:
        """A posted conference of this community, from a button's value."""
        community = ctx.require_community()
        conference_id = int(raw) if raw.isdigit() else -1
        async with self.core.db.read() as session:
            conference = await session.get(Conference, conference_id)
        if conference is None or conference.community_id != community.id or conference.status in ("draft",
                                                                                                   "discarded"):
            raise UserError(S.NO_SUCH, id=raw)
        if conference.status != "open":
            raise UserError(S.NOT_OPEN, id=conference.id)
        return conference

    def _refuse_if_closed(self, ctx: Context, conference: Conference, zone: ZoneInfo) -> None:
        if conference.closes_at is not None and conference.closes_at <= ctx.now:
            raise UserError(S.CLOSED, title=conference.title, when=format_when(conference.closes_at, ctx.language,
                                                                               zone))

    @button("conference.open")
    async def open_pressed(self, ctx: Context, event: ButtonPressed) -> None:
        raw, _, token = event.value.partition(":")
        await self._picker(ctx, raw, 0, token or None)

    @button("conference.page")
    async def page_pressed(self, ctx: Context, event: ButtonPressed) -> None:
        raw, _, rest = event.value.partition(":")
        page, _, token = rest.partition(":")
        await self._picker(ctx, raw, int(page) if page.isdigit() else 0, token or None)

    def _page_size(self, ctx: Context) -> int:
        return max(1, min(25, ctx.outbound.capabilities.max_select_options))

    async def _free_slots(self, session: AsyncSession, conference_id: int, now: datetime) -> list[ConferenceSlot]:
        """What a family may choose from: open, future, nobody's."""
        taken = select(ConferenceBooking.slot_id).where(ConferenceBooking.conference_id == conference_id)
        return list((await session.scalars(select(ConferenceSlot).where(
            ConferenceSlot.conference_id == conference_id, ConferenceSlot.status == "open",
            ConferenceSlot.starts_at > now, ConferenceSlot.id.not_in(taken))
            .order_by(ConferenceSlot.starts_at))).all())

    async def _mine(self, session: AsyncSession, conference_id: int, holder: Holder) -> ConferenceBooking | None:
        return await session.scalar(select(ConferenceBooking).where(
            ConferenceBooking.conference_id == conference_id, ConferenceBooking.holder == holder.key))

    async def _holders(self, session: AsyncSession, conference_id: int, member: Member) -> list[Holder]:
        """What this person may book for on this conference: their children (or themselves),
        plus a booking of their own made before they were linked to a child, so they can
        still see, change or cancel it."""
        holders = await holders_of(self.core.families, session, member)
        mine = person_holder(member)
        if holders and mine not in holders and await self._mine(session, conference_id, mine) is not None:
            holders.append(mine)
        return holders

    @staticmethod
    def _token(holder: Holder) -> str:
        """How a button names what it books for: the child's id, or "me"."""
        return str(holder.child_id) if holder.child_id is not None else "me"

    def _chosen(self, holders: list[Holder], token: str | None) -> Holder | None:
        """The holder a button's ``token`` names, or the only one; None when the person must
        choose. A token that is not theirs (a restricted child, another family's) is refused."""
        if not holders:
            raise UserError(S.NO_ONE_TO_BOOK)
        if token:
            found = next((h for h in holders if self._token(h) == token), None)
            if found is None:
                raise UserError(S.NOT_YOUR_CHILD)
            return found
        return holders[0] if len(holders) == 1 else None

    def _named(self, holders: list[Holder], name: str | None) -> str | None:
        """The token of the child a typed ``child:`` names (None: not given, or only one)."""
        children = [h for h in holders if h.child_id is not None]
        if name is None or not name.strip():
            if len(holders) > 1:
                raise UserError(S.WHICH_CHILD, children=", ".join(h.label for h in children))
            return None
        wanted = " ".join(name.split()).lower()
        found = next((h for h in children if h.label.lower() == wanted), None)
        if found is None:
            raise UserError(S.UNKNOWN_CHILD, name=name, children=", ".join(h.label for h in children) or "—")
        return self._token(found)

    async def _picker(self, ctx: Context, raw: str, page: int, token: str | None = None) -> None:
        conference = await self._bookable(ctx, raw)
        member, community = ctx.require_member(), ctx.require_community()
        zone = self.core.zone_of(member, community)
        self._refuse_if_closed(ctx, conference, zone)
        async with self.core.db.read() as session:
            holders = await self._holders(session, conference.id, member)
            holder = self._chosen(holders, token)
            if holder is None:
                await ctx.reply_message(await self._child_chooser(ctx, session, conference, holders, zone))
                return
            free = await self._free_slots(session, conference.id, ctx.now)
            mine = await self._mine(session, conference.id, holder)
            my_slot = await session.get(ConferenceSlot, mine.slot_id) if mine is not None else None
        await ctx.reply_message(await self._picker_message(ctx, conference, free, my_slot, page, zone,
                                                           holder=holder, several=len(holders) > 1))

    async def _child_chooser(self, ctx: Context, session: AsyncSession, conference: Conference,
                             holders: list[Holder], zone: ZoneInfo) -> Message:
        """"Which child is this for?": each child with the time booked for it, if any."""
        lines = [await ctx.t(S.CHOOSE_CHILD)]
        buttons = []
        for holder in holders:
            booking = await self._mine(session, conference.id, holder)
            slot = await session.get(ConferenceSlot, booking.slot_id) if booking is not None else None
            lines.append(await ctx.t(S.CHILD_HAS, child=holder.label,
                                     when=format_when(slot.starts_at, ctx.language, zone)) if slot is not None
                         else await ctx.t(S.CHILD_HAS_NONE, child=holder.label))
            buttons.append(Button(await ctx.t(S.FOR_CHILD, child=holder.label), "conference.open",
                                  f"{conference.id}:{self._token(holder)}", ButtonStyle.PRIMARY))
        return Message(text="\n".join(lines), buttons=tuple(buttons))

    async def _picker_message(self, ctx: Context, conference: Conference, free: list[ConferenceSlot],
                              my_slot: ConferenceSlot | None, page: int, zone: ZoneInfo, *,
                              holder: Holder, several: bool = False, intro: str | None = None) -> Message:
        lang = ctx.language
        size = self._page_size(ctx)
        pages = max(1, -(-len(free) // size))
        page = min(max(page, 0), pages - 1)
        shown = free[page * size:(page + 1) * size]
        child = holder.label if holder.child_id is not None and several else None
        token = self._token(holder)
        if intro is None:
            intro = await ctx.t(S.PICK_INTRO_FOR, title=conference.title, child=child, zone=zone.key) if child \
                else await ctx.t(S.PICK_INTRO, title=conference.title, zone=zone.key)
        lines = [intro]
        if my_slot is not None:
            when = format_when(my_slot.starts_at, lang, zone)
            lines.append(await ctx.t(S.PICK_HAVE_FOR, child=holder.label, when=when) if holder.child_id is not None
                         else await ctx.t(S.PICK_HAVE, when=when))
        buttons: list[Button] = []
        selects: tuple[Select, ...] = ()
        if not free:
            lines.append(await ctx.t(S.PICK_NONE, title=conference.title))
        else:
            if pages > 1:
                lines.append(await ctx.t(S.PICK_PAGE, first=page * size + 1, last=page * size + len(shown),
                                         total=len(free)))
            options = tuple(SelectOption(slot_label(s.starts_at, s.ends_at, lang, zone),
                                         f"{conference.id}:{s.id}:{token}") for s in shown)
            selects = (Select("conference.pick", await ctx.t(S.PICK_PLACEHOLDER), options,
                              group=f"{conference.id}:{token}"),)
            if page > 0:
                buttons.append(Button(await ctx.t(S.PREVIOUS), "conference.page",
                                      f"{conference.id}:{page - 1}:{token}"))
            if page < pages - 1:
                buttons.append(Button(await ctx.t(S.NEXT), "conference.page", f"{conference.id}:{page + 1}:{token}"))
        if my_slot is not None:
            buttons.append(Button(await ctx.t(S.UNBOOK), "conference.unbook", f"{conference.id}:{token}",
                                  ButtonStyle.DANGER))
        buttons.append(Button(await ctx.t(S.NONE_WORK), "conference.none", str(conference.id)))
        return Message(text="\n".join(lines), selects=selects, buttons=tuple(buttons))

    # ----- families: booking -----------------------------------------------------------------
    @button("conference.pick")
    async def pick(self, ctx: Context, event: ButtonPressed) -> None:
        raw, _, rest = event.value.partition(":")
        slot_raw, _, token = rest.partition(":")
        conference = await self._bookable(ctx, raw)
        await self._book(ctx, conference, int(slot_raw) if slot_raw.isdigit() else -1, token or None)

    @command("conference book", "Book a conference time by typing it",
             OptionSpec("id", "The conference number", required=True),
             OptionSpec("time", "When, e.g. \"Tue 15:30\"", required=True),
             OptionSpec("child", "Which child it is for (if you have several in the class)"))
    async def book_command(self, ctx: Context, id: str, time: str, child: str | None = None) -> None:
        conference = await self._bookable(ctx, id)
        member, community = ctx.require_member(), ctx.require_community()
        zone = self.core.zone_of(member, community)
        wanted = parse_when(time, ctx.language, zone, ctx.now)
        async with self.core.db.read() as session:
            holders = await self._holders(session, conference.id, member)
            slot = await session.scalar(select(ConferenceSlot).where(
                ConferenceSlot.conference_id == conference.id, ConferenceSlot.status == "open",
                ConferenceSlot.starts_at == wanted)) if wanted is not None else None
        if not holders:
            raise UserError(S.NO_ONE_TO_BOOK)
        token = self._named(holders, child)
        if slot is None:
            raise UserError(S.NO_TIME_MATCH, id=conference.id,
                            when=format_when(wanted, ctx.language, zone) if wanted else time)
        await self._book(ctx, conference, slot.id, token)

    async def _book(self, ctx: Context, conference: Conference, slot_id: int, token: str | None) -> None:
        """Book or change to ``slot_id`` for what ``token`` names (a child, or the person):
        checked against what this family can be offered (a time of this conference, open,
        still ahead, a child they may book for), under the conference's lock. A co-parent's
        booking for the same child is the one changed: a child holds one booking."""
        member, community = ctx.require_member(), ctx.require_community()
        zone = self.core.zone_of(member, community)

        async def work(session: AsyncSession) -> _Booked:
            row = await lock_row(session, Conference, conference.id)
            if row is None or row.status != "open":
                return _Booked("not_open")
            if row.closes_at is not None and row.closes_at <= ctx.now:
                return _Booked("closed", conference=row)
            holders = await self._holders(session, row.id, member)
            holder = self._chosen(holders, token)
            if holder is None:  # an old menu without a child, and several to choose from
                return _Booked("choose", conference=row)
            slot = await session.get(ConferenceSlot, slot_id)
            if slot is None or slot.conference_id != row.id or slot.status != "open" or slot.starts_at <= ctx.now:
                return _Booked("not_offered")
            holding = await session.scalar(select(ConferenceBooking).where(ConferenceBooking.slot_id == slot.id))
            if holding is not None:
                if holding.holder == holder.key:
                    return _Booked("mine", slot=slot)
                free = await self._free_slots(session, row.id, ctx.now)
                free.sort(key=lambda s: abs((s.starts_at - slot.starts_at).total_seconds()))
                return _Booked("taken", slot=slot, nearest=sorted(free[:NEAREST], key=lambda s: s.starts_at),
                               conference=row, holder=holder, several=len(holders) > 1)
            mine = await self._mine(session, row.id, holder)
            outcome = "swapped" if mine is not None else "booked"
            if mine is None:
                mine = ConferenceBooking(conference_id=row.id, slot_id=slot.id, holder=holder.key,
                                         child_id=holder.child_id, member_id=member.id, label=holder.label[:200],
                                         created_at=ctx.now, updated_at=ctx.now)
                session.add(mine)
            else:
                mine.slot_id, mine.member_id, mine.updated_at = slot.id, member.id, ctx.now
            await session.flush()
            told = await self._readers(session, mine, member)
            if member.id not in {m.id for m in told}:  # who pressed hears what they did
                told.append(member)
            await self._confirm(session, community, row, mine, slot, told, cause=ctx.key, booker=member)
            await self._schedule_reminders(session, row, mine, slot, ctx.now)
            return _Booked(outcome, slot=slot, conference=row)

        result = await ctx.transaction(work)
        if result.outcome == "not_open":
            raise UserError(S.NOT_OPEN, id=conference.id)
        if result.outcome == "closed":
            self._refuse_if_closed(ctx, conference, zone)
        if result.outcome == "not_offered":
            raise UserError(S.NOT_OFFERED)
        if result.outcome == "choose":
            await self._picker(ctx, str(conference.id), 0)
            return
        assert result.slot is not None
        when = format_when(result.slot.starts_at, ctx.language, zone)
        if result.outcome == "mine":
            await ctx.reply(S.ALREADY_YOURS, when=when)
            return
        if result.outcome == "taken":
            nearest = result.nearest or []
            if not nearest:
                await ctx.reply(S.TAKEN_NONE)
                return
            assert result.holder is not None
            await ctx.reply_message(await self._picker_message(ctx, conference, nearest, None, 0, zone,
                                                               holder=result.holder, several=result.several,
                                                               intro=await ctx.t(S.TAKEN)))
            return
        self.refresh_card(conference.id)
        await ctx.reply(S.BOOKED if result.outcome == "booked" else S.SWAPPED, when=when)

    async def _readers(self, session: AsyncSession, booking: ConferenceBooking, booker: Member | None = None) -> list[
            Member]:
        """Who hears about ``booking``: its child's guardians who receive notices (never a
        restricted one), or the person whose own booking it is."""
        if booker is None or booker.id != booking.member_id:
            booker = await session.get(Member, booking.member_id)
        return await readers(self.core.families, session, booking.child_id, booker)

    async def _teacher(self, session: AsyncSession, conference: Conference) -> Member | None:
        if conference.teacher_member_id is None:
            return None
        return await session.get(Member, conference.teacher_member_id)

    async def _confirm(self, session: AsyncSession, community: Community, conference: Conference,
                       booking: ConferenceBooking, slot: ConferenceSlot, told: list[Member], *, cause: str,
                       booker: Member | None = None, moved: bool = False) -> None:
        """The confirmation (or change notice) with the calendar file, queued in the booking's
        transaction for each of ``told``: it goes out once to each, in their own language and
        zone, after their quiet hours."""
        teacher = await self._teacher(session, conference)
        fields = ()
        where = conference.location or conference.link
        if where:
            fields = (Item(Phrase.of(S.WHERE_FIELD), Phrase.exact(where)),)
        teacher_name = teacher.display_name if teacher else ""
        if booking.child_id is None:
            body = Phrase.of(S.MOVED_BODY if moved else S.CONFIRM_BODY, title=conference.title,
                             teacher=teacher_name, when=When(slot.starts_at))
        elif moved:
            body = Phrase.of(S.MOVED_BODY_FOR, title=conference.title, child=booking.label, when=When(slot.starts_at))
        else:
            body = Phrase.of(S.CONFIRM_BODY_FOR, title=conference.title, child=booking.label, teacher=teacher_name,
                             when=When(slot.starts_at), booker=booker.display_name if booker else "")
        value = f"{conference.id}:{booking.child_id if booking.child_id is not None else 'me'}"
        content = Content(
            title=Phrase.of(S.MOVED_TITLE if moved else S.CONFIRM_TITLE), body=body,
            fields=fields, footer=Phrase.of(S.CALENDAR_NOTE),
            actions=(Action(S.CHANGE, "conference.open", value),
                     Action(S.UNBOOK, "conference.unbook", value, ButtonStyle.DANGER)),
            attachments=(Attach(ICS_BOOKING, str(booking.id)),))
        await self.core.deliveries.enqueue(session, community, told, content=content, topic=TOPIC,
                                           subject=subject(conference.id), cause=f"conference:notice:{cause}")

    def _reminder_offsets(self) -> list[timedelta]:
        text = self.settings.reminders.strip().lower()
        if text == "off":
            return []
        return [offset for part in text.split(",") if (offset := parse_duration(part.strip())) is not None]

    def _moment(self, member: Member, community: Community, due: datetime, starts: datetime,
                now: datetime) -> tuple[datetime, bool]:
        """When (and whether despite quiet hours) this person gets a reminder due at ``due``
        (see :func:`cogs.conferences.reminders.reminder_moment`)."""
        limit = parse_duration(self.settings.before_quiet_hours) or timedelta(hours=3)
        return reminder_moment(due, starts, self.core.quiet_hours_of(member), self.core.zone_of(member, community),
                               now=now, limit=limit)

    async def _schedule_reminders(self, session: AsyncSession, conference: Conference, booking: ConferenceBooking,
                                  slot: ConferenceSlot, now: datetime) -> None:
        """Reminders before the slot (``[conferences] reminders``) to the family and the teacher;
        a reminder whose moment has passed is skipped, one for a slot no longer held does nothing.
        The job runs at the earliest moment one of its readers needs (just before their quiet
        hours, when those would hold it past the start); each reader's own moment is applied
        when it runs."""
        offsets = self._reminder_offsets()
        community = await self.core.community_by_id(session, conference.community_id)
        if not offsets or community is None:
            return
        people = await self._readers(session, booking)
        teacher = await self._teacher(session, conference)
        if teacher is not None:
            people.append(teacher)
        items = []
        for offset in offsets:
            due = slot.starts_at - offset
            if due <= now:
                continue
            moments = [self._moment(person, community, due, slot.starts_at, now)[0] for person in people]
            runs = max(now, min([due, *moments]))
            seconds, starts = int(offset.total_seconds()), int(slot.starts_at.timestamp())
            items.append(({"booking": booking.id, "slot": slot.id, "starts": starts, "offset": seconds,
                           "runs": int(runs.timestamp())}, runs,
                          f"conference:remind:{booking.id}:{slot.id}:{starts}:{seconds}"))
        if items:
            await self.core.schedule_many(session, REMIND_JOB, items)

    @job(REMIND_JOB)
    async def remind(self, job_ctx: JobContext) -> None:
        payload = job_ctx.payload
        now = self.core.clock.now()
        # Each reader's moment is decided as of when the job was meant to run (a job that runs
        # a little late still sends the reminder that was due just before quiet hours).
        planned = min(now, datetime.fromtimestamp(int(payload.get("runs", now.timestamp())), UTC))
        async with self.core.db.write() as session:
            booking = await session.get(ConferenceBooking, payload["booking"])
            if booking is None or booking.slot_id != payload["slot"]:
                return  # changed or cancelled since: that reminder is no longer true
            slot = await session.get(ConferenceSlot, booking.slot_id)
            conference = await session.get(Conference, booking.conference_id)
            if slot is None or conference is None or slot.status != "open" or conference.status != "open":
                return
            if int(slot.starts_at.timestamp()) != payload.get("starts"):
                return  # the slot moved: the reminders scheduled for its new time say so
            community = await self.core.community_by_id(session, conference.community_id)
            booker = await session.get(Member, booking.member_id)
            teacher = await self._teacher(session, conference)
            if community is None:
                return
            due = slot.starts_at - timedelta(seconds=int(payload["offset"]))
            cause = f"conference:remind:{booking.id}:{slot.id}:{payload['starts']}:{payload['offset']}"
            where = conference.location or conference.link
            fields = (Item(Phrase.of(S.WHERE_FIELD), Phrase.exact(where)),) if where else ()
            teacher_name = teacher.display_name if teacher else ""
            body = Phrase.of(S.REMINDER_FAMILY_FOR, title=conference.title, child=booking.label, teacher=teacher_name,
                             when=When(slot.starts_at)) if booking.child_id is not None else Phrase.of(
                S.REMINDER_FAMILY, title=conference.title, teacher=teacher_name, when=When(slot.starts_at))
            family = Content(fields=fields, body=body)
            for person in await self._readers(session, booking, booker):
                await self._remind_one(session, community, person, family, cause, due, slot, now, planned)
            if teacher is not None:
                code = self.core.language_of(booker, community) if booker is not None else ""
                language = languages.by_code(code)
                await self._remind_one(session, community, teacher, Content(body=Phrase.of(
                    S.REMINDER_TEACHER, name=booking.label or (booker.display_name if booker else ""),
                    language=language.english if language else "", when=When(slot.starts_at))),
                    cause, due, slot, now, planned)

    async def _remind_one(self, session: AsyncSession, community: Community, person: Member, content: Content,
                          cause: str, due: datetime, slot: ConferenceSlot, now: datetime, planned: datetime) -> None:
        moment, urgent = self._moment(person, community, due, slot.starts_at, planned)
        await self.core.deliveries.enqueue(
            session, community, [person], topic=TOPIC, subject=subject(slot.conference_id), cause=cause,
            expires_at=slot.starts_at, content=content, at=moment if moment > now else None,
            urgency=Urgency.URGENT if urgent else Urgency.NORMAL)

    @button("conference.unbook")
    async def unbook(self, ctx: Context, event: ButtonPressed) -> None:
        member, community = ctx.require_member(), ctx.require_community()
        raw, _, token = event.value.partition(":")
        conference_id = int(raw) if raw.isdigit() else -1
        zone = self.core.zone_of(member, community)

        async def work(session: AsyncSession) -> ConferenceSlot | None:
            row = await lock_row(session, Conference, conference_id)
            if row is None or row.community_id != community.id:
                return None
            holder = self._chosen(await self._holders(session, row.id, member), token or None)
            mine = await self._mine(session, row.id, holder) if holder is not None else None
            if mine is None:  # only a booking this person holds, or holds with their child's other guardians
                return None
            slot = await session.get(ConferenceSlot, mine.slot_id)
            others = [m for m in await self._readers(session, mine) if m.id != member.id]
            if slot is not None and others:
                await self._tell_removed(session, community, row, mine, slot, others, cause=ctx.key,
                                         body=S.UNBOOKED_BODY_FOR, booker=member)
            await session.delete(mine)
            return slot

        slot = await ctx.transaction(work)
        if slot is None:
            raise UserError(S.NO_BOOKING, id=raw)
        self.refresh_card(conference_id)
        await ctx.reply(S.UNBOOKED, when=format_when(slot.starts_at, ctx.language, zone))

    # ----- families: another time ------------------------------------------------------------
    @button("conference.none")
    async def none_pressed(self, ctx: Context, event: ButtonPressed) -> None:
        conference = await self._bookable(ctx, event.value)
        await ctx.reply(S.REQUEST_HOW, command=f'/conference request id:{conference.id} text:"..."')

    @command("conference request", "Ask your teacher for a conference time that is not offered",
             OptionSpec("id", "The conference number", required=True),
             OptionSpec("text", "Which times would work for you", required=True, long=True))
    async def request(self, ctx: Context, id: str, text: str) -> None:
        conference = await self._bookable(ctx, id)
        relay = self.core.cog("relay")
        if not isinstance(relay, TeacherQuestions):  # the relay feature is switched off
            raise UserError(S.NO_RELAY)
        async with self.core.db.read() as session:
            teacher = await self._teacher(session, conference)
        prefix = await ctx.t(S.REQUEST_PREFIX, title=conference.title)
        community = ctx.require_community()
        await relay.ask_teacher(ctx, f"{prefix}\n{text.strip()}",
                                teacher=UserRef(community.platform, teacher.user_id) if teacher is not None else None)

    # ----- the teacher's schedule and changes --------------------------------------------------
    async def _all_slots(self, session: AsyncSession, conference_id: int) -> list[
            tuple[ConferenceSlot, ConferenceBooking | None, Member | None]]:
        rows = (await session.execute(
            select(ConferenceSlot, ConferenceBooking, Member)
            .outerjoin(ConferenceBooking, ConferenceBooking.slot_id == ConferenceSlot.id)
            .outerjoin(Member, Member.id == ConferenceBooking.member_id)
            .where(ConferenceSlot.conference_id == conference_id, ConferenceSlot.status == "open")
            .order_by(ConferenceSlot.starts_at))).all()
        return [(slot, booking, family) for slot, booking, family in rows]

    @command("conference schedule", "Your conference times and who booked them (list, spreadsheet, calendar)",
             OptionSpec("id", "The conference number", required=True), allowed=STAFF)
    async def schedule(self, ctx: Context, id: str) -> None:
        conference = await self._own_conference(ctx, id)
        community, member = ctx.require_community(), ctx.require_member()
        zone = self.core.zone_of(member, community)
        async with self.core.db.read() as session:
            rows = await self._all_slots(session, conference.id)
        free_word = await ctx.t(S.FREE)
        lines = [await ctx.t(S.SCHEDULE_HEADING, title=conference.title, zone=zone.key,
                             booked=sum(1 for _, b, _ in rows if b is not None), total=len(rows))]
        table = []
        entries = []
        for number, (slot, booking, family) in enumerate(rows, start=1):
            label = slot_label(slot.starts_at, slot.ends_at, ctx.language, zone)
            if booking is None or family is None:
                lines.append(f"{number}. {label} — {free_word}")
                table.append([number, *self._local_times(slot, zone), "", "", ""])
                continue
            async with self.core.db.read() as session:  # a child's guardians: each language, each contact
                people = await self._readers(session, booking, family) or [family]
            names = []
            for person in people:
                code = self.core.language_of(person, community)
                language = languages.by_code(code)
                if (language.english if language else code) not in names:
                    names.append(language.english if language else code)
            language_name = ", ".join(names)
            reach = " ".join(ctx.outbound.mention(UserRef(community.platform, p.user_id)) for p in people)
            name = booking.label or family.display_name
            lines.append(f"{number}. {label} — {name} ({language_name}) {reach}")
            table.append([number, *self._local_times(slot, zone), name, language_name, reach])
            entries.append(self._entry(conference, booking, slot, description=f"{name} ({language_name})"))
        await ctx.reply_message(Message(text="\n".join(lines)))
        csv = csv_bytes(["slot", "starts", "ends", "family", "language", "contact"], table)
        ics = calendar_bytes(entries, zone, stamp=ctx.now, name=conference.title)
        note = Message(text=await ctx.t(S.SCHEDULE_FILES, id=conference.id))
        await ctx.outbound.upload_file(ctx.user, Attachment(f"conference-{conference.id}-schedule.csv", csv,
                                                            "text/csv"), note)
        await ctx.outbound.upload_file(ctx.user, Attachment(f"conference-{conference.id}-schedule.ics", ics,
                                                            "text/calendar"))

    @staticmethod
    def _local_times(slot: ConferenceSlot, zone: ZoneInfo) -> list[str]:
        return [f"{slot.starts_at.astimezone(zone):%Y-%m-%d %H:%M}", f"{slot.ends_at.astimezone(zone):%Y-%m-%d %H:%M}"]

    async def _numbered_slot(self, session: AsyncSession, conference: Conference, number: str) -> ConferenceSlot:
        rows = await self._all_slots(session, conference.id)
        index = int(number) if number.strip().isdigit() else 0
        if not 1 <= index <= len(rows):
            raise UserError(S.NO_SUCH_SLOT, id=conference.id, slot=number)
        return rows[index - 1][0]

    @command("conference remove", "Remove one of your conference times (a family who booked it is told)",
             OptionSpec("id", "The conference number", required=True),
             OptionSpec("slot", "The slot's number in /conference schedule", required=True), allowed=STAFF)
    async def remove(self, ctx: Context, id: str, slot: str) -> None:
        conference = await self._own_conference(ctx, id)
        community, member = ctx.require_community(), ctx.require_member()
        zone = self.core.zone_of(member, community)

        async def work(session: AsyncSession) -> tuple[ConferenceSlot, str | None]:
            row = await lock_row(session, Conference, conference.id)
            assert row is not None
            target = await self._numbered_slot(session, row, slot)
            booking = await session.scalar(select(ConferenceBooking).where(ConferenceBooking.slot_id == target.id))
            target.status = "removed"
            told = None
            if booking is not None:
                people = await self._readers(session, booking)
                if people:
                    told = booking.label or people[0].display_name
                    await self._tell_removed(session, community, row, booking, target, people, cause=ctx.key)
                await session.delete(booking)
            return target, told

        target, told = await ctx.transaction(work)
        self.refresh_card(conference.id)
        when = format_when(target.starts_at, ctx.language, zone)
        if told is not None:
            await ctx.reply(S.SLOT_REMOVED_TOLD, slot=slot, when=when, name=told)
        else:
            await ctx.reply(S.SLOT_REMOVED_TEACHER, slot=slot, when=when)

    async def _tell_removed(self, session: AsyncSession, community: Community, conference: Conference,
                            booking: ConferenceBooking, slot: ConferenceSlot, told: list[Member], *, cause: str,
                            body: str = S.REMOVED_BODY, booker: Member | None = None) -> None:
        """The family (each guardian of the child) hears their time is gone, with a calendar
        file that removes it and, while the conference is open, a button to choose another time."""
        value = f"{booking.id}|{conference.id}|{int(slot.starts_at.timestamp())}|{int(slot.ends_at.timestamp())}"
        token = str(booking.child_id) if booking.child_id is not None else "me"
        actions = (Action(S.BOOK, "conference.open", f"{conference.id}:{token}", ButtonStyle.PRIMARY),) \
            if conference.status == "open" else ()
        if booking.child_id is not None:
            body = {S.REMOVED_BODY: S.REMOVED_BODY_FOR, S.CANCELLED_BODY: S.CANCELLED_BODY_FOR}.get(body, body)
        phrase = Phrase.of(body, title=conference.title, when=When(slot.starts_at), child=booking.label,
                           booker=booker.display_name if booker else "") if booking.child_id is not None \
            else Phrase.of(body, title=conference.title, when=When(slot.starts_at))
        content = Content(body=phrase, actions=actions, attachments=(Attach(ICS_CANCELLED, value),))
        await self.core.deliveries.enqueue(session, community, told, content=content, topic=TOPIC,
                                           subject=subject(conference.id), cause=f"conference:notice:{cause}")

    @command("conference move", "Move one of your conference times (a family who booked it is told)",
             OptionSpec("id", "The conference number", required=True),
             OptionSpec("slot", "The slot's number in /conference schedule", required=True),
             OptionSpec("to", "The new start, e.g. \"Wed 16:00\"", required=True), allowed=STAFF)
    async def move(self, ctx: Context, id: str, slot: str, to: str) -> None:
        conference = await self._own_conference(ctx, id)
        community, member = ctx.require_community(), ctx.require_member()
        zone = self.core.zone_of(member, community)
        new_start = future_time(to, ctx.language, zone, ctx.now)

        async def work(session: AsyncSession) -> ConferenceSlot | None:
            row = await lock_row(session, Conference, conference.id)
            assert row is not None
            target = await self._numbered_slot(session, row, slot)
            clash = await session.scalar(select(func.count()).select_from(ConferenceSlot).where(
                ConferenceSlot.conference_id == row.id, ConferenceSlot.id != target.id,
                ConferenceSlot.status == "open", ConferenceSlot.starts_at < new_start + (target.ends_at -
                                                                                         target.starts_at),
                ConferenceSlot.ends_at > new_start))
            if clash:
                return None
            length = target.ends_at - target.starts_at
            target.starts_at, target.ends_at = new_start, new_start + length
            booking = await session.scalar(select(ConferenceBooking).where(ConferenceBooking.slot_id == target.id))
            if booking is not None:
                booking.updated_at = ctx.now
                people = await self._readers(session, booking)
                if people:
                    await self._confirm(session, community, row, booking, target, people, cause=ctx.key, moved=True)
                await self._schedule_reminders(session, row, booking, target, ctx.now)
            return target

        moved = await ctx.transaction(work)
        if moved is None:
            raise UserError(S.SLOT_TAKEN_TIME, id=conference.id, when=format_when(new_start, ctx.language, zone))
        self.refresh_card(conference.id)
        await ctx.reply(S.SLOT_MOVED_TEACHER, slot=slot, when=format_when(moved.starts_at, ctx.language, zone))

    @command("conference cancel", "Cancel a whole conference (every family who booked is told)",
             OptionSpec("id", "The conference number", required=True), allowed=STAFF)
    async def cancel(self, ctx: Context, id: str) -> None:
        conference = await self._own_conference(ctx, id)
        community = ctx.require_community()

        async def work(session: AsyncSession) -> int:
            row = await lock_row(session, Conference, conference.id)
            assert row is not None
            row.status = "cancelled"
            told = 0
            for slot, booking, family in await self._all_slots(session, row.id):
                people = await self._readers(session, booking, family) if booking is not None else []
                if booking is not None and people:
                    await self._tell_removed(session, community, row, booking, slot, people, cause=ctx.key,
                                             body=S.CANCELLED_BODY)
                    told += 1
            await session.execute(delete(ConferenceBooking).where(ConferenceBooking.conference_id == row.id))
            return told

        told = await ctx.transaction(work)
        self.refresh_card(conference.id)
        await ctx.reply(S.CANCELLED_TEACHER, id=conference.id, count=told)

    # ----- calendar files ------------------------------------------------------------------
    def _entry(self, conference: Conference, booking_id: ConferenceBooking | int, slot: ConferenceSlot | None = None,
               *, starts_at: datetime | None = None, ends_at: datetime | None = None, description: str = "",
               cancelled: bool = False, sequence: int = 0) -> CalendarEntry:
        number = booking_id if isinstance(booking_id, int) else booking_id.id
        return CalendarEntry(
            uid=f"homeroom-conference-{conference.id}-{number}", title=conference.title,
            starts_at=starts_at or (slot.starts_at if slot else self.core.clock.now()),
            ends_at=ends_at or (slot.ends_at if slot else self.core.clock.now()),
            location=conference.location, link=conference.link, description=description, cancelled=cancelled,
            sequence=sequence)

    async def _booking_ics(self, value: str, member: Member, community: Community) -> Attachment | None:
        """The family's calendar file, made as the message goes out: the booking as it is then,
        in the reader's zone; nothing when the booking is gone (a later notice says so)."""
        async with self.core.db.read() as session:
            booking = await session.get(ConferenceBooking, int(value)) if value.isdigit() else None
            if booking is None or not await may_see(self.core.families, session, booking.child_id, booking.member_id,
                                                    member):
                return None
            slot = await session.get(ConferenceSlot, booking.slot_id)
            conference = await session.get(Conference, booking.conference_id)
        if slot is None or conference is None:
            return None
        sequence = int((booking.updated_at - booking.created_at).total_seconds())
        entry = self._entry(conference, booking, slot, sequence=sequence)
        data = calendar_bytes([entry], self.core.zone_of(member, community), stamp=self.core.clock.now())
        return Attachment(f"conference-{conference.id}-booking-{booking.id}.ics", data, "text/calendar")

    async def _cancelled_ics(self, value: str, member: Member, community: Community) -> Attachment | None:
        parts = value.split("|")
        if len(parts) != 4 or not all(p.isdigit() for p in parts):
            return None
        booking_id, conference_id, start, end = (int(p) for p in parts)
        async with self.core.db.read() as session:
            conference = await session.get(Conference, conference_id)
        if conference is None:
            return None
        utc = ZoneInfo("UTC")
        entry = self._entry(conference, booking_id, starts_at=datetime.fromtimestamp(start, utc),
                            ends_at=datetime.fromtimestamp(end, utc), cancelled=True,
                            sequence=int(self.core.clock.now().timestamp()) % 1_000_000)
        data = calendar_bytes([entry], self.core.zone_of(member, community), stamp=self.core.clock.now())
        return Attachment(f"conference-{conference.id}-booking-{booking_id}-cancelled.ics", data, "text/calendar")

    # ----- privacy -------------------------------------------------------------------------
    async def export_member(self, session: AsyncSession, member: Member) -> dict[str, Any]:
        rows = (await session.execute(
            select(ConferenceBooking, ConferenceSlot, Conference)
            .join(ConferenceSlot, ConferenceSlot.id == ConferenceBooking.slot_id)
            .join(Conference, Conference.id == ConferenceBooking.conference_id)
            .where(ConferenceBooking.member_id == member.id))).all()
        run = (await session.scalars(select(Conference).where(Conference.teacher_member_id == member.id))).all()
        data: dict[str, Any] = {}
        if rows:
            data["conference_bookings"] = [{"conference": c.title, "starts_at": s.starts_at.isoformat(),
                                            "label": b.label} for b, s, c in rows]
        if run:
            data["conferences_you_run"] = [{"id": c.id, "title": c.title, "availability": c.availability,
                                            "status": c.status} for c in run]
        return data

    async def delete_member(self, session: AsyncSession, member: Member) -> None:
        """A person's own bookings go (their times free up); a booking they made for a child
        stays with the child's other guardians, or goes when there is none; a teacher's
        conferences stay for the families who booked them, no longer tied to the teacher."""
        await self._release(session, member)
        await session.execute(update(Conference).where(Conference.teacher_member_id == member.id)
                              .values(teacher_member_id=None))

    async def on_member_left(self, session: AsyncSession, member: Member) -> None:
        """A family that left frees its times for others (a child's booking stays with its
        other guardians)."""
        await self._release(session, member)

    async def _release(self, session: AsyncSession, member: Member) -> None:
        for booking in (await session.scalars(select(ConferenceBooking).where(
                ConferenceBooking.member_id == member.id))).all():
            others = [m for m in await readers(self.core.families, session, booking.child_id, None)
                      if m.id != member.id] if booking.child_id is not None else []
            if others:
                booking.member_id = others[0].id
            else:
                await session.delete(booking)
        await session.flush()


def setup(core: Services) -> list[Cog]:
    from cogs.conferences.events import EventsCog

    return [ConferencesCog(core), EventsCog(core)]


__all__ = ["ConferencesCog", "setup"]
