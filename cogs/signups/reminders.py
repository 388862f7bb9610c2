"""Timers of a sign-up: reminders before the event and the automatic close.

They are durable jobs whose dedupe key carries the sign-up and the moment, so scheduling
twice is harmless and a changed time cancels exactly the old reminders (by key prefix) and
schedules new ones. Recipients are read when the reminder fires, so whoever is confirmed
then (and still in the community) is reminded, through the delivery service: in their own
language and time zone, never in their quiet hours, and never after the event began.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.api import jobs as jobqueue
from bot.api.durations import parse_duration
from bot.api.errors import UserError
from bot.api.services import Services
from bot.db.models import Community, Member
from bot.delivery import Content, Phrase, Reach, When, Written
from bot.i18n import N_
from cogs.signups.models import Claim, Signup, Slot
from cogs.signups.notices import files_field, slot_label, title_of

REMIND_JOB = "signup.remind"
CLOSE_JOB = "signup.close"
#: an old job kind: rows queued by an earlier release become deliveries (:func:`legacy_remind_one`)
REMIND_ONE_JOB = "signup.remind-one"
MSG_REMINDER = N_("Reminder: you signed up for {slot} on \"{title}\", {when}.")


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


async def schedule_timers(core: Services, session: AsyncSession, signup: Signup, now: datetime) -> None:
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


async def reschedule_reminders(core: Services, session: AsyncSession, signup: Signup, now: datetime) -> None:
    """The event moved: drop the old reminders (also those held by quiet hours), schedule the new ones."""
    await jobqueue.cancel(session, remind_prefix(signup.id))
    await core.deliveries.cancel(session, reminder_subject(signup.id))
    await schedule_timers(core, session, signup, now)


async def fan_out_reminders(core: Services, signup_id: int, offset_seconds: int) -> None:
    """A reminder moment arrived: one delivery per confirmed volunteer and slot, for whoever
    is confirmed now and still in the community, keyed by moment, family and slot so a retry
    reminds nobody twice. The service holds it through the family's quiet hours, and drops
    it (or puts it in a digest reader's digest) when they end after the event began."""
    async def work(session: AsyncSession) -> None:
        signup = await session.get(Signup, signup_id)
        if signup is None or signup.status == "cancelled" or signup.when_at is None:
            return
        if signup.when_at <= core.clock.now():
            return  # fell due while the bot was down and the event has begun: too late to remind
        rows = (await session.execute(
            select(Member, Slot).join(Claim, Claim.member_id == Member.id).join(Slot, Slot.id == Claim.slot_id)
            .where(Claim.signup_id == signup_id, Claim.status == "confirmed", Member.left_at.is_(None))
            .order_by(Claim.claimed_at, Claim.id))).all()
        community = await session.get(Community, signup.community_id)
        if community is None:
            return
        stamp = int(signup.when_at.timestamp()) - offset_seconds
        await queue_reminders(core, session, community, signup, [
            (member, slot, f"signup:{signup_id}:remind-one:{stamp}:{member.id}:{slot.id}") for member, slot in rows])

    await core.db.write_retrying(work)


def reminder_subject(signup_id: int) -> str:
    """Reminders of one sign-up, withdrawn together when it is cancelled or moves."""
    return f"signup:{signup_id}:reminders"


async def queue_reminders(core: Services, session: AsyncSession, community: Community, signup: Signup,
                          items: Sequence[tuple[Member, Slot, str]]) -> None:
    """Queue (volunteer, slot, cause) reminders in one statement, each expiring when the event begins."""
    assert signup.when_at is not None
    when = signup.when_at
    await core.deliveries.enqueue_each(session, community, [
        (member, Content(body=Phrase.of(MSG_REMINDER, slot=Written(slot_label(slot), signup.language),
                                        title=title_of(signup), when=When(when)), fields=files_field(signup)), cause)
        for member, slot, cause in items],
        topic="signup.reminder", subject=reminder_subject(signup.id), reach=Reach.PERSONAL, expires_at=when)


async def legacy_remind_one(core: Services, signup_id: int, member_id: int, job_id: int) -> None:
    """A ``signup.remind-one`` job queued by an earlier release: the family's reminder
    becomes a delivery (skipped when they are no longer confirmed or the event began)."""
    async def work(session: AsyncSession) -> None:
        signup = await session.get(Signup, signup_id)
        member = await session.get(Member, member_id)
        community = await session.get(Community, signup.community_id) if signup else None
        if signup is None or member is None or community is None or signup.status == "cancelled" \
                or signup.when_at is None or signup.when_at <= core.clock.now() or member.left_at is not None:
            return
        slots = (await session.scalars(select(Slot).join(Claim, Claim.slot_id == Slot.id).where(
            Claim.signup_id == signup_id, Claim.member_id == member_id, Claim.status == "confirmed"))).all()
        await queue_reminders(core, session, community, signup, [
            (member, slot, f"signup:{signup_id}:remind-legacy:{job_id}:{slot.id}") for slot in slots])

    await core.db.write_retrying(work)
