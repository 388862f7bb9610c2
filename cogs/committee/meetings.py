"""Meeting scheduling: propose times as an availability poll, pick one, remind those coming."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.api import jobs as jobqueue
from bot.api.cog import Cog, button, command, job
from bot.api.commands import OptionSpec, OptionType
from bot.api.context import Context
from bot.api.errors import UserError
from bot.api.events import ButtonPressed
from bot.api.ids import record_id
from bot.api.jobs import JobContext
from bot.api.messages import Button, Message
from bot.api.roles import ORGANISERS
from bot.api.services import Services
from bot.api.when import format_when, future_time
from bot.db.models import Community, Member
from bot.delivery import Content, Phrase, Reach, When, Written
from bot.i18n import N_, P_
from cogs.committee.models import Meeting, Poll, Vote
from cogs.committee.polls import create_poll

#: the answer for a number that names no meeting (also past the database's range)
NO_SUCH_MEETING = N_("There is no meeting #{id} here.")

REMINDERS = (timedelta(hours=24), timedelta(hours=1))
MSG_REMINDER = N_("Reminder: \"{title}\" is on {when}.")


class MeetingsCog(Cog):
    name = "meetings"
    personal_data_models = (Meeting,)

    @command("meeting propose", "Propose meeting times; members mark when they can come",
             OptionSpec("title", "What the meeting is", required=True),
             OptionSpec("times", "Times separated by \";\", e.g. \"Tue 7pm; Wed 6:30pm\"", required=True),
             allowed=ORGANISERS)
    async def propose(self, ctx: Context, title: str, times: str) -> None:
        community, member = ctx.require_community(), ctx.require_member()
        zone = self.core.zone_of(member, community)
        moments: list[datetime] = []
        for part in [p.strip() for p in times.split(";") if p.strip()]:
            moments.append(future_time(part, ctx.language, zone, ctx.now))
        if len(moments) < 2 or len(set(moments)) != len(moments):
            raise UserError("Please propose at least two different times, separated by \";\".")
        labels = [format_when(m, community.default_language, ZoneOf.community(self.core, community)) for m in moments]
        # the committee's news goes to the committee's channel, wherever /meeting pick was typed
        channel = await self.core.channel(community, "committee") or getattr(ctx.event, "channel", None)
        if channel is None:
            raise UserError("I can't find a channel to post the poll in.")
        poll = await create_poll(self.core, ctx, f"{title.strip()} — when can you come?", labels, multi=True,
                                 anonymous=False, hide_results=False, closes_at=None, channel=channel)
        async with self.core.db.write() as session:
            meeting = Meeting(community_id=community.id, title=title.strip()[:300],
                              times={"times": [m.isoformat() for m in moments]}, poll_id=poll.id,
                              creator_member_id=member.id, created_at=ctx.now)
            session.add(meeting)
            await session.flush()
        await ctx.reply("Meeting #{id} proposed. When you have decided, use /meeting pick id:{id} option:N.",
                        id=meeting.id)

    @command("meeting pick", "Choose the meeting time and tell everyone",
             OptionSpec("id", "Meeting number", type=OptionType.INTEGER, missing=NO_SUCH_MEETING, required=True),
             OptionSpec("option", "Which proposed time (1, 2, ...)", type=OptionType.INTEGER, required=True,
                        min_value=1), allowed=ORGANISERS)
    async def pick(self, ctx: Context, id: int, option: int) -> None:
        community = ctx.require_community()
        async with self.core.db.read() as session:
            meeting = await session.get(Meeting, id)
        if meeting is None or meeting.community_id != community.id:
            raise UserError("There is no meeting #{id} here.", id=id)
        times = [datetime.fromisoformat(t) for t in meeting.times["times"]]
        if option > len(times):
            raise UserError(P_("Meeting #{id} has only {count} proposed time.",
                               "Meeting #{id} has only {count} proposed times."), id=id, count=len(times))
        chosen = times[option - 1]
        async with ctx.write() as session:
            await session.execute(update(Meeting).where(Meeting.id == id).values(chosen_index=option - 1))
            await jobqueue.cancel(session, f"meeting:{id}:remind:")  # a new pick replaces the old reminders
            await self.core.deliveries.cancel(session, f"meeting:{id}:reminders")  # also those held by quiet hours
            for before in REMINDERS:
                at = chosen - before
                if at > ctx.now:
                    await self.core.schedule(session, "meeting.remind", {"meeting": id}, at,
                                             dedupe_key=f"meeting:{id}:remind:{int(at.timestamp())}")
        # the committee's news goes to the committee's channel, wherever /meeting pick was typed
        channel = await self.core.channel(community, "committee") or getattr(ctx.event, "channel", None)
        lang = community.default_language
        when = format_when(chosen, lang, ZoneOf.community(self.core, community))
        await ctx.outbound.post(channel, Message(  # type: ignore[arg-type]
            title=f"📅 {meeting.title}", text=await self.core.localize(lang, "The meeting is on {when}.", when=when),
            buttons=(Button(await self.core.localize(lang, "Show in my time zone"), "meeting.local", str(id)),),
            footer=f"Meeting #{id}"))
        await ctx.reply("Meeting #{id} is set for {when}.", id=id, when=when)

    @button("meeting.local")
    async def local_time(self, ctx: Context, event: ButtonPressed) -> None:
        async with self.core.db.read() as session:
            meeting_id = record_id(event.value)
            meeting = await session.get(Meeting, meeting_id) if meeting_id is not None else None
        if meeting is None or meeting.community_id != ctx.require_community().id or meeting.chosen_index is None:
            raise UserError("That meeting has no time yet.")
        chosen = datetime.fromisoformat(meeting.times["times"][meeting.chosen_index])
        zone = self.core.zone_of(ctx.member, ctx.community)
        await ctx.reply("\"{title}\" is on {when} for you.", title=meeting.title,
                        when=format_when(chosen, ctx.language, zone))

    @job("meeting.remind")
    async def remind(self, job_ctx: JobContext) -> None:
        """Everyone who voted for the chosen time, reminded through the delivery service:
        the time in their zone and language, never in their quiet hours, and not at all once
        the meeting began (a digest reader finds it in their digest instead)."""
        async def work(session: AsyncSession) -> None:
            meeting = await session.get(Meeting, job_ctx.payload["meeting"])
            if meeting is None or meeting.chosen_index is None or meeting.poll_id is None:
                return
            community = await session.get(Community, meeting.community_id)
            poll = await session.get(Poll, meeting.poll_id)
            if community is None or poll is None:
                return
            chosen = datetime.fromisoformat(meeting.times["times"][meeting.chosen_index])
            if chosen <= self.core.clock.now():
                return
            coming = (await session.scalars(select(Member).join(Vote, Vote.member_id == Member.id).where(
                Vote.poll_id == meeting.poll_id, Vote.option_index == meeting.chosen_index,
                Member.left_at.is_(None)).order_by(Member.id))).all()
            creator = await session.get(Member, meeting.creator_member_id) if meeting.creator_member_id else None
            source = self.core.language_of(creator, community)  # the title's language is not recorded
            await self.core.deliveries.enqueue(
                session, community, coming, topic="meeting.reminder", subject=f"meeting:{meeting.id}:reminders",
                cause=f"meeting:{meeting.id}:remind:{int(chosen.timestamp())}:{job_ctx.job_id}",
                reach=Reach.PERSONAL, expires_at=chosen,
                content=Content(body=Phrase.of(MSG_REMINDER, title=Written(meeting.title, source), when=When(chosen))))
        await self.core.db.write_retrying(work)

    async def export_member(self, session: AsyncSession, member: Member) -> dict[str, Any]:
        meetings = (await session.scalars(select(Meeting).where(Meeting.creator_member_id == member.id))).all()
        return {"meetings_proposed": [{"meeting": m.id, "title": m.title} for m in meetings]}

    async def delete_member(self, session: AsyncSession, member: Member) -> None:
        await session.execute(update(Meeting).where(Meeting.creator_member_id == member.id)
                              .values(creator_member_id=None))


class ZoneOf:
    @staticmethod
    def community(core: Services, community: Community) -> Any:
        return core.zone_of(None, community)
