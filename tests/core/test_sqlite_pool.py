"""SQLite's connections are threads of the process: a burst's connections stay open once
opened, so the next burst starts no thread (each start stalls the event loop)."""

from __future__ import annotations

import asyncio
import threading

from sqlalchemy import text

from bot.db.engine import SQLITE_BURST, Database


async def _burst(db: Database, size: int) -> None:
    async def one() -> None:
        async with db.read() as session:
            await session.execute(text("SELECT 1"))
            await asyncio.sleep(0.01)  # all of them open at once

    await asyncio.gather(*(one() for _ in range(size)))


async def test_a_second_burst_on_sqlite_starts_no_thread(sqlite_db: Database) -> None:
    size = 5 + SQLITE_BURST
    await _burst(sqlite_db, size)
    threads = threading.active_count()
    await _burst(sqlite_db, size)
    assert threading.active_count() == threads
    assert sqlite_db.engine.pool.checkedin() == size  # type: ignore[attr-defined]
