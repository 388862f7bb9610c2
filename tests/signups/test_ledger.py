"""The sign-up rules as the ledger applies them: capacity, waitlist order, the per-family
cap, promotion, and the difference written back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.db.engine import Database
from bot.db.models import Community, Member
from cogs.signups.models import Claim, Signup, Slot
from cogs.signups.store import Ledger, Place, Refused

T0 = datetime(2026, 9, 7, 12, 0, tzinfo=UTC)


def signup(per_family: int = 1) -> Signup:
    return Signup(id=1, title="Trip", per_family=per_family, status="open")


def slot(slot_id: int = 10, capacity: int = 2) -> Slot:
    return Slot(id=slot_id, signup_id=1, capacity=capacity, emoji_key=f"e{slot_id}", label=f"Job {slot_id}")


def test_places_are_confirmed_up_to_capacity_then_waitlisted_in_arrival_order() -> None:
    ledger, bus = Ledger(signup(), []), slot(capacity=2)
    kinds = [ledger.claim(bus, member, T0)[0] for member in (1, 2, 3, 4)]
    assert [(c.kind, c.position) for c in kinds] == [("confirmed", None), ("confirmed", None),
                                                     ("waitlisted", 1), ("waitlisted", 2)]


def test_a_second_claim_on_the_same_slot_changes_nothing() -> None:
    ledger, bus = Ledger(signup(), []), slot()
    ledger.claim(bus, 1, T0)
    assert ledger.claim(bus, 1, T0) == []


def test_the_per_family_cap_counts_places_on_every_slot() -> None:
    ledger = Ledger(signup(per_family=1), [])
    ledger.claim(slot(10), 1, T0)
    with pytest.raises(Refused):
        ledger.claim(slot(11), 1, T0)


def test_a_freed_place_goes_to_the_first_waiting_by_reaction_time() -> None:
    stored = [Place(id=1, slot_id=10, member_id=1, status="confirmed", claimed_at=T0, stored_status="confirmed"),
              Place(id=3, slot_id=10, member_id=3, status="waitlisted", claimed_at=T0 + timedelta(seconds=2),
                    stored_status="waitlisted"),
              Place(id=2, slot_id=10, member_id=2, status="waitlisted", claimed_at=T0 + timedelta(seconds=1),
                    stored_status="waitlisted")]
    ledger = Ledger(signup(), stored)
    changes = ledger.release(slot(capacity=1), 1)
    assert [(c.member_id, c.kind) for c in changes] == [(1, "cancelled"), (2, "promoted")]


def test_new_places_wait_behind_stored_places_of_the_same_moment() -> None:
    stored = [Place(id=7, slot_id=10, member_id=1, status="confirmed", claimed_at=T0, stored_status="confirmed"),
              Place(id=8, slot_id=10, member_id=2, status="waitlisted", claimed_at=T0, stored_status="waitlisted")]
    ledger = Ledger(signup(), stored)
    assert ledger.claim(slot(capacity=1), 3, T0)[0].position == 2


def test_leaving_a_waitlist_promotes_nobody() -> None:
    ledger, bus = Ledger(signup(), []), slot(capacity=1)
    ledger.claim(bus, 1, T0)
    ledger.claim(bus, 2, T0)
    assert [c.kind for c in ledger.release(bus, 2)] == ["left_waitlist"]


async def test_flush_writes_removals_promotions_and_new_places(db: Database) -> None:
    async with db.write() as session:
        community = Community(platform="console", external_id="school", name="School")
        session.add(community)
        await session.flush()
        members = [Member(community_id=community.id, user_id=f"u{n}", display_name=f"F{n}") for n in range(3)]
        row = Signup(community_id=community.id, title="Trip", channel_id="general")
        session.add_all([*members, row])
        await session.flush()
        bus = Slot(signup_id=row.id, position=0, emoji_key="bus", label="Driver", capacity=1)
        session.add(bus)
        await session.flush()
        first = await Ledger.load(session, row, [bus.id], [m.id for m in members])
        first.claim(bus, members[0].id, T0)
        first.claim(bus, members[1].id, T0)
        await first.flush(session)
        second = await Ledger.load(session, row, [bus.id], [members[0].id, members[2].id])
        second.release(bus, members[0].id)  # members[1] moves up
        second.claim(bus, members[2].id, T0 + timedelta(minutes=1))
        second.release(bus, members[2].id)  # and back out, within one unit of work
        second.claim(bus, members[2].id, T0 + timedelta(minutes=2))
        await second.flush(session)
        ids = [m.id for m in members]
    async with db.read() as session:
        rows = (await session.execute(select(Claim.member_id, Claim.status).order_by(Claim.id))).all()
    assert [(ids.index(member), status) for member, status in rows] == [(1, "confirmed"), (2, "waitlisted")]


async def test_a_long_waitlist_moves_up_from_its_head_and_counts_positions_without_reading_every_place(
        db: Database) -> None:
    async with db.write() as session:
        community = Community(platform="console", external_id="school", name="School")
        session.add(community)
        await session.flush()
        members = [Member(community_id=community.id, user_id=f"u{n}", display_name=f"F{n}") for n in range(82)]
        row = Signup(community_id=community.id, title="Trip", channel_id="general")
        session.add_all([*members, row])
        await session.flush()
        bus = Slot(signup_id=row.id, position=0, emoji_key="bus", label="Driver", capacity=1)
        session.add(bus)
        await session.flush()
        # one confirmed, then 80 waiting, stored newest first so id order is not queue order
        session.add_all([Claim(signup_id=row.id, slot_id=bus.id, member_id=members[0].id, status="confirmed",
                               claimed_at=T0)])
        session.add_all([Claim(signup_id=row.id, slot_id=bus.id, member_id=members[n].id, status="waitlisted",
                               claimed_at=T0 + timedelta(seconds=n)) for n in range(80, 0, -1)])
        await session.flush()
        ledger = await Ledger.load(session, row, [bus.id], [members[0].id, members[81].id],
                                   since=T0 + timedelta(minutes=5))
        assert len(ledger.places) < 40  # the head of the waitlist, not all of it
        changes = ledger.release(bus, members[0].id)
        joined = ledger.claim(bus, members[81].id, T0 + timedelta(minutes=5))
        await ledger.flush(session)
        ids = [m.id for m in members]
    assert [(ids.index(c.member_id), c.kind) for c in changes] == [(0, "cancelled"), (1, "promoted")]
    assert [(c.kind, c.position) for c in joined] == [("waitlisted", 80)]
    async with db.read() as session:
        confirmed = (await session.scalars(select(Claim.member_id).where(Claim.status == "confirmed"))).all()
    assert [ids.index(member) for member in confirmed] == [1]


def test_a_ledger_refuses_to_promote_past_the_part_of_a_waitlist_it_read() -> None:
    stored = [Place(id=1, slot_id=10, member_id=1, status="confirmed", claimed_at=T0, stored_status="confirmed"),
              Place(id=9, slot_id=10, member_id=9, status="waitlisted", claimed_at=T0 + timedelta(seconds=9),
                    stored_status="waitlisted")]
    ledger = Ledger(signup(), stored, counts={(10, "confirmed"): 1, (10, "waitlisted"): 5},
                    known_heads={10: None})
    with pytest.raises(RuntimeError):
        ledger.release(slot(capacity=1), 1)
