"""Committee tasks with owners, due-time reminders and overdue nudges in the owner's language."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot import jobs as jobqueue
from bot.cog import Cog, command, job
from bot.commands import Choice, OptionSpec, OptionType
from bot.core import Context
from bot.db.models import Community, Member
from bot.errors import UserError
from bot.jobs import JobContext
from bot.messages import Message
from bot.refs import UserRef
from bot.roles import ORGANISERS, Role
from bot.when import format_when, future_time
from cogs.committee.models import Task

REMIND_BEFORE = timedelta(hours=24)


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
        await ctx.reply("Task #{id} added.", id=task.id)

    async def _task(self, ctx: Context, task_id: int) -> Task:
        async with self.core.db.read() as session:
            task = await session.get(Task, task_id)
        if task is None or task.community_id != ctx.require_community().id:
            raise UserError("There is no task #{id} here.", id=task_id)
        return task

    @command("task done", "Mark a task as done",
             OptionSpec("id", "Task number", type=OptionType.INTEGER, required=True))
    async def done(self, ctx: Context, id: int) -> None:
        task = await self._task(ctx, id)
        member = ctx.require_member()
        if task.owner_member_id != member.id and not ctx.has_role(Role.COMMITTEE, Role.TEACHER):
            raise UserError("Only the task's owner or the committee can do that.")
        async with ctx.write() as session:
            await session.execute(update(Task).where(Task.id == task.id).values(status="done", done_at=ctx.now))
            await jobqueue.cancel(session, f"task:{task.id}:")
        await ctx.reply("Task #{id} is done. Thank you!", id=task.id)

    @command("task assign", "Give a task to someone",
             OptionSpec("id", "Task number", type=OptionType.INTEGER, required=True),
             OptionSpec("owner", "The new owner", type=OptionType.USER, required=True), allowed=ORGANISERS)
    async def assign(self, ctx: Context, id: int, owner: UserRef) -> None:
        task = await self._task(ctx, id)
        owner_row = await self._owner(ctx, owner)
        async with ctx.write() as session:
            fresh = await session.get(Task, task.id)
            assert fresh is not None
            fresh.owner_member_id = owner_row.id
            await self._schedule(session, fresh)
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

    async def _load(self, task_id: int) -> tuple[Task, Member, Community] | None:
        async with self.core.db.read() as session:
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
        loaded = await self._load(job_ctx.payload["task"])
        if loaded:
            task, owner, community = loaded
            assert task.due_at is not None
            lang, zone = self.core.language_of(owner, community), self.core.zone_of(owner, community)
            when = format_when(task.due_at, lang, zone)
            await self.core.notify(community, owner, "Reminder: task #{id} \"{title}\" is due {when}.", id=task.id,
                                   title=task.title, when=when)

    @job("task.overdue")
    async def overdue(self, job_ctx: JobContext) -> None:
        loaded = await self._load(job_ctx.payload["task"])
        if loaded:
            task, owner, community = loaded
            await self.core.notify(community, owner, "Task #{id} \"{title}\" is overdue. Use /task done id:{id} when "
                                   "it is finished, or ask the committee for help.", id=task.id, title=task.title)

    async def export_member(self, session: AsyncSession, member: Member) -> dict[str, Any]:
        tasks = (await session.scalars(select(Task).where(
            (Task.owner_member_id == member.id) | (Task.creator_member_id == member.id)))).all()
        return {"tasks": [{"task": t.id, "title": t.title, "status": t.status,
                           "yours": t.owner_member_id == member.id,
                           "due": t.due_at.isoformat() if t.due_at else None} for t in tasks]}

    async def delete_member(self, session: AsyncSession, member: Member) -> None:
        await session.execute(update(Task).where(Task.owner_member_id == member.id).values(owner_member_id=None))
        await session.execute(update(Task).where(Task.creator_member_id == member.id).values(creator_member_id=None))
