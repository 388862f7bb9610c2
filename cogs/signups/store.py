"""The sign-up transactions. Every change runs under a lock on the sign-up row (``FOR
UPDATE`` on PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` already serialises writers), so
capacity and per-family limits are checked and applied atomically even with several bot
processes on one database; a unique (slot, member) row makes double places impossible.

Why the sign-up row and not the slot row: ``per_family`` counts a family's places across
all slots of one sign-up, so two claims on different slots by the same family must also
be serialised. One lock per sign-up is also a single lock order (no deadlocks), and a
burst on one card is serialised by the database anyway. The confirmed count is read under
that lock, so "never more confirmed than capacity" holds; the check constraint on
``status`` and the unique (slot, member) constraint hold the rest even against a bug here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.engine import lock_row
from cogs.signups.models import Claim, Signup, Slot


@dataclass(frozen=True)
class Change:
    """One family's new state on one slot. ``kind``: confirmed, waitlisted, cancelled,
    promoted (from the waitlist), left_waitlist."""

    member_id: int
    slot_id: int
    kind: str
    position: int | None = None


class Refused(Exception):
    def __init__(self, reason: str, **params: object) -> None:
        super().__init__(reason)
        self.reason = reason
        self.params = params


async def lock_signup(session: AsyncSession, signup_id: int) -> Signup | None:
    return await lock_row(session, Signup, signup_id)


async def waitlist_position(session: AsyncSession, claim: Claim) -> int:
    earlier = await session.scalar(select(func.count()).select_from(Claim).where(
        Claim.slot_id == claim.slot_id, Claim.status == "waitlisted",
        (Claim.claimed_at < claim.claimed_at) | ((Claim.claimed_at == claim.claimed_at) & (Claim.id < claim.id))))
    return int(earlier or 0) + 1


async def claim_slot(session: AsyncSession, signup: Signup, slot: Slot, member_id: int, at: datetime) -> list[Change]:
    """Give ``member_id`` a place (confirmed, or waitlisted when full). Already there: no change."""
    # One query answers both questions: which slots this family holds, and how full this slot is.
    rows = (await session.execute(select(Claim.slot_id, Claim.member_id, Claim.status).where(
        Claim.signup_id == signup.id,
        or_(Claim.member_id == member_id, and_(Claim.slot_id == slot.id, Claim.status == "confirmed"))))).all()
    held = {slot_id for slot_id, holder, _ in rows if holder == member_id}
    if slot.id in held:
        return []
    if len(held) >= signup.per_family:
        raise Refused("You can sign up for at most {limit} slot(s) on \"{title}\"; remove one of your "
                      "reactions first.", limit=signup.per_family, title=signup.title)
    confirmed = sum(1 for slot_id, _, status in rows if slot_id == slot.id and status == "confirmed")
    status = "confirmed" if confirmed < slot.capacity else "waitlisted"
    row = Claim(signup_id=signup.id, slot_id=slot.id, member_id=member_id, status=status, claimed_at=at)
    session.add(row)
    await session.flush()
    if status == "confirmed":
        return [Change(member_id, slot.id, "confirmed")]
    return [Change(member_id, slot.id, "waitlisted", await waitlist_position(session, row))]


async def release_slot(session: AsyncSession, slot: Slot, member_id: int) -> list[Change]:
    """Remove ``member_id``'s place; a freed confirmed place goes to the first on the waitlist."""
    existing = await session.scalar(select(Claim).where(Claim.slot_id == slot.id, Claim.member_id == member_id))
    if existing is None:
        return []
    was_confirmed = existing.status == "confirmed"
    await session.execute(delete(Claim).where(Claim.id == existing.id))
    changes = [Change(member_id, slot.id, "cancelled" if was_confirmed else "left_waitlist")]
    if was_confirmed:
        changes += await promote(session, slot)
    return changes


async def promote(session: AsyncSession, slot: Slot) -> list[Change]:
    """Fill free confirmed places from the waitlist, first come first served."""
    changes: list[Change] = []
    confirmed = int(await session.scalar(select(func.count()).select_from(Claim).where(
        Claim.slot_id == slot.id, Claim.status == "confirmed")) or 0)
    while confirmed < slot.capacity:
        first = await session.scalar(select(Claim).where(Claim.slot_id == slot.id, Claim.status == "waitlisted")
                                     .order_by(Claim.claimed_at, Claim.id).limit(1))
        if first is None:
            break
        first.status = "confirmed"
        await session.flush()
        confirmed += 1
        changes.append(Change(first.member_id, slot.id, "promoted"))
    return changes
