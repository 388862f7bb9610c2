"""Timers of a sign-up: reminders before the event and the automatic close.

They are durable jobs whose dedupe key carries the sign-up and the moment, so scheduling
twice is harmless and a changed time cancels exactly the old reminders (by key prefix) and
schedules new ones. Recipients are read when the reminder fires, so whoever is confirmed
then (and still in the community) is reminded, in their own language and time zone.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import jobs as jobqueue
from bot.core import Core
from bot.db.models import Community, Member
from bot.durations import parse_duration
from bot.errors import UserError
from bot.when import format_when
from cogs.signups.models import Claim, Signup, Slot
from cogs.signups.notices import slot_label

REMIND_JOB = "signup.remind"
CLOSE_JOB = "signup.close"
REMIND_ONE_JOB = "signup.remind-one"


def parse_offsets(text: str) -> list[timedelta]:
    """"24h,1h" -> [24 h, 1 h]; a kind error naming the expected form otherwise."""
    offsets = []
    for part in text.split(","):
        if not part.strip():
            continue
        parsed = parse_duration(part)
        if parsed is None or parsed <= timedelta(0):
            raise UserError("I couldn't read the reminders \"{text}\". Write durations like \"24h,1h\".", text=text)
        offsets.append(parsed)
    return offsets


def remind_prefix(signup_id: int) -> str:
    return f"signup:{signup_id}:remind:"


async def schedule_timers(core: Core, session: AsyncSession, signup: Signup, now: datetime) -> None:
    """Reminders still ahead of ``now`` and the close job, inside the caller's transaction."""
    if signup.when_at:
        for offset in parse_offsets(signup.reminders):
            at = signup.when_at - offset
            if at > now:
                await core.schedule(session, REMIND_JOB, {"signup": signup.id, "offset": int(offset.total_seconds())},
                                    at, dedupe_key=f"{remind_prefix(signup.id)}{int(at.timestamp())}")
    if signup.closes_at:
        await core.schedule(session, CLOSE_JOB, {"signup": signup.id}, signup.closes_at,
                            dedupe_key=f"signup:{signup.id}:close:{int(signup.closes_at.timestamp())}")


async def reschedule_reminders(core: Core, session: AsyncSession, signup: Signup, now: datetime) -> None:
    """The event moved: drop the old reminders, schedule the new ones."""
    await jobqueue.cancel(session, remind_prefix(signup.id))
    await schedule_timers(core, session, signup, now)


async def fan_out_reminders(core: Core, signup_id: int, offset_seconds: int) -> None:
    """A reminder moment arrived: one job per confirmed volunteer still in the community,
    so a failure half-way never reminds anyone twice (each job is keyed by family)."""
    async def work(session: AsyncSession) -> None:
        signup = await session.get(Signup, signup_id)
        if signup is None or signup.status == "cancelled" or signup.when_at is None:
            return
        if signup.when_at <= core.clock.now():
            return  # fell due while the bot was down and the event has begun: too late to remind
        members = (await session.scalars(
            select(Claim.member_id).join(Member, Member.id == Claim.member_id)
            .where(Claim.signup_id == signup_id, Claim.status == "confirmed", Member.left_at.is_(None))
            .order_by(Claim.claimed_at, Claim.id))).all()
        stamp = int(signup.when_at.timestamp()) - offset_seconds
        now = core.clock.now()
        for member_id in members:
            await core.schedule(session, REMIND_ONE_JOB, {"signup": signup_id, "member": member_id}, now,
                                dedupe_key=f"signup:{signup_id}:remind-one:{stamp}:{member_id}")

    await core.db.write_retrying(work)


async def send_reminder(core: Core, signup_id: int, member_id: int) -> None:
    """One volunteer's reminder, in their language and zone (skipped if no longer confirmed)."""
    async with core.db.read() as session:
        signup = await session.get(Signup, signup_id)
        member = await session.get(Member, member_id)
        row = await session.execute(select(Slot).join(Claim, Claim.slot_id == Slot.id).where(
            Claim.signup_id == signup_id, Claim.member_id == member_id, Claim.status == "confirmed"))
        slots = list(row.scalars().all())
        community = await session.get(Community, member.community_id) if member else None
    if signup is None or signup.status == "cancelled" or signup.when_at is None or member is None \
            or community is None or member.left_at is not None or signup.when_at <= core.clock.now():
        return
    when = format_when(signup.when_at, core.language_of(member, community), core.zone_of(member, community))
    for slot in slots:
        await core.notify(community, member, "Reminder: you signed up for {slot} on \"{title}\", {when}.",
                          slot=slot_label(slot), title=signup.title, when=when)
