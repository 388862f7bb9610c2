"""Bursts of reactions: the invariants hold at every moment, on SQLite and PostgreSQL,
within one process and across two processes (two engines, two cores) sharing one database."""

from __future__ import annotations

import asyncio
import logging
import random
from collections import Counter

import pytest
from sqlalchemy import case, func, select

from adapters.console import ConsoleSession, Person, console_session
from bot.api.emoji import parse
from bot.api.events import Actor, ReactionAdded, ReactionRemoved
from bot.api.refs import UserRef
from bot.db.engine import Database
from bot.db.models import Member
from cogs.signups.models import Claim, Slot

EMOJI = ["🚌", "🍪", "🎨", "📚", "🍎", "⚽", "🎵", "🧃", "🧹", "🎭"]
SLOTS = "; ".join(f"{e} Job{n} x20" for n, e in enumerate(EMOJI))
FAMILIES = 300


async def check_invariants(db: Database) -> None:
    """Capacity, one row per family per slot, no free place left beside a waitlist."""
    async with db.read() as session:
        confirmed = func.sum(case((Claim.status == "confirmed", 1), else_=0))
        waiting = func.sum(case((Claim.status == "waitlisted", 1), else_=0))
        rows = (await session.execute(select(Slot.id, Slot.capacity, confirmed, waiting)
                                      .join(Claim, Claim.slot_id == Slot.id).group_by(Slot.id, Slot.capacity))).all()
        pairs = (await session.execute(select(Claim.slot_id, Claim.member_id))).all()
    for slot_id, capacity, held, queued in rows:
        assert held <= capacity, f"slot {slot_id} over capacity"
        assert not (queued and held < capacity), f"slot {slot_id} has a free place and a waitlist"
    assert len(pairs) == len(set(pairs)), "a family holds two rows on one slot"


def family(n: int) -> Actor:
    return Actor(user=UserRef("console", f"fam-{n}"), display_name=f"Family {n}")


def add_people(s: ConsoleSession) -> None:
    for n in range(FAMILIES):
        s.console.people[f"family {n}"] = Person(user=family(n).user, name=f"Family {n}")


async def sample_while(db: Database, work: asyncio.Future[object] | asyncio.Task[object]) -> int:
    """Check the invariants again and again while ``work`` runs; returns how many checks ran."""
    checks = 0
    while not work.done():
        await check_invariants(db)
        checks += 1
        await asyncio.sleep(0.02)
    return checks


@pytest.mark.parametrize("seed", [11, 23])
async def test_burst_of_reactions_keeps_every_invariant_and_tells_each_family_once(
        db: Database, seed: int, caplog: pytest.LogCaptureFixture) -> None:
    rng = random.Random(seed)
    async with console_session(db) as s:
        await s.run(f'as Ms Lee role=teacher\n/signup create title:"Fair" slots:"{SLOTS}"')
        card, community = s.entries[0].ref, s.console.community
        add_people(s)
        choice = {n: rng.choice(EMOJI) for n in range(FAMILIES)}
        adds = [ReactionAdded(key=f"add-{n}", actor=family(n), community=community, message=card,
                              emoji=parse(choice[n])) for n in range(FAMILIES)]  # type: ignore[arg-type]
        redelivered = [adds[n] for n in rng.sample(range(FAMILIES), 25)]  # same event key again
        again = [ReactionAdded(key=f"again-{n}", actor=family(n), community=community, message=card,
                               emoji=parse(choice[n])) for n in rng.sample(range(FAMILIES), 25)]  # type: ignore[arg-type]
        wave = adds + redelivered + again
        rng.shuffle(wave)
        removers = rng.sample(range(FAMILIES), 30)
        removals = [ReactionRemoved(key=f"remove-{n}", actor=family(n), community=community, message=card,
                                    emoji=parse(choice[n])) for n in removers]  # type: ignore[arg-type]
        with caplog.at_level(logging.WARNING):
            burst = asyncio.ensure_future(asyncio.gather(*(s.core.dispatch(e) for e in wave)))
            checks = await sample_while(db, burst)
            await burst
            await check_invariants(db)
            burst = asyncio.ensure_future(asyncio.gather(*(s.core.dispatch(e) for e in removals)))
            checks += await sample_while(db, burst)
            await burst
            await s.core.settle()
        await check_invariants(db)
        async with db.read() as session:
            claims = (await session.execute(select(Claim.slot_id, Claim.status, Claim.claimed_at, Claim.id,
                                                   Member.display_name)
                                            .join(Member, Member.id == Claim.member_id))).all()
    assert checks > 0
    assert len(claims) == FAMILIES - len(removers)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or "locked" in r.getMessage()]
    transcript = s.transcript()
    assert "went wrong" not in transcript and "locked" not in transcript
    dms = [e for e in s.entries if e.where.startswith("DM → Family")]
    first = Counter(e.where for e in dms if e.text.startswith("You're signed up for") or "is full, so" in e.text)
    leaving = Counter(e.where for e in dms
                      if e.text.startswith(("You're no longer signed up", "You left the waitlist")))
    promoted = Counter(e.where for e in dms if e.text.startswith("Good news"))
    assert first == Counter({f"DM → Family {n}": 1 for n in range(FAMILIES)})
    assert leaving == Counter({f"DM → Family {n}": 1 for n in removers})
    assert set(promoted.values()) <= {1}
    assert len(dms) == FAMILIES + len(removers) + len(promoted)
    # First come, first served: on every slot, everyone promoted came before everyone still waiting.
    names_promoted = {where.removeprefix("DM → ") for where in promoted}
    for slot_id in {row.slot_id for row in claims}:
        on_slot = [row for row in claims if row.slot_id == slot_id]
        waiting = [(r.claimed_at, r.id) for r in on_slot if r.status == "waitlisted"]
        moved_up = [(r.claimed_at, r.id) for r in on_slot if r.display_name in names_promoted]
        assert not waiting or not moved_up or max(moved_up) < min(waiting)


async def test_two_processes_share_one_database_without_breaking_capacity(db: Database) -> None:
    async with console_session(db) as first:
        await first.run('as Ms Lee role=teacher\n/signup create title:"Fair" slots:"🚌 Driver x5; 🍪 Baker x3"')
        card = first.entries[0].ref
        second_db = Database(db.url)  # a second process: its own engine and its own core
        try:
            async with console_session(second_db, ready=False) as second:
                second.console.entries = first.console.entries  # the same platform message
                add_people(first)
                add_people(second)
                events = [ReactionAdded(key=f"p-{n}", actor=family(n), community=first.console.community,
                                        message=card, emoji=parse("🚌" if n % 3 else "🍪"))  # type: ignore[arg-type]
                          for n in range(40)]
                burst = asyncio.ensure_future(asyncio.gather(
                    *(first.core.dispatch(e) for e in events[::2]),
                    *(second.core.dispatch(e) for e in events[1::2]),
                    *(second.core.dispatch(e) for e in events[::4]),  # redelivered to the other process
                    *(first.core.dispatch(e) for e in events[1::4])))
                await sample_while(db, burst)
                await burst
                await second.core.settle()
        finally:
            await second_db.dispose()
        await first.core.settle()
        await check_invariants(db)
        async with db.read() as session:
            statuses = Counter((await session.execute(select(Slot.label, Claim.status)
                                                      .join(Slot, Slot.id == Claim.slot_id))).all())
    assert statuses == {("Driver", "confirmed"): 5, ("Driver", "waitlisted"): 21,
                        ("Baker", "confirmed"): 3, ("Baker", "waitlisted"): 11}
    told = Counter(e.where for e in first.entries if e.where.startswith("DM → Family"))
    assert told == Counter({f"DM → Family {n}": 1 for n in range(40)})
