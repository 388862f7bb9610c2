"""Events families answer yes / no / maybe to, with a headcount of adults and children.

The same machinery as conferences, one answer per person (:func:`cogs.conferences.holders.person_key`),
the answer written with the event's de-duplication key, the calendar file made by the
delivery service as the confirmation goes out, reminders before the start to those coming
(or maybe coming). What it shares with volunteer sign-ups is only the idea of a card people
answer on: an RSVP has no capacity, slot or waitlist, so it reuses none of that code.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.api.cog import Cog, button, command, job
from bot.api.commands import Choice, OptionSpec, OptionType
from bot.api.context import Context
from bot.api.durations import parse_duration
from bot.api.errors import UserError
from bot.api.events import ButtonPressed
from bot.api.jobs import JobContext
from bot.api.messages import Attachment, Button, ButtonStyle, Message, Select, SelectOption
from bot.api.refs import ChannelRef, MessageRef
from bot.api.roles import ORGANISERS, Role
from bot.api.services import Services
from bot.api.when import format_when, future_time
from bot.db.engine import lock_row
from bot.db.models import Community, Member
from bot.delivery import Attach, Content, Item, Phrase, When
from cogs.conferences import strings as S
from cogs.conferences.holders import person_key
from cogs.conferences.ics import CalendarEntry, calendar_bytes
from cogs.conferences.models import EventRsvp, SchoolEvent

REMIND_JOB = "event.remind"
ICS_EVENT = "event.rsvp"
TOPIC = "event"
ANSWERS = ("yes", "maybe", "no")
#: the largest adults or children one family may count
MAX_PEOPLE = 10
LABELS = {"yes": S.YES, "maybe": S.MAYBE, "no": S.NO}


def subject(event_id: int) -> str:
    return f"event:{event_id}"


class EventsCog(Cog):
    name = "school_events"
    personal_data_models = (SchoolEvent, EventRsvp)

    def __init__(self, core: Services) -> None:
        super().__init__(core)
        core.deliveries.on_attachment(ICS_EVENT, self._event_ics)

    @property
    def settings(self) -> Any:
        return self.core.config.section("conferences")

    # ----- creating ------------------------------------------------------------------------
    @command("event create", "Post an event families answer yes, no or maybe to",
             OptionSpec("title", "What it is, e.g. \"Family literacy night\"", required=True),
             OptionSpec("when", "When it starts, e.g. \"Thursday 6pm\"", required=True),
             OptionSpec("length", "How long it lasts (default 1h)"),
             OptionSpec("where", "Where it is"),
             OptionSpec("link", "A video link for a virtual event"),
             allowed=ORGANISERS)
    async def create(self, ctx: Context, title: str, when: str, length: str | None = None,
                     where: str | None = None, link: str | None = None) -> None:
        community, member = ctx.require_community(), ctx.require_member()
        title = title.strip()
        if not title:
            raise UserError(S.NO_TITLE)
        link = (link or "").strip()
        if link and not link.lower().startswith(("https://", "http://")):
            raise UserError(S.BAD_LINK)
        zone = self.core.zone_of(member, community)
        starts_at = future_time(when, ctx.language, zone, ctx.now)
        duration = parse_duration(length) if length else timedelta(hours=1)
        if duration is None:
            raise UserError(S.BAD_LENGTH, text=length or "")
        channel: ChannelRef | None = getattr(ctx.event, "channel", None)
        if channel is None or channel.is_dm:
            channel = await self.core.channel(community, "announcements")
        if channel is None:
            raise UserError(S.NO_CHANNEL)

        async def work(session: AsyncSession) -> int:
            row = SchoolEvent(community_id=community.id, organiser_member_id=member.id, title=title[:200],
                              language=ctx.language, starts_at=starts_at, ends_at=starts_at + duration,
                              location=(where or "").strip()[:200], link=link[:500], channel_id=channel.id,
                              created_at=ctx.now)
            session.add(row)
            await session.flush()
            return row.id

        event_id = await ctx.transaction(work)
        async with self.core.db.read() as session:
            row = await session.get(SchoolEvent, event_id)
            assert row is not None
            card = await self._card(session, row, community)
        posted = await ctx.outbound.post(channel, card)
        async with self.core.db.write() as session:
            await session.execute(update(SchoolEvent).where(SchoolEvent.id == event_id).values(message_id=posted.id))
        await ctx.reply(S.EVENT_POSTED, id=event_id)

    async def _counts(self, session: AsyncSession, event_id: int) -> dict[str, int]:
        rows = (await session.execute(
            select(EventRsvp.answer, func.count(), func.sum(EventRsvp.adults), func.sum(EventRsvp.children))
            .where(EventRsvp.event_id == event_id).group_by(EventRsvp.answer))).all()
        counts = {"yes": 0, "maybe": 0, "no": 0, "adults": 0, "children": 0}
        for answer, number, adults, children in rows:
            counts[answer] = int(number)
            if answer == "yes":
                counts["adults"], counts["children"] = int(adults or 0), int(children or 0)
        return counts

    async def _card(self, session: AsyncSession, row: SchoolEvent, community: Community) -> Message:
        lang = community.default_language
        zone = ZoneInfo(community.timezone)

        async def t(msgid: str, **params: Any) -> str:
            return await self.core.localize(lang, msgid, **params)

        counts = await self._counts(session, row.id)
        lines = [await t(S.EVENT_WHEN, when=format_when(row.starts_at, lang, zone))]
        if row.location or row.link:
            lines.append(await t(S.CARD_WHERE, where=row.location or row.link))
        lines.append(await t(S.EVENT_COUNTS, **counts))
        buttons: tuple[Button, ...] = ()
        if row.status == "cancelled":
            lines.append(await t(S.EVENT_CANCELLED_CARD))
        else:
            styles = {"yes": ButtonStyle.SUCCESS, "maybe": ButtonStyle.SECONDARY, "no": ButtonStyle.SECONDARY}
            buttons = tuple([Button(await t(LABELS[a]), "event.rsvp", f"{row.id}:{a}", styles[a]) for a in ANSWERS])
        return Message(title=await t(S.EVENT_CARD_TITLE, title=row.title), text="\n".join(lines), buttons=buttons,
                       footer=f"#{row.id}")

    def refresh_card(self, event_id: int) -> None:
        self.core.debouncer.request(f"event-card:{event_id}", lambda: self._redraw(event_id))

    async def _redraw(self, event_id: int) -> None:
        async with self.core.db.read() as session:
            row = await session.get(SchoolEvent, event_id)
            community = await self.core.community_by_id(session, row.community_id) if row else None
            if row is None or community is None or not row.message_id:
                return
            card = await self._card(session, row, community)
        ref = MessageRef(ChannelRef(community.platform, row.channel_id, self.core.community_ref(community)),
                         row.message_id)
        await self.core.outbound(community.platform).edit(ref, card)

    # ----- answering -----------------------------------------------------------------------
    async def _open_event(self, ctx: Context, raw: str) -> SchoolEvent:
        community = ctx.require_community()
        event_id = int(raw) if raw.isdigit() else -1
        async with self.core.db.read() as session:
            row = await session.get(SchoolEvent, event_id)
        if row is None or row.community_id != community.id:
            raise UserError(S.NO_SUCH_EVENT, id=raw)
        if row.status != "open" or row.starts_at <= ctx.now:
            raise UserError(S.EVENT_PAST, id=row.id)
        return row

    @button("event.rsvp")
    async def rsvp_pressed(self, ctx: Context, event: ButtonPressed) -> None:
        raw, _, answer = event.value.partition(":")
        if answer not in ANSWERS:
            raise UserError(S.NO_SUCH_EVENT, id=raw)
        await self._answer(ctx, await self._open_event(ctx, raw), answer=answer)

    @button("event.count")
    async def count_chosen(self, ctx: Context, event: ButtonPressed) -> None:
        """A headcount menu: ``<event>:adults:<n>`` or ``<event>:children:<n>``, each number
        one the menu offered."""
        raw, _, rest = event.value.partition(":")
        which, _, number = rest.partition(":")
        if which not in ("adults", "children") or not number.isdigit() or not 0 <= int(number) <= MAX_PEOPLE \
                or (which == "adults" and int(number) < 1):
            raise UserError(S.NO_SUCH_EVENT, id=raw)
        await self._answer(ctx, await self._open_event(ctx, raw), **{which: int(number)})

    @command("event rsvp", "Answer an event: yes, maybe or no, and how many are coming",
             OptionSpec("id", "The event number", required=True),
             OptionSpec("answer", "yes, maybe or no", required=True,
                        choices=tuple(Choice(a, a) for a in ANSWERS)),
             OptionSpec("adults", "Adults coming", type=OptionType.INTEGER, min_value=1, max_value=MAX_PEOPLE),
             OptionSpec("children", "Children coming", type=OptionType.INTEGER, min_value=0, max_value=MAX_PEOPLE))
    async def rsvp_command(self, ctx: Context, id: str, answer: str, adults: int | None = None,
                           children: int | None = None) -> None:
        await self._answer(ctx, await self._open_event(ctx, id), answer=answer, adults=adults, children=children)

    async def _answer(self, ctx: Context, row: SchoolEvent, *, answer: str | None = None, adults: int | None = None,
                      children: int | None = None) -> None:
        """Record this holder's answer (or only their numbers), once per event delivery; a
        yes or maybe gets the calendar file and the reminders."""
        member, community = ctx.require_member(), ctx.require_community()
        holder = person_key(member)

        async def work(session: AsyncSession) -> EventRsvp | None:
            locked = await lock_row(session, SchoolEvent, row.id)
            assert locked is not None
            mine = await session.scalar(select(EventRsvp).where(EventRsvp.event_id == row.id,
                                                                EventRsvp.holder == holder))
            created = mine is None
            if mine is None:
                if answer is None:
                    return None
                mine = EventRsvp(event_id=row.id, holder=holder, member_id=member.id, answer=answer,
                                 created_at=ctx.now, updated_at=ctx.now)
                session.add(mine)
            was = mine.answer
            mine.answer = answer or mine.answer
            mine.adults = adults if adults is not None else (mine.adults or 1)
            mine.children = children if children is not None else (mine.children or 0)
            mine.updated_at = ctx.now
            await session.flush()
            coming = mine.answer in ("yes", "maybe")
            if coming and (created or was != mine.answer):
                await self._confirm(session, community, locked, mine, member, cause=ctx.key)
                await self._schedule_reminders(session, locked, mine, ctx.now)
            return mine

        mine = await ctx.transaction(work)
        if mine is None:
            raise UserError(S.RSVP_FIRST)
        self.refresh_card(row.id)
        if mine.answer == "no":
            await ctx.reply(S.RSVP_NO, title=row.title)
            return
        if mine.answer == "maybe":
            await ctx.reply(S.RSVP_MAYBE, title=row.title)
            return
        text = await ctx.t(S.RSVP_YES if answer is not None else S.RSVP_COUNTED, title=row.title,
                           adults=mine.adults, children=mine.children)
        adults_menu = Select("event.count", await ctx.t(S.ADULTS), tuple([
            SelectOption(await ctx.t(S.ADULTS_OPTION, count=n), f"{row.id}:adults:{n}")
            for n in range(1, MAX_PEOPLE + 1)]), group=f"{row.id}:a")
        children_menu = Select("event.count", await ctx.t(S.CHILDREN), tuple([
            SelectOption(await ctx.t(S.CHILDREN_OPTION, count=n), f"{row.id}:children:{n}")
            for n in range(0, MAX_PEOPLE + 1)]), group=f"{row.id}:c")
        await ctx.reply_message(Message(text=text, selects=(adults_menu, children_menu)))

    async def _confirm(self, session: AsyncSession, community: Community, row: SchoolEvent, rsvp: EventRsvp,
                       member: Member, *, cause: str) -> None:
        where = row.location or row.link
        content = Content(title=Phrase.of(S.EVENT_CONFIRM_TITLE),
                          body=Phrase.of(S.EVENT_CONFIRM_BODY, title=row.title, when=When(row.starts_at)),
                          fields=(Item(Phrase.of(S.WHERE_FIELD), Phrase.exact(where)),) if where else (),
                          footer=Phrase.of(S.CALENDAR_NOTE), attachments=(Attach(ICS_EVENT, str(row.id)),))
        await self.core.deliveries.enqueue(session, community, [member], content=content, topic=TOPIC,
                                           subject=subject(row.id), cause=f"event:notice:{cause}")

    async def _schedule_reminders(self, session: AsyncSession, row: SchoolEvent, rsvp: EventRsvp,
                                  now: datetime) -> None:
        text = self.settings.reminders.strip().lower()
        if text == "off":
            return
        items = []
        for part in text.split(","):
            offset = parse_duration(part.strip())
            if offset is None or row.starts_at - offset <= now:
                continue
            seconds = int(offset.total_seconds())
            items.append(({"rsvp": rsvp.id, "offset": seconds}, row.starts_at - offset,
                          f"event:remind:{rsvp.id}:{seconds}"))
        if items:
            await self.core.schedule_many(session, REMIND_JOB, items)

    @job(REMIND_JOB)
    async def remind(self, job_ctx: JobContext) -> None:
        async with self.core.db.write() as session:
            rsvp = await session.get(EventRsvp, job_ctx.payload["rsvp"])
            row = await session.get(SchoolEvent, rsvp.event_id) if rsvp is not None else None
            if rsvp is None or row is None or row.status != "open" or rsvp.answer == "no":
                return
            community = await self.core.community_by_id(session, row.community_id)
            member = await session.get(Member, rsvp.member_id)
            if community is None or member is None:
                return
            await self.core.deliveries.enqueue(
                session, community, [member], topic=TOPIC, subject=subject(row.id),
                cause=f"event:remind:{rsvp.id}:{job_ctx.payload['offset']}", expires_at=row.starts_at,
                content=Content(body=Phrase.of(S.EVENT_REMINDER, title=row.title, when=When(row.starts_at))))

    # ----- the organiser -------------------------------------------------------------------
    async def _own_event(self, ctx: Context, raw: str) -> SchoolEvent:
        community, member = ctx.require_community(), ctx.require_member()
        event_id = int(raw) if raw.isdigit() else -1
        async with self.core.db.read() as session:
            row = await session.get(SchoolEvent, event_id)
        if row is None or row.community_id != community.id:
            raise UserError(S.NO_SUCH_EVENT, id=raw)
        if row.organiser_member_id != member.id and not ctx.has_role(Role.ADMIN):
            raise UserError(S.NOT_YOUR_EVENT, id=row.id)
        return row

    @command("event headcount", "Who is coming to your event",
             OptionSpec("id", "The event number", required=True), allowed=ORGANISERS)
    async def headcount(self, ctx: Context, id: str) -> None:
        row = await self._own_event(ctx, id)
        async with self.core.db.read() as session:
            counts = await self._counts(session, row.id)
        await ctx.reply(S.HEADCOUNT_HEADING, title=row.title, **counts)

    @command("event cancel", "Cancel your event (everyone who answered yes or maybe is told)",
             OptionSpec("id", "The event number", required=True), allowed=ORGANISERS)
    async def cancel(self, ctx: Context, id: str) -> None:
        row = await self._own_event(ctx, id)
        community = ctx.require_community()

        async def work(session: AsyncSession) -> int:
            locked = await lock_row(session, SchoolEvent, row.id)
            assert locked is not None
            locked.status = "cancelled"
            coming = (await session.execute(select(Member).join(EventRsvp, EventRsvp.member_id == Member.id).where(
                EventRsvp.event_id == row.id, EventRsvp.answer.in_(("yes", "maybe"))))).scalars().all()
            await self.core.deliveries.enqueue(session, community, coming, topic=TOPIC, subject=subject(row.id),
                                               cause=f"event:cancelled:{row.id}", content=Content(body=Phrase.of(
                                                   S.EVENT_CANCELLED_BODY, title=row.title,
                                                   when=When(row.starts_at))))
            return len(coming)

        told = await ctx.transaction(work)
        self.refresh_card(row.id)
        await ctx.reply(S.EVENT_CANCELLED_TEACHER, id=row.id, count=told)

    # ----- calendar file and privacy -------------------------------------------------------
    async def _event_ics(self, value: str, member: Member, community: Community) -> Attachment | None:
        async with self.core.db.read() as session:
            row = await session.get(SchoolEvent, int(value)) if value.isdigit() else None
        if row is None:
            return None
        entry = CalendarEntry(uid=f"homeroom-event-{row.id}", title=row.title, starts_at=row.starts_at,
                              ends_at=row.ends_at, location=row.location, link=row.link,
                              cancelled=row.status == "cancelled")
        data = calendar_bytes([entry], self.core.zone_of(member, community), stamp=self.core.clock.now())
        return Attachment(f"event-{row.id}.ics", data, "text/calendar")

    async def export_member(self, session: AsyncSession, member: Member) -> dict[str, Any]:
        rows = (await session.execute(select(EventRsvp, SchoolEvent).join(
            SchoolEvent, SchoolEvent.id == EventRsvp.event_id).where(EventRsvp.member_id == member.id))).all()
        organised = (await session.scalars(select(SchoolEvent).where(
            SchoolEvent.organiser_member_id == member.id))).all()
        data: dict[str, Any] = {}
        if rows:
            data["event_answers"] = [{"event": e.title, "answer": r.answer, "adults": r.adults,
                                      "children": r.children} for r, e in rows]
        if organised:
            data["events_you_organise"] = [{"id": e.id, "title": e.title, "starts_at": e.starts_at.isoformat()}
                                           for e in organised]
        return data

    async def delete_member(self, session: AsyncSession, member: Member) -> None:
        await session.execute(delete(EventRsvp).where(EventRsvp.member_id == member.id))
        await session.execute(update(SchoolEvent).where(SchoolEvent.organiser_member_id == member.id)
                              .values(organiser_member_id=None))

    async def on_member_left(self, session: AsyncSession, member: Member) -> None:
        await session.execute(delete(EventRsvp).where(EventRsvp.member_id == member.id))
