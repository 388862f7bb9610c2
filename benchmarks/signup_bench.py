"""Sign-up benchmark: reactions processed per second end to end through the dispatcher
(de-duplication + sign-up transaction + notice queued), on SQLite and on PostgreSQL, each as
a ratio of the same database's raw single-row transaction rate measured in the same run
(goal >= 0.25).

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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import Column, Integer, MetaData, String, Table, func, select  # noqa: E402

from adapters.console import ConsoleSession, Person, console_session  # noqa: E402
from bot.db.engine import Database, nullpool_engine  # noqa: E402
from bot.emoji import parse  # noqa: E402
from bot.events import Actor, ReactionAdded  # noqa: E402
from bot.refs import UserRef  # noqa: E402
from cogs.signups.models import Claim  # noqa: E402

EMOJI = ["🚌", "🍪", "🎨", "📚", "🍎", "⚽", "🎵", "🧃", "🧹", "🎭"]
RAW = Table("bench_raw", MetaData(), Column("id", Integer, primary_key=True), Column("value", String(64)))


async def raw_rate(db: Database, count: int, concurrency: int) -> float:
    semaphore = asyncio.Semaphore(concurrency)

    async def one(n: int) -> None:
        async with semaphore, db.write() as session:
            await session.execute(RAW.insert().values(value=f"row {n}"))

    start = time.perf_counter()
    await asyncio.gather(*(one(n) for n in range(count)))
    return count / (time.perf_counter() - start)


async def reaction_rates(s: ConsoleSession, db: Database, count: int, concurrency: int,
                         tag: str) -> tuple[float, float]:
    """Reactions per second from families Homeroom has never seen (each also creates its
    member row), then from the same families on a second sign-up (members known)."""
    slots = "; ".join(f"{e} Job{n} x50" for n, e in enumerate(EMOJI))  # some waitlists, as in life
    actors = []
    for n in range(count):
        actor = Actor(user=UserRef("console", f"bench-{tag}-{n}"), display_name=f"Family {tag}-{n}")
        s.console.people[f"family {tag}-{n}"] = Person(user=actor.user, name=actor.display_name)
        actors.append(actor)
    semaphore = asyncio.Semaphore(concurrency)

    async def one(event: ReactionAdded) -> None:
        async with semaphore:
            await s.core.dispatch(event)

    rates = []
    for round_number in range(2):
        # /signup create also finishes the notices queued by the previous round, untimed.
        await s.run(f'as Ms Lee role=teacher\n/signup create title:"Fair {tag}-{round_number}" slots:"{slots}"')
        card = [e for e in s.entries if e.where.startswith("#")][-1].ref
        async with db.read() as session:
            before = await session.scalar(select(func.count()).select_from(Claim))
        events = [ReactionAdded(key=f"bench-{uuid.uuid4().hex}", actor=actor, community=s.console.community,
                                message=card, emoji=parse(EMOJI[n % len(EMOJI)]))  # type: ignore[arg-type]
                  for n, actor in enumerate(actors)]
        start = time.perf_counter()
        await asyncio.gather(*(one(e) for e in events))
        rates.append(count / (time.perf_counter() - start))
        async with db.read() as session:
            claimed = await session.scalar(select(func.count()).select_from(Claim))
        assert claimed - before == count, f"only {claimed - before} claims: the benchmark measured nothing"
    return rates[0], rates[1]


async def measure(label: str, db: Database, count: int, repeats: int) -> None:
    """Baseline and reactions measured in turn, ``repeats`` times, after a warm-up (open
    pool connections, compiled statements); each figure is the median of its runs."""
    await db.create_all()
    async with db.engine.begin() as conn:
        await conn.run_sync(RAW.metadata.create_all)
    raws, news, knowns = [], [], []
    async with console_session(db, cogs=("cogs.profile", "cogs.signups")) as s:
        await raw_rate(db, count // 4, concurrency=8)
        await reaction_rates(s, db, count // 4, 8, "warm-up")
        for run in range(repeats):
            raws.append(await raw_rate(db, count, concurrency=8))
            new, known = await reaction_rates(s, db, count, 8, f"run{run}")
            news.append(new)
            knowns.append(known)
    raw, new, known = (statistics.median(x) for x in (raws, news, knowns))
    print(f"{label:10} raw single-row transactions: {raw:6.0f}/s (baseline, median of {repeats}); reactions end "
          f"to end: new families {new:4.0f}/s = {new / raw:.2f}x, known families {known:4.0f}/s = "
          f"{known / raw:.2f}x (goal >= 0.25)")
    ratios = ", ".join(f"{n / r:.2f}/{k / r:.2f}" for r, n, k in zip(raws, news, knowns, strict=True))
    print(f"{'':10} each run, new/known: {ratios}")


async def main(count: int, repeats: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}")
        await measure("SQLite", db, count, repeats)
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
        return
    try:
        db = Database(admin_url.rsplit("/", 1)[0] + f"/{name}")
        await measure("PostgreSQL", db, count, repeats)
        await db.dispose()
    finally:
        async with admin.connect() as conn:
            await conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--reactions", type=int, default=600)
    parser.add_argument("--repeats", type=int, default=3)
    args, _ = parser.parse_known_args()
    asyncio.run(main(args.reactions, args.repeats))
