"""Committee tasks with owners, due-time reminders and overdue nudges in the owner's language.

Everything the owner is told ("this task is yours", the reminder, the overdue nudge) goes
through the delivery service, so it respects their quiet hours and time zone. The timers
stay jobs: they read the task when they fire, so a task done or given to someone else
meanwhile tells nobody.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.api import jobs as jobqueue
from bot.api.cog import Cog, command, job
from bot.api.commands import Choice, OptionSpec, OptionType
from bot.api.context import Context
from bot.api.errors import UserError
from bot.api.jobs import JobContext
from bot.api.messages import Message
from bot.api.refs import UserRef
from bot.api.roles import ORGANISERS, Role
from bot.api.when import format_when, future_time
from bot.db.models import Community, Member
from bot.delivery import Content, Phrase, Reach, When, Written
from bot.delivery.content import Param
from bot.i18n import N_
from cogs.committee.models import Task

#: the answer for a number that names no task (also past the database's range)
NO_SUCH_TASK = N_("There is no task #{id} here.")

REMIND_BEFORE = timedelta(hours=24)

MSG_REMINDER = N_("Reminder: task #{id} \"{title}\" is due {when}.")
MSG_OVERDUE = N_("Task #{id} \"{title}\" is overdue. Use /task done id:{id} when it is finished, or ask the "
                 "committee for help.")
MSG_ASSIGNED = N_("{name} gave you task #{id} \"{title}\".")
MSG_ASSIGNED_DUE = N_("{name} gave you task #{id} \"{title}\", due {when}.")


def subject_of(task_id: int) -> str:
    return f"task:{task_id}"


def title_of(task: Task, source: str) -> Written:
    """A task's title is a person's words, translated for the reader."""
    return Written(task.title, source)


class TasksCog(Cog):
    name = "tasks"
    personal_data_models = (Task,)

    async def _owner(self, ctx: Context, user: UserRef) -> Member:
        community = ctx.require_community()
        info = await ctx.outbound.lookup_member(self.core.community_ref(community), user)
        if info is None or not info.in_community:
            raise UserError("That person is not a member of this community.")
        return await self.core.ensure_member_from(community, user, info)

    async def _schedule(self, session: AsyncSession, task: Task) -> None:
        await jobqueue.cancel(session, f"task:{task.id}:")
        if task.due_at is None or task.owner_member_id is None:
            return
        now = self.core.clock.now()
        stamp = int(task.due_at.timestamp())
        if task.due_at - REMIND_BEFORE > now:
            await self.core.schedule(session, "task.remind", {"task": task.id}, task.due_at - REMIND_BEFORE,
                                     dedupe_key=f"task:{task.id}:remind:{stamp}:{task.owner_member_id}")
        await self.core.schedule(session, "task.overdue", {"task": task.id}, task.due_at + timedelta(minutes=1),
                                 dedupe_key=f"task:{task.id}:overdue:{stamp}:{task.owner_member_id}")

    @command("task add", "Add a committee task",
             OptionSpec("title", "What needs doing", required=True),
             OptionSpec("owner", "Who does it", type=OptionType.USER),
             OptionSpec("due", "When it is due, e.g. \"Friday 5pm\""), allowed=ORGANISERS)
    async def add(self, ctx: Context, title: str, owner: UserRef | None = None, due: str | None = None) -> None:
        community, member = ctx.require_community(), ctx.require_member()
        owner_row = await self._owner(ctx, owner) if owner else None
        due_at = None
        if due:
            due_at = future_time(due, ctx.language, self.core.zone_of(member, community), ctx.now)
        async with ctx.write() as session:
            task = Task(community_id=community.id, title=title.strip()[:300], creator_member_id=member.id,
                        owner_member_id=owner_row.id if owner_row else None, due_at=due_at, status="open",
                        created_at=ctx.now)
            session.add(task)
            await session.flush()
            await self._schedule(session, task)
            if owner_row is not None:
                await self._tell_owner(session, community, task, owner_row, member, ctx.event.key)
        await ctx.reply("Task #{id} added.", id=task.id)

    async def _task(self, ctx: Context, task_id: int) -> Task:
        async with self.core.db.read() as session:
            task = await session.get(Task, task_id)
        if task is None or task.community_id != ctx.require_community().id:
            raise UserError("There is no task #{id} here.", id=task_id)
        return task

    @command("task done", "Mark a task as done",
             OptionSpec("id", "Task number", type=OptionType.INTEGER, missing=NO_SUCH_TASK, required=True))
    async def done(self, ctx: Context, id: int) -> None:
        task = await self._task(ctx, id)
        member = ctx.require_member()
        if task.owner_member_id != member.id and not ctx.has_role(Role.COMMITTEE, Role.TEACHER):
            raise UserError("Only the task's owner or the committee can do that.")
        async with ctx.write() as session:
            await session.execute(update(Task).where(Task.id == task.id).values(status="done", done_at=ctx.now))
            await jobqueue.cancel(session, f"task:{task.id}:")
            await self.core.deliveries.cancel(session, subject_of(task.id))  # a reminder held by quiet hours
        await ctx.reply("Task #{id} is done. Thank you!", id=task.id)

    @command("task assign", "Give a task to someone",
             OptionSpec("id", "Task number", type=OptionType.INTEGER, missing=NO_SUCH_TASK, required=True),
             OptionSpec("owner", "The new owner", type=OptionType.USER, required=True), allowed=ORGANISERS)
    async def assign(self, ctx: Context, id: int, owner: UserRef) -> None:
        task = await self._task(ctx, id)
        owner_row = await self._owner(ctx, owner)
        async with ctx.write() as session:
            fresh = await session.get(Task, task.id)
            assert fresh is not None
            changed = fresh.owner_member_id != owner_row.id
            fresh.owner_member_id = owner_row.id
            await self._schedule(session, fresh)
            if changed:
                await self.core.deliveries.cancel(session, subject_of(task.id))  # the old owner's reminders
                await self._tell_owner(session, ctx.require_community(), fresh, owner_row, ctx.require_member(),
                                       ctx.event.key)
        await ctx.reply("Task #{id} now belongs to {name}.", id=task.id, name=owner_row.display_name)

    @command("tasks", "Committee tasks",
             OptionSpec("which", "mine or all", choices=(Choice("mine", "mine"), Choice("all", "all"))))
    async def list_tasks(self, ctx: Context, which: str = "mine") -> None:
        community, member = ctx.require_community(), ctx.require_member()
        query = (select(Task, Member.display_name).outerjoin(Member, Member.id == Task.owner_member_id)
                 .where(Task.community_id == community.id, Task.status == "open").order_by(Task.due_at, Task.id))
        if which == "mine":
            query = query.where(Task.owner_member_id == member.id)
        async with self.core.db.read() as session:
            rows = (await session.execute(query)).all()
        if not rows:
            await ctx.reply("No open tasks.")
            return
        zone = self.core.zone_of(member, community)
        lines = [await ctx.t("Open tasks:")]
        for task, owner in rows:
            due = f" — {format_when(task.due_at, ctx.language, zone)}" if task.due_at else ""
            lines.append(f"#{task.id} {task.title} — {owner or '—'}{due}")
        await ctx.reply_message(Message(text="\n".join(lines)))

    async def _source(self, session: AsyncSession, task: Task, community: Community) -> str:
        """The language a title was written in is not recorded: the creator's language
        (the one they use Homeroom in) is the best guess, else the community's."""
        creator = await session.get(Member, task.creator_member_id) if task.creator_member_id else None
        return self.core.language_of(creator, community)

    async def _load(self, session: AsyncSession, task_id: int) -> tuple[Task, Member, Community] | None:
        """The task, its owner and community when a timer still has someone to tell."""
        task = await session.get(Task, task_id)
        if task is None or task.status != "open" or task.owner_member_id is None or task.due_at is None:
            return None
        owner = await session.get(Member, task.owner_member_id)
        community = await session.get(Community, task.community_id)
        if owner is None or community is None or owner.left_at is not None:
            return None
        return task, owner, community

    @job("task.remind")
    async def remind(self, job_ctx: JobContext) -> None:
        """A day before the due time: the owner's reminder, held through their quiet hours
        and dropped if those end after the task fell due (the overdue nudge follows then)."""
        await self._nudge_owner(job_ctx.payload["task"], "task.reminder", "remind", MSG_REMINDER, until_due=True)

    @job("task.overdue")
    async def overdue(self, job_ctx: JobContext) -> None:
        """Past the due time: one nudge to the owner, when their quiet hours allow."""
        await self._nudge_owner(job_ctx.payload["task"], "task.overdue", "overdue", MSG_OVERDUE, until_due=False)

    async def _nudge_owner(self, task_id: int, topic: str, stage: str, msgid: str, *, until_due: bool) -> None:
        """Queue a timer's message to the task's owner (once per task, stage and due time);
        ``until_due``: it is pointless once the task is due."""
        async def work(session: AsyncSession) -> None:
            loaded = await self._load(session, task_id)
            if loaded:
                task, owner, community = loaded
                assert task.due_at is not None
                title = title_of(task, await self._source(session, task, community))
                await self.core.deliveries.enqueue(
                    session, community, [owner], topic=topic,
                    subject=subject_of(task.id), cause=f"task:{task.id}:{stage}:{int(task.due_at.timestamp())}",
                    reach=Reach.PERSONAL, expires_at=task.due_at if until_due else None,
                    content=Content(body=Phrase.of(msgid, id=task.id, title=title, when=When(task.due_at))))
        await self.core.db.write_retrying(work)

    async def _tell_owner(self, session: AsyncSession, community: Community, task: Task, owner: Member,
                          by: Member, cause: str) -> None:
        """The new owner hears that the task is theirs (not when they gave it to themselves)."""
        if owner.id == by.id:
            return
        params: dict[str, Param] = {"id": task.id, "title": title_of(task, self.core.language_of(by, community)),
                                    "name": by.display_name or "?"}
        if task.due_at is not None:
            params["when"] = When(task.due_at)
        await self.core.deliveries.enqueue(
            session, community, [owner], topic="task.assigned", subject=subject_of(task.id),
            cause=f"task:{task.id}:assigned:{cause}", reach=Reach.PERSONAL, sender=by,
            content=Content(body=Phrase.of(MSG_ASSIGNED_DUE if task.due_at else MSG_ASSIGNED, **params)))

    async def export_member(self, session: AsyncSession, member: Member) -> dict[str, Any]:
        tasks = (await session.scalars(select(Task).where(
            (Task.owner_member_id == member.id) | (Task.creator_member_id == member.id)))).all()
        return {"tasks": [{"task": t.id, "title": t.title, "status": t.status,
                           "yours": t.owner_member_id == member.id,
                           "due": t.due_at.isoformat() if t.due_at else None} for t in tasks]}

    async def delete_member(self, session: AsyncSession, member: Member) -> None:
        await session.execute(update(Task).where(Task.owner_member_id == member.id).values(owner_member_id=None))
        await session.execute(update(Task).where(Task.creator_member_id == member.id).values(creator_member_id=None))
