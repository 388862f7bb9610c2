"""Commands and the reminder job of the homework feature."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.api import jobs as jobqueue
from bot.api.cog import Cog, command, job
from bot.api.commands import OptionSpec, OptionType
from bot.api.context import Context
from bot.api.errors import UserError
from bot.api.jobs import JobContext
from bot.api.messages import Message
from bot.api.roles import STAFF
from bot.api.services import Services
from bot.api.settings_time import parse_clock
from bot.api.when import format_day, format_when, parse_when
from bot.api.when_phrases import examples
from bot.db.models import Community, Member
from bot.delivery import Content, Phrase, Reach, When, Written
from bot.i18n import N_, P_
from cogs.homework.config import Section
from cogs.homework.models import Assignment

REMIND_JOB = "homework.remind"
MAX_TITLE = 200
MAX_DETAILS = 1500
MSG_REMINDER_TITLE = N_("Homework due tomorrow")
MSG_REMINDER = N_("Reminder: \"{title}\" is due {day}.")


def subject_of(assignment_id: int) -> str:
    """The reminders of one assignment, withdrawn together when it is removed."""
    return f"homework:{assignment_id}"


class HomeworkCog(Cog):
    name = "homework"
    personal_data_models = (Assignment,)

    def __init__(self, core: Services) -> None:
        super().__init__(core)
        self.settings: Section = core.config.section("homework")

    # ----- when ---------------------------------------------------------------------------
    def _zone(self, community: Community) -> ZoneInfo:
        return self.core.zone_of(None, community)

    def _reminder_at(self, due_on: date, zone: ZoneInfo, now: datetime) -> datetime | None:
        """The evening before the due day at the configured time; at once when that evening
        has passed but the day has not come; None when the day is here."""
        if due_on <= now.astimezone(zone).date():
            return None
        evening = datetime.combine(due_on - timedelta(days=1), parse_clock(self.settings.reminder_time), tzinfo=zone)
        return max(evening, now)

    def _due_day(self, text: str, ctx: Context, zone: ZoneInfo) -> date:
        moment = parse_when(text, ctx.language, zone, ctx.now)
        if moment is None:
            raise UserError("I couldn't read the due date \"{due}\". Try for example {examples}.", due=text,
                            examples=examples(ctx.language))
        due_on = moment.astimezone(zone).date()
        today = ctx.now.astimezone(zone).date()
        if due_on < today:
            raise UserError("{day} is in the past. Please choose a due date from today on.",
                            day=format_day(moment, ctx.language, zone))
        if due_on > today + timedelta(days=self.settings.horizon_days):
            raise UserError(P_("{day} is more than {count} day away. Please check the due date.",
                               "{day} is more than {count} days away. Please check the due date."),
                            day=format_day(moment, ctx.language, zone), count=self.settings.horizon_days)
        return due_on

    # ----- commands -----------------------------------------------------------------------
    @command("homework add", "Post homework; families are reminded the evening before it is due",
             OptionSpec("title", "What the homework is", required=True),
             OptionSpec("due", "When it is due, e.g. \"Friday\" or \"2026-10-02\"", required=True),
             OptionSpec("details", "Anything families should know", long=True),
             allowed=STAFF)
    async def add(self, ctx: Context, title: str, due: str, details: str | None = None) -> None:
        community, member = ctx.require_community(), ctx.require_member()
        title, details = title.strip(), (details or "").strip()
        if not title or len(title) > MAX_TITLE:
            raise UserError("A homework title must be 1 to {max} characters long.", max=MAX_TITLE)
        if len(details) > MAX_DETAILS:
            raise UserError("The details are {length} characters; please keep them under {max}.",
                            length=len(details), max=MAX_DETAILS)
        zone = self._zone(community)
        due_on = self._due_day(due, ctx, zone)
        remind_at = self._reminder_at(due_on, zone, ctx.now)
        async with ctx.write() as session:
            row = Assignment(community_id=community.id, author_member_id=member.id, title=title, details=details,
                             language=ctx.language, due_on=due_on, created_at=ctx.now)
            session.add(row)
            await session.flush()
            if remind_at is not None:
                await self.core.schedule(session, REMIND_JOB, {"id": row.id}, remind_at,
                                         dedupe_key=f"{subject_of(row.id)}:remind")
        day = format_day(self._day_moment(due_on, zone), ctx.language, zone)
        if remind_at is None:
            await ctx.reply("Homework #{id} \"{title}\" is due {day}, today: no reminder will be sent.",
                            id=row.id, title=title, day=day)
            return
        await ctx.reply("Homework #{id} \"{title}\" is due {day}. Families will be reminded {when}.",
                        id=row.id, title=title, day=day, when=format_when(remind_at, ctx.language, zone))

    @command("homework list", "What homework is due")
    async def list_due(self, ctx: Context) -> None:
        community = ctx.require_community()
        zone = self._zone(community)
        today = ctx.now.astimezone(zone).date()
        async with self.core.db.read() as session:
            rows = (await session.scalars(select(Assignment).where(
                Assignment.community_id == community.id, Assignment.removed_at.is_(None),
                Assignment.due_on >= today).order_by(Assignment.due_on, Assignment.id)
                .limit(self.settings.list_limit))).all()
        if not rows:
            await ctx.reply("No homework is due.")
            return
        lines = [await ctx.t("Homework due:")]
        for row in rows:
            title, _ = await self.core.translated(row.title, ctx.language, source=row.language,
                                                  community_id=community.id)
            day = format_day(self._day_moment(row.due_on, zone), ctx.language, zone)
            lines.append(await ctx.t("#{id} {title}: due {day}", id=row.id, title=title, day=day))
            if row.details:
                details, _ = await self.core.translated(row.details, ctx.language, source=row.language,
                                                        community_id=community.id)
                lines.append(f"    {details}")
        await ctx.reply_message(Message(text="\n".join(lines)))

    @command("homework remove", "Take homework back (its reminder is not sent)",
             OptionSpec("id", "The homework number", type=OptionType.INTEGER, required=True, min_value=1),
             allowed=STAFF)
    async def remove(self, ctx: Context, id: int) -> None:
        community = ctx.require_community()
        async with ctx.write() as session:
            row = await session.get(Assignment, id)
            if row is None or row.community_id != community.id or row.removed_at is not None:
                raise UserError("There is no homework #{id}.", id=id)
            row.removed_at = ctx.now
            await jobqueue.cancel(session, f"{subject_of(id)}:")
            await self.core.deliveries.cancel(session, subject_of(id))
        await ctx.reply("Homework #{id} was removed; families will not be reminded of it.", id=id)

    # ----- the reminder -------------------------------------------------------------------
    @staticmethod
    def _day_moment(day: date, zone: ZoneInfo) -> datetime:
        """Noon of ``day`` in the class's zone: the day shows as the same day in any nearby zone."""
        return datetime.combine(day, time(12, 0), tzinfo=zone)

    @job(REMIND_JOB)
    async def remind(self, job_ctx: JobContext) -> None:
        """One reminder per family, keyed by assignment and family: a retried job reminds
        nobody twice. Held through a family's quiet hours; pointless (dropped) once the due day
        is over."""
        async def work(session: AsyncSession) -> None:
            row = await session.get(Assignment, job_ctx.payload["id"])
            community = await session.get(Community, row.community_id) if row else None
            if row is None or community is None or row.removed_at is not None:
                return
            zone = self._zone(community)
            if row.due_on < job_ctx.now.astimezone(zone).date():
                return  # fell due while the bot was down and the day is over
            families = await self.core.families.audience(session, community.id)  # every guardian, in their language
            body = Phrase(msgid=MSG_REMINDER, params={
                "title": Written(row.title, row.language), "day": When(self._day_moment(row.due_on, zone), True)},
                written=Written(row.details, row.language) if row.details else None)
            end_of_day = datetime.combine(row.due_on + timedelta(days=1), time(0, 0), tzinfo=zone)
            await self.core.deliveries.enqueue(
                session, community, families, content=Content(title=Phrase.of(MSG_REMINDER_TITLE), body=body),
                cause=f"{subject_of(row.id)}:remind:{row.due_on.isoformat()}", topic="homework.reminder",
                subject=subject_of(row.id), reach=Reach.PERSONAL, expires_at=end_of_day)

        await self.core.db.write_retrying(work)

    # ----- privacy ------------------------------------------------------------------------
    async def export_member(self, session: AsyncSession, member: Member) -> dict[str, Any]:
        rows = (await session.scalars(select(Assignment).where(Assignment.author_member_id == member.id)
                                      .order_by(Assignment.id))).all()
        if not rows:
            return {}
        return {"homework_posted": [{"id": row.id, "title": row.title, "details": row.details,
                                     "due_on": row.due_on.isoformat(), "posted_at": row.created_at.isoformat()}
                                    for row in rows]}

    async def delete_member(self, session: AsyncSession, member: Member) -> None:
        """The homework stays for the class; who posted it is forgotten."""
        await session.execute(update(Assignment).where(Assignment.author_member_id == member.id)
                              .values(author_member_id=None))
