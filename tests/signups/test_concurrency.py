"""Bursts of reactions: the invariants hold at every moment, on SQLite and PostgreSQL,
within one process and across two processes sharing one database."""

from __future__ import annotations

import asyncio
import logging
import random
from collections import Counter

import pytest
from sqlalchemy import func, select

from adapters.console import Person, console_session
from bot.db.engine import Database
from bot.emoji import parse
from bot.events import Actor, ReactionAdded, ReactionRemoved
from bot.refs import UserRef
from cogs.signups.models import Claim, Slot

EMOJI = ["🚌", "🍪", "🎨", "📚", "🍎", "⚽", "🎵", "🧃", "🧹", "🎭"]
SLOTS = "; ".join(f"{e} Job{n} x20" for n, e in enumerate(EMOJI))


async def check_invariants(db: Database) -> None:
    async with db.read() as session:
        slots = (await session.scalars(select(Slot))).all()
        for slot in slots:
            confirmed = await session.scalar(select(func.count()).select_from(Claim).where(
                Claim.slot_id == slot.id, Claim.status == "confirmed"))
            waiting = await session.scalar(select(func.count()).select_from(Claim).where(
                Claim.slot_id == slot.id, Claim.status == "waitlisted"))
            assert confirmed <= slot.capacity, f"slot {slot.id} over capacity"
            assert not (waiting and confirmed < slot.capacity), f"slot {slot.id} has a free place and a waitlist"
        pairs = (await session.execute(select(Claim.slot_id, Claim.member_id))).all()
        assert len(pairs) == len(set(pairs)), "a family holds two rows on one slot"


def family(n: int) -> Actor:
    return Actor(user=UserRef("console", f"fam-{n}"), display_name=f"Family {n}")


@pytest.mark.parametrize("seed", [1, 2])
async def test_burst_of_reactions_keeps_every_invariant(db: Database, seed: int,
                                                        caplog: pytest.LogCaptureFixture) -> None:
    rng = random.Random(seed)
    async with console_session(db) as s:
        await s.run(f'as Ms Lee role=teacher\n/signup create title:"Fair" slots:"{SLOTS}"')
        card = s.entries[0].ref
        for n in range(300):
            person = Person(user=family(n).user, name=f"Family {n}")
            s.console.people[person.name.lower()] = person
        choice = {n: rng.choice(EMOJI) for n in range(300)}
        adds = [ReactionAdded(key=f"add-{n}", actor=family(n), community=s.console.community, message=card,
                              emoji=parse(choice[n])) for n in range(300)]  # type: ignore[arg-type]
        redeliveries = [adds[n] for n in rng.sample(range(300), 25)]
        repeats = [ReactionAdded(key=f"again-{n}", actor=family(n), community=s.console.community, message=card,
                                 emoji=parse(choice[n])) for n in rng.sample(range(300), 25)]  # type: ignore[arg-type]
        stop = asyncio.Event()

        async def sampler() -> None:
            while not stop.is_set():
                await check_invariants(db)
                await asyncio.sleep(0.01)

        watcher = asyncio.create_task(sampler())
        wave = adds + redeliveries + repeats
        rng.shuffle(wave)
        with caplog.at_level(logging.ERROR):
            await asyncio.gather(*(s.core.dispatch(e) for e in wave))
            removers = rng.sample(range(300), 30)
            removals = [ReactionRemoved(key=f"remove-{n}", actor=family(n), community=s.console.community,
                                        message=card, emoji=parse(choice[n])) for n in removers]  # type: ignore[arg-type]
            await asyncio.gather(*(s.core.dispatch(e) for e in removals))
            stop.set()
            await watcher
            await s.core.settle()
        await check_invariants(db)
        async with db.read() as session:
            total = await session.scalar(select(func.count()).select_from(Claim))
    assert total == 270
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert "went wrong" not in s.transcript() and "locked" not in s.transcript()
    dms = [e for e in s.entries if e.where.startswith("DM → Family")]
    per_family = Counter(e.where for e in dms)
    first = Counter(e.where for e in dms if e.text.startswith("You're signed up for") or "is full, so" in e.text)
    leaving = Counter(e.where for e in dms
                      if e.text.startswith(("You're no longer signed up", "You left the waitlist")))
    promoted = Counter(e.where for e in dms if e.text.startswith("Good news"))
    assert all(first[f"DM → Family {n}"] == 1 for n in range(300))
    assert sorted(leaving) == sorted(f"DM → Family {n}" for n in removers)
    assert set(leaving.values()) == {1} and set(promoted.values()) <= {1}
    assert sum(per_family.values()) == 300 + 30 + sum(promoted.values())


async def test_two_processes_share_one_database_without_breaking_capacity(db: Database) -> None:
    async with console_session(db) as first:
        await first.run('as Ms Lee role=teacher\n/signup create title:"Fair" slots:"🚌 Driver x5"')
        card = first.entries[0].ref
        second_db = Database(db.url)
        try:
            async with console_session(second_db) as second:
                second.console.entries = first.console.entries  # the same platform message
                events = [ReactionAdded(key=f"p-{n}", actor=family(n), community=first.console.community,
                                        message=card, emoji=parse("🚌")) for n in range(40)]  # type: ignore[arg-type]
                await asyncio.gather(*(first.core.dispatch(e) for e in events[::2]),
                                     *(second.core.dispatch(e) for e in events[1::2]),
                                     *(second.core.dispatch(e) for e in events[::4]))  # redelivered elsewhere
        finally:
            await second_db.dispose()
        await check_invariants(db)
        async with db.read() as session:
            statuses = Counter((await session.scalars(select(Claim.status))).all())
    assert statuses == {"confirmed": 5, "waitlisted": 35}
