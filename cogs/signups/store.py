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

The rules live in :class:`Ledger`: under the lock it loads what a unit of work needs (counts
per slot and status, the families' own places, and a waitlist's head only when a place can
open), applies claims and cancellations in memory in arrival order, and writes the
difference back in a few statements. One change or a burst of them (:mod:`cogs.signups.batch`) follow the same
rules through the same code.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, delete, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.engine import lock_row
from bot.i18n import N_, P_
from cogs.signups.models import Claim, Signup, Slot


@dataclass(frozen=True)
class Change:
    """One family's new state on one slot. ``kind``: confirmed, waitlisted, cancelled,
    promoted (from the waitlist), left_waitlist, given_up (a family member's waitlist place
    given up so that another could take a free slot, see :mod:`cogs.signups.rules`)."""

    member_id: int
    slot_id: int
    kind: str
    position: int | None = None


class Refused(Exception):
    def __init__(self, reason: str, **params: object) -> None:
        super().__init__(reason)
        self.reason = reason
        self.params = params


PER_FAMILY_LIMIT = P_("You can sign up for at most {count} slot on \"{title}\"; remove your reaction first.",
                      "You can sign up for at most {count} slots on \"{title}\"; remove one of your reactions first.")
FAMILY_HOLDS = N_("Someone in your family already holds a place on \"{title}\" (at most {limit} per "
                    "family).")


async def lock_signup(session: AsyncSession, signup_id: int) -> Signup | None:
    return await lock_row(session, Signup, signup_id)


_COLUMNS = (Claim.id, Claim.slot_id, Claim.member_id, Claim.status, Claim.claimed_at)


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
    by :meth:`flush`. Load it under the sign-up lock.

    It keeps a count of every place per slot and status (capacity and waitlist positions
    are counts) and holds one by one only the places the rules may look at: the families'
    own, the waitlisted places that could come after a new one (usually none), and the head
    of a waitlist when a place may open. So a claim costs the same with 5 people on a slot
    or 5,000. A ledger made from a list of places (tests) takes the list as every place.
    """

    def __init__(self, signup: Signup, places: list[Place], *,
                 counts: Mapping[tuple[int, str], int] | None = None, complete_after: datetime | None = None,
                 known_heads: Mapping[int, tuple[datetime, int, int] | None] | None = None,
                 peers: Mapping[int, frozenset[int]] | None = None) -> None:
        self.signup = signup
        self.places = places
        #: who shares each member's "per family" limit (``core.families.sign_up_peers``)
        self.peers = dict(peers or {})
        #: live number of places per (slot, status), held here or not
        self._count: Counter[tuple[int, str]] = Counter(
            counts if counts is not None else [(p.slot_id, p.status) for p in places])
        #: every stored waitlisted place claimed after this moment is held (None: every one)
        self._complete_after = complete_after
        #: per slot whose stored waitlist is only partly held: the queue key up to which every
        #: stored waitlisted place is held (None: none of its head)
        self._known_heads = dict(known_heads or {})
        self._removed: list[int] = []
        self._arrivals = itertools.count(1)
        self._flushed = False

    @classmethod
    async def load(cls, session: AsyncSession, signup: Signup, slot_ids: Iterable[int],
                   member_ids: Iterable[int], *, since: datetime | None = None,
                   peers: Mapping[int, frozenset[int]] | None = None) -> Ledger:
        """What the rules need for claims made at ``since`` or later (None: at any time) and
        for cancellations by ``member_ids``, on ``slot_ids``: indexed queries whose cost does
        not grow with the people already on the slots (the head of a waitlist is read only
        when a place can open). ``peers``: for each member, everyone whose places count
        against the same family limit; their places are read too."""
        member_ids = set(member_ids).union(*(peers or {}).values())
        slot_ids, member_ids = sorted(set(slot_ids)), sorted(member_ids)
        counts: dict[tuple[int, str], int] = {}
        capacity: dict[int, int] = {}
        if slot_ids:
            for slot_id, slot_capacity, status, number in (await session.execute(
                    select(Slot.id, Slot.capacity, Claim.status, func.count(Claim.id))
                    .outerjoin(Claim, Claim.slot_id == Slot.id).where(Slot.id.in_(slot_ids))
                    .group_by(Slot.id, Slot.capacity, Claim.status))).all():
                capacity[slot_id] = slot_capacity
                if status is not None:
                    counts[(slot_id, status)] = number
        wanted = Claim.member_id.in_(member_ids)
        if slot_ids:  # the waitlisted places that could come after a new one
            behind = and_(Claim.slot_id.in_(slot_ids), Claim.status == "waitlisted")
            wanted = or_(wanted, behind if since is None else and_(behind, Claim.claimed_at > since))
        found = {row.id: row for row in (await session.execute(
            select(*_COLUMNS).where(Claim.signup_id == signup.id, wanted))).all()}
        known_heads: dict[int, tuple[datetime, int, int] | None] = {}
        for slot_id in slot_ids if since is not None else ():
            if not counts.get((slot_id, "waitlisted")):
                continue
            free = max(0, capacity.get(slot_id, 0) - counts.get((slot_id, "confirmed"), 0))
            if not free and not any(row.slot_id == slot_id and row.status == "confirmed" for row in found.values()):
                known_heads[slot_id] = None  # no place can open here in this unit of work
                continue
            # Each change opens at most one place: a unit of work that opens more than this
            # covers is refused by _promote, and the batch runs again one change at a time.
            limit = free + 2 * len(member_ids) + 16
            heads = (await session.execute(select(*_COLUMNS).where(
                Claim.slot_id == slot_id, Claim.status == "waitlisted")
                .order_by(Claim.claimed_at, Claim.id).limit(limit))).all()
            found.update((row.id, row) for row in heads)
            if len(heads) == limit:
                known_heads[slot_id] = (heads[-1].claimed_at, 0, heads[-1].id)
        places = [Place(id=row.id, slot_id=row.slot_id, member_id=row.member_id, status=row.status,
                        claimed_at=row.claimed_at, stored_status=row.status) for row in found.values()]
        return cls(signup, places, counts=counts, complete_after=since, known_heads=known_heads, peers=peers)

    def _on_slot(self, slot_id: int, status: str) -> list[Place]:
        return sorted((p for p in self.places if p.slot_id == slot_id and p.status == status),
                      key=Place.queue_key)

    def claim(self, slot: Slot, member_id: int, at: datetime) -> list[Change]:
        """Give ``member_id`` a place (confirmed, or waitlisted when full). Already there: no
        change. Over ``per_family``: :class:`Refused`."""
        held = {p.slot_id for p in self.places if p.member_id == member_id}
        if slot.id in held:
            return []
        family = self.peers.get(member_id, frozenset({member_id}))
        by_family = {p.slot_id for p in self.places if p.member_id in family}
        if by_family != held and (slot.id in by_family or len(by_family) >= self.signup.per_family):
            raise Refused(FAMILY_HOLDS, limit=self.signup.per_family, title=self.signup.title)
        if len(held) >= self.signup.per_family:
            raise Refused(PER_FAMILY_LIMIT, count=self.signup.per_family, title=self.signup.title)
        if self._complete_after is not None and at < self._complete_after:
            raise RuntimeError("a claim earlier than the ledger was loaded for")
        full = self._count[(slot.id, "confirmed")] >= slot.capacity
        place = Place(id=None, slot_id=slot.id, member_id=member_id, status="waitlisted" if full else "confirmed",
                      claimed_at=at, arrival=next(self._arrivals))
        self.places.append(place)
        self._count[(slot.id, place.status)] += 1
        if not full:
            return [Change(member_id, slot.id, "confirmed")]
        # Every waiting place behind this one is held (see load), so its number is a count.
        key = place.queue_key()
        behind = sum(1 for p in self.places
                     if p.slot_id == slot.id and p.status == "waitlisted" and p.queue_key() > key)
        return [Change(member_id, slot.id, "waitlisted", self._count[(slot.id, "waitlisted")] - behind)]

    def confirmed(self, slot_id: int) -> int:
        """Confirmed places on a slot, counting those not held in this ledger."""
        return self._count[(slot_id, "confirmed")]

    def holds(self, slot: Slot, member_id: int) -> bool:
        return any(p.slot_id == slot.id and p.member_id == member_id for p in self.places)

    def release(self, slot: Slot, member_id: int) -> list[Change]:
        """Remove ``member_id``'s place; a freed confirmed place goes to the first waiting."""
        place = next((p for p in self.places if p.slot_id == slot.id and p.member_id == member_id), None)
        if place is None:
            return []
        self.places.remove(place)
        self._count[(slot.id, place.status)] -= 1
        if place.id is not None:
            self._removed.append(place.id)
        if place.status != "confirmed":
            return [Change(member_id, slot.id, "left_waitlist")]
        return [Change(member_id, slot.id, "cancelled"), *self._promote(slot)]

    def _promote(self, slot: Slot) -> list[Change]:
        free = slot.capacity - self._count[(slot.id, "confirmed")]
        if free <= 0 or not self._count[(slot.id, "waitlisted")]:
            return []
        chosen = self._on_slot(slot.id, "waitlisted")[:free]
        if slot.id in self._known_heads:  # only part of this waitlist is held: is its head?
            bound = self._known_heads[slot.id]
            if len(chosen) < min(free, self._count[(slot.id, "waitlisted")]) or any(
                    bound is None or p.queue_key() > bound for p in chosen):
                raise RuntimeError("the ledger does not hold the head of this waitlist")
        changes = []
        for place in chosen:
            place.status = "confirmed"
            self._count[(slot.id, "waitlisted")] -= 1
            self._count[(slot.id, "confirmed")] += 1
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
            await session.execute(insert(Claim.__table__), [
                {"signup_id": self.signup.id, "slot_id": p.slot_id, "member_id": p.member_id, "status": p.status,
                 "claimed_at": p.claimed_at} for p in new])
