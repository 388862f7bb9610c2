"""Scale-out: two bot processes share one database and one announcement's fan-out, and every
family gets the DM exactly once, each process doing part of the work — on PostgreSQL (row
locks with SKIP LOCKED) and on SQLite (BEGIN IMMEDIATE across processes)."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections import Counter
from pathlib import Path

from sqlalchemy import func, select

from bot.db.engine import Database
from bot.delivery.models import OutboxEntry
from tests.delivery.crash_worker import family

FAMILIES = 80
ROOT = Path(__file__).resolve().parents[2]


async def _start(url: str, journal: Path, run: int, *extra: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.delivery.crash_worker", url, str(journal), str(FAMILIES), str(run), *extra,
        cwd=ROOT, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})


async def _until_ready(process: asyncio.subprocess.Process) -> None:
    assert process.stdout is not None
    while (line := await asyncio.wait_for(process.stdout.readline(), timeout=120)) != b"READY\n":
        assert line, "the worker stopped before it was ready"


async def _shown(process: asyncio.subprocess.Process) -> list[str]:
    """Wait for the worker's end; the families it showed a DM to."""
    out, err = await asyncio.wait_for(process.communicate(b"go\n"), timeout=300)
    assert process.returncode == 0, err.decode()[-2000:]
    return [line.split("[DM → ", 1)[1].split("]", 1)[0] for line in out.decode().splitlines() if "[DM → Family" in line]


async def test_two_processes_share_one_fan_out_and_each_family_gets_it_once(db: Database, tmp_path: Path) -> None:
    journal = tmp_path / "console.journal"
    posted = await _shown(await _start(db.url, journal, 0, "post-only"))
    workers = [await _start(db.url, journal, 1, "together") for _ in range(2)]
    for worker in workers:
        await _until_ready(worker)
    first, second = await asyncio.gather(*(_shown(worker) for worker in workers))

    delivered = Counter(json.loads(line)["to"] for line in journal.read_text().splitlines())
    assert set(delivered) == {family(n) for n in range(FAMILIES)}
    assert [name for name, times in delivered.items() if times != 1] == []
    assert sorted(posted + first + second) == sorted(delivered)  # nobody was shown it twice
    assert first and second, f"both processes took part in the fan-out ({len(posted)}, {len(first)}, {len(second)})"
    async with db.read() as session:
        statuses = dict((await session.execute(select(OutboxEntry.status, func.count()).group_by(
            OutboxEntry.status))).all())
    assert statuses == {"sent": FAMILIES}
