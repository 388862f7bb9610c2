"""Sign-up benchmark: reactions processed per second end to end through the real dispatcher
and the sign-ups cog (de-duplication + sign-up transaction + notice queued), on SQLite and on
PostgreSQL, each as a ratio of the raw driver's single-row transaction rate measured in the
same run, runs interleaved (goal >= 0.25).

The raw baseline is the driver alone, no SQLAlchemy and no project code: aiosqlite with the
PRAGMAs bot/db/engine.py sets (WAL, synchronous=NORMAL, busy_timeout, foreign keys), writers
taking turns as the engine's writers do, and asyncpg with a pool of the engine's size; each
reaction's stand-in is one transaction holding one single-row INSERT.

A second line per database: the cost of one reaction on a slot that already has 500 people on
it (50 confirmed, 450 waiting) as a ratio of one on an empty slot (goal <= 1.5x).

    python benchmarks/signup_bench.py [--reactions N] [--repeats R]

PostgreSQL: $HOMEROOM_BENCH_PG_URL (default postgresql+asyncpg://postgres@127.0.0.1:5432/test);
a throwaway database is created and dropped; skipped with a message when unreachable.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import aiosqlite  # noqa: E402
import asyncpg  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402

from adapters.console import ConsoleSession, Person, console_session  # noqa: E402
from bot.api.emoji import parse  # noqa: E402
from bot.api.events import Actor, ReactionAdded  # noqa: E402
from bot.api.refs import UserRef  # noqa: E402
from bot.config import load_config  # noqa: E402
from bot.db.engine import Database, nullpool_engine  # noqa: E402
from bot.db.models import Member  # noqa: E402
from cogs.signups.models import Claim, Signup, Slot  # noqa: E402

EMOJI = ["🚌", "🍪", "🎨", "📚", "🍎", "⚽", "🎵", "🧃", "🧹", "🎭"]
GOAL_RATE = 0.25
GOAL_HOLDERS = 1.5
HOLDERS = 500
POOL_SIZE = load_config(ROOT / "config.example.toml").database.pool_size
MAX_OVERFLOW = 10  # bot/db/engine.py
#: reactions in flight at once; 0: a whole burst, as the platforms deliver one (discord.py runs
#: every gateway event in a task of its own, Bolt serves every request as it comes)
CONCURRENCY = 0
RAW_TABLE = "CREATE TABLE IF NOT EXISTS bench_raw (id {pk}, value VARCHAR(64))"


def _spread(values: list[float], fmt: str) -> str:
    return "/".join(format(v, fmt) for v in (min(values), statistics.median(values), max(values)))


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


class RawSQLite:
    """aiosqlite alone: connections opened as bot/db/engine.py opens them, writers taking
    turns on one lock (as the engine's do), BEGIN IMMEDIATE / INSERT / COMMIT per row."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.connections: asyncio.Queue[aiosqlite.Connection] = asyncio.Queue()
        self.lock = asyncio.Lock()

    async def open(self) -> None:
        for _ in range(POOL_SIZE):
            conn = await aiosqlite.connect(self.path, timeout=30, isolation_level=None)
            for pragma in ("journal_mode=WAL", "busy_timeout=30000", "foreign_keys=ON", "synchronous=NORMAL"):
                await conn.execute(f"PRAGMA {pragma}")
            await self.connections.put(conn)
        conn = await self.connections.get()
        await conn.execute(RAW_TABLE.format(pk="INTEGER PRIMARY KEY"))
        await self.connections.put(conn)

    async def one(self, n: int) -> None:
        conn = await self.connections.get()
        try:
            async with self.lock:
                await conn.execute("BEGIN IMMEDIATE")
                await conn.execute("INSERT INTO bench_raw (value) VALUES (?)", (f"row {n}",))
                await conn.execute("COMMIT")
        finally:
            await self.connections.put(conn)

    async def close(self) -> None:
        while not self.connections.empty():
            await (await self.connections.get()).close()


class RawPostgres:
    """asyncpg alone: a pool of the engine's size (pool_size + max_overflow), one
    transaction per row."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self.pool: asyncpg.Pool | None = None

    async def open(self) -> None:
        self.pool = await asyncpg.create_pool(self.dsn, min_size=POOL_SIZE, max_size=POOL_SIZE + MAX_OVERFLOW)
        await self.pool.execute(RAW_TABLE.format(pk="SERIAL PRIMARY KEY"))

    async def one(self, n: int) -> None:
        assert self.pool is not None
        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute("INSERT INTO bench_raw (value) VALUES ($1)", f"row {n}")

    async def close(self) -> None:
        if self.pool is not None:
            await self.pool.close()


async def raw_rate(raw: RawSQLite | RawPostgres, count: int) -> float:
    semaphore = asyncio.Semaphore(CONCURRENCY or count)

    async def one(n: int) -> None:
        async with semaphore:
            await raw.one(n)

    start = time.perf_counter()
    await asyncio.gather(*(one(n) for n in range(count)))
    return count / (time.perf_counter() - start)


def _families(s: ConsoleSession, tag: str, count: int) -> list[Actor]:
    actors = []
    for n in range(count):
        actor = Actor(user=UserRef("console", f"bench-{tag}-{n}"), display_name=f"Family {tag}-{n}")
        s.console.people[f"family {tag}-{n}"] = Person(user=actor.user, name=actor.display_name)
        actors.append(actor)
    return actors


async def _card(s: ConsoleSession, title: str, slots: str) -> tuple[object, int]:
    """Post a card (this also finishes the notices queued before, untimed)."""
    await s.run(f'as Ms Lee role=teacher\n/signup create title:"{title}" slots:"{slots}"')
    card = [e for e in s.entries if e.where.startswith("#")][-1].ref
    async with s.core.db.read() as session:
        signup_id = await session.scalar(select(Signup.id).where(Signup.message_id == card.id))  # type: ignore[attr-defined]
    assert signup_id is not None
    return card, signup_id


def _event(s: ConsoleSession, actor: Actor, card: object, emoji: str) -> ReactionAdded:
    return ReactionAdded(key=f"bench-{uuid.uuid4().hex}", actor=actor, community=s.console.community,
                         message=card, emoji=parse(emoji))  # type: ignore[arg-type]


async def _claims(db: Database) -> int:
    async with db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(Claim)) or 0)


async def reaction_ratios(s: ConsoleSession, db: Database, raw: RawSQLite | RawPostgres | None, count: int,
                          tag: str, raws: list[float]) -> tuple[float, float]:
    """Reactions per second from families Homeroom has never seen (each also creates its
    member row), then from the same families on a second sign-up (members known), each over
    the raw rate measured just before and just after it (appended to ``raws``)."""
    slots = "; ".join(f"{e} Job{n} x50" for n, e in enumerate(EMOJI))  # some waitlists, as in life
    actors = _families(s, tag, count)
    semaphore = asyncio.Semaphore(CONCURRENCY or count)

    async def one(event: ReactionAdded) -> None:
        async with semaphore:
            await s.core.dispatch(event)

    ratios = []
    for round_number in range(2):
        card, _ = await _card(s, f"Fair {tag}-{round_number}", slots)
        before = await _claims(db)
        events = [_event(s, actor, card, EMOJI[n % len(EMOJI)]) for n, actor in enumerate(actors)]
        raw_before = await raw_rate(raw, count) if raw else 1.0
        start = time.perf_counter()
        await asyncio.gather(*(one(e) for e in events))
        rate = count / (time.perf_counter() - start)
        raw_after = await raw_rate(raw, count) if raw else 1.0
        raws += [raw_before, raw_after]
        ratios.append(rate / statistics.mean([raw_before, raw_after]))
        claimed = await _claims(db)
        assert claimed - before == count, f"only {claimed - before} claims: the benchmark measured nothing"
    return ratios[0], ratios[1]


async def _holders(s: ConsoleSession, db: Database) -> list[int]:
    """``HOLDERS`` members of the community to fill a slot with (created when missing)."""
    async with db.write() as session:
        community_id = (await s.core.ensure_community(s.console.community)).id
        have = await session.scalar(select(func.count()).select_from(Member).where(
            Member.user_id.like("holder-%")))
        if have < HOLDERS:
            await session.execute(insert(Member), [
                {"community_id": community_id, "user_id": f"holder-{n}", "display_name": f"Holder {n}"}
                for n in range(have or 0, HOLDERS)])
        return list((await session.scalars(select(Member.id).where(Member.user_id.like("holder-%"))
                                           .order_by(Member.id))).all())


async def holder_cost(s: ConsoleSession, db: Database, run: int, holders: list[int], reactions: int) -> float:
    """Median time of one reaction (alone, a known family) on a slot with ``HOLDERS`` people
    on it over the median on an empty slot, the two interleaved."""
    actors = _families(s, f"holders-{run}", 2 * reactions)
    warm, _ = await _card(s, f"Known {run}", "🎈 Meet x500")
    await asyncio.gather(*(s.core.dispatch(_event(s, a, warm, "🎈")) for a in actors))  # now known families
    empty, _ = await _card(s, f"Empty {run}", "🚌 Drive x50")
    full, full_id = await _card(s, f"Full {run}", "🚌 Drive x50")
    async with db.write() as session:
        slot_id = await session.scalar(select(Slot.id).where(Slot.signup_id == full_id))
        now = s.core.clock.now()
        await session.execute(insert(Claim), [
            {"signup_id": full_id, "slot_id": slot_id, "member_id": member_id,
             "status": "confirmed" if n < 50 else "waitlisted", "claimed_at": now - timedelta(seconds=HOLDERS - n)}
            for n, member_id in enumerate(holders)])
    times: dict[str, list[float]] = {"empty": [], "full": []}
    for n in range(reactions):
        for name, card, actor in (("empty", empty, actors[2 * n]), ("full", full, actors[2 * n + 1])):
            event = _event(s, actor, card, "🚌")
            start = time.perf_counter()
            await s.core.dispatch(event)
            times[name].append(time.perf_counter() - start)
    return statistics.median(times["full"]) / statistics.median(times["empty"])


async def measure(label: str, db: Database, raw: RawSQLite | RawPostgres, count: int, repeats: int) -> bool:
    """Baseline and reactions measured in turn, ``repeats`` times, after a warm-up (open
    pool connections, compiled statements)."""
    await db.create_all()
    await raw.open()
    raws, news, knowns, holder_ratios = [], [], [], []
    try:
        async with console_session(db, cogs=("cogs.profile", "cogs.signups")) as s:
            await raw_rate(raw, count // 4)
            await reaction_ratios(s, db, None, count // 4, "warm-up", [])
            for run in range(repeats):
                new, known = await reaction_ratios(s, db, raw, count, f"run{run}", raws)
                news.append(new)
                knowns.append(known)
            holders = await _holders(s, db)
            for run in range(repeats):
                holder_ratios.append(await holder_cost(s, db, run, holders, reactions=15))
    finally:
        await raw.close()
    settings = (f"{count} reactions a run, {f'{CONCURRENCY} at a time' if CONCURRENCY else 'all in flight at once'}, "
                f"pool {POOL_SIZE}+{MAX_OVERFLOW}")
    print(f"{label:10} raw driver single-row transactions/s {_spread(raws, '.0f')} (baseline, {settings})")
    ok = True
    for name, ratios in (("new families", news), ("known families", knowns)):
        passed = statistics.median(ratios) >= GOAL_RATE
        ok &= passed
        print(f"{label:10} reactions end to end, {name}: {_spread(ratios, '.2f')}x the raw rate measured "
              f"just before and after each (min/median/max of {repeats} runs; goal: median >= {GOAL_RATE}) "
              f"{_verdict(passed)}")
    passed = max(holder_ratios) <= GOAL_HOLDERS
    ok &= passed
    print(f"{label:10} one reaction at {HOLDERS} holders / at 0 holders: {_spread(holder_ratios, '.2f')}x "
          f"(min/median/max of {repeats} runs, each the median of 15 reactions alone; goal <= {GOAL_HOLDERS}) "
          f"{_verdict(passed)}")
    return ok


async def main(count: int, repeats: int) -> int:
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}", pool_size=POOL_SIZE)
        ok &= await measure("SQLite", db, RawSQLite(Path(tmp) / "bench.db"), count, repeats)
        await db.dispose()
    admin_url = os.environ.get("HOMEROOM_BENCH_PG_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
    name = f"homeroom_bench_{uuid.uuid4().hex[:8]}"
    admin = nullpool_engine(admin_url)
    try:
        async with admin.connect() as conn:
            await conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except Exception as exc:
        print(f"PostgreSQL  skipped: not reachable ({type(exc).__name__})")
        await admin.dispose()
        return 0 if ok else 1
    try:
        url = admin_url.rsplit("/", 1)[0] + f"/{name}"
        db = Database(url, pool_size=POOL_SIZE)
        ok &= await measure("PostgreSQL", db, RawPostgres(url.replace("postgresql+asyncpg://", "postgresql://")),
                            count, repeats)
        await db.dispose()
    finally:
        async with admin.connect() as conn:
            await conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.dispose()
    return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--reactions", type=int, default=600)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=0,
                        help="reactions in flight at once (default 0: the whole burst, as the adapters deliver it)")
    args, _ = parser.parse_known_args()
    CONCURRENCY = args.concurrency
    sys.exit(asyncio.run(main(args.reactions, args.repeats)))
