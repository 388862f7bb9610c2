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

The rules live in :class:`Ledger`: under the lock it loads the places a unit of work can
touch (every place on the slots involved, every place of the families involved), applies
claims and cancellations in memory in arrival order, and writes the difference back in a
few statements. One change or a burst of them (:mod:`cogs.signups.batch`) follow the same
rules through the same code.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.engine import lock_row
from bot.i18n import N_
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


PER_FAMILY_LIMIT = N_("You can sign up for at most {limit} slot(s) on \"{title}\"; remove one of your "
                      "reactions first.")


async def lock_signup(session: AsyncSession, signup_id: int) -> Signup | None:
    return await lock_row(session, Signup, signup_id)


@dataclass
class Place:
    """A place as the ledger sees it. ``id`` is None until written; ``arrival`` orders
    places made in this unit of work after every stored one (stored ids were all taken
    under the same lock, so they are smaller than any id a new place will get)."""

    id: int | None
    slot_id: int
    member_id: int | None
    status: str
    claimed_at: datetime
    arrival: int = 0
    stored_status: str | None = None

    def queue_key(self) -> tuple[datetime, int, int]:
        return (self.claimed_at, 0 if self.id is not None else 1, self.id or self.arrival)


class Ledger:
    """The places one unit of work can touch on one sign-up, changed in memory, written back
    by :meth:`flush`. Load it under the sign-up lock."""

    def __init__(self, signup: Signup, places: list[Place]) -> None:
        self.signup = signup
        self.places = places
        self._removed: list[int] = []
        self._arrivals = itertools.count(1)
        self._flushed = False

    @classmethod
    async def load(cls, session: AsyncSession, signup: Signup, slot_ids: Iterable[int],
                   member_ids: Iterable[int]) -> Ledger:
        slot_ids, member_ids = sorted(set(slot_ids)), sorted(set(member_ids))
        rows = (await session.execute(select(Claim.id, Claim.slot_id, Claim.member_id, Claim.status,
                                             Claim.claimed_at).where(
            Claim.signup_id == signup.id, or_(Claim.slot_id.in_(slot_ids), Claim.member_id.in_(member_ids))))).all()
        return cls(signup, [Place(id=row.id, slot_id=row.slot_id, member_id=row.member_id, status=row.status,
                                  claimed_at=row.claimed_at, stored_status=row.status) for row in rows])

    def _on_slot(self, slot_id: int, status: str) -> list[Place]:
        return sorted((p for p in self.places if p.slot_id == slot_id and p.status == status),
                      key=Place.queue_key)

    def claim(self, slot: Slot, member_id: int, at: datetime) -> list[Change]:
        """Give ``member_id`` a place (confirmed, or waitlisted when full). Already there: no
        change. Over ``per_family``: :class:`Refused`."""
        held = {p.slot_id for p in self.places if p.member_id == member_id}
        if slot.id in held:
            return []
        if len(held) >= self.signup.per_family:
            raise Refused(PER_FAMILY_LIMIT, limit=self.signup.per_family, title=self.signup.title)
        full = len(self._on_slot(slot.id, "confirmed")) >= slot.capacity
        place = Place(id=None, slot_id=slot.id, member_id=member_id, status="waitlisted" if full else "confirmed",
                      claimed_at=at, arrival=next(self._arrivals))
        self.places.append(place)
        if not full:
            return [Change(member_id, slot.id, "confirmed")]
        return [Change(member_id, slot.id, "waitlisted", self._on_slot(slot.id, "waitlisted").index(place) + 1)]

    def holds(self, slot: Slot, member_id: int) -> bool:
        return any(p.slot_id == slot.id and p.member_id == member_id for p in self.places)

    def release(self, slot: Slot, member_id: int) -> list[Change]:
        """Remove ``member_id``'s place; a freed confirmed place goes to the first waiting."""
        place = next((p for p in self.places if p.slot_id == slot.id and p.member_id == member_id), None)
        if place is None:
            return []
        self.places.remove(place)
        if place.id is not None:
            self._removed.append(place.id)
        if place.status != "confirmed":
            return [Change(member_id, slot.id, "left_waitlist")]
        return [Change(member_id, slot.id, "cancelled"), *self._promote(slot)]

    def _promote(self, slot: Slot) -> list[Change]:
        free = slot.capacity - len(self._on_slot(slot.id, "confirmed"))
        changes = []
        for place in self._on_slot(slot.id, "waitlisted")[:max(0, free)]:
            place.status = "confirmed"
            if place.member_id is not None:
                changes.append(Change(place.member_id, slot.id, "promoted"))
        return changes

    async def flush(self, session: AsyncSession) -> None:
        """Write the difference: removed places, promotions, new places (in that order, so a
        family that left and came back within one unit of work does not meet itself). Once,
        at the end of the unit of work."""
        assert not self._flushed, "a ledger is written back once"
        self._flushed = True
        if self._removed:
            await session.execute(delete(Claim).where(Claim.id.in_(self._removed)))
        promoted = [p.id for p in self.places if p.id is not None and p.status != p.stored_status]
        if promoted:
            await session.execute(update(Claim).where(Claim.id.in_(promoted)).values(status="confirmed"))
        new = sorted((p for p in self.places if p.id is None), key=lambda p: p.arrival)
        if new:
            await session.execute(insert(Claim), [
                {"signup_id": self.signup.id, "slot_id": p.slot_id, "member_id": p.member_id, "status": p.status,
                 "claimed_at": p.claimed_at} for p in new])
