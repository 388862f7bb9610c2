"""Exactly once across kill -9: a real process fanning an announcement out to 200 DM
families is killed with SIGKILL at several points, started again, and every family has the
DM exactly once — on SQLite and PostgreSQL.

The console's record of what it delivered (its journal) plays the platform's part: it is
written before a DM is shown, so a process killed between the two has delivered that DM
and its restart must not deliver it again; a process killed after claiming a delivery but
before the platform heard of it must deliver it on restart.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from collections import Counter
from pathlib import Path

from sqlalchemy import func, select

from bot.db.engine import Database
from bot.delivery.models import OutboxEntry
from tests.delivery.crash_worker import family

FAMILIES = 200
#: DMs each run shows before it is killed; the last run finishes
KILL_AFTER = (23, 1, 71, 9)
ROOT = Path(__file__).resolve().parents[2]


async def _run_until(url: str, journal: Path, run: int, kill_after: int | None) -> list[str]:
    """Start the worker; with ``kill_after``, SIGKILL it once it has shown that many DMs."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.delivery.crash_worker", url, str(journal), str(FAMILIES), str(run),
        cwd=ROOT, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})
    assert process.stdout is not None
    shown: list[str] = []
    try:
        while True:
            line = (await asyncio.wait_for(process.stdout.readline(), timeout=120)).decode()
            if not line:
                break
            if "[DM → Family" in line:
                shown.append(line.split("[DM → ", 1)[1].split("]", 1)[0])
                if kill_after is not None and len(shown) >= kill_after:
                    process.send_signal(signal.SIGKILL)
                    break
    finally:
        await process.wait()
    if kill_after is None:
        assert process.returncode == 0
    return shown


async def test_every_family_gets_the_dm_exactly_once_across_kill_9(db: Database, tmp_path: Path) -> None:
    journal = tmp_path / "console.journal"
    shown: list[str] = []
    for run, kill_after in enumerate(KILL_AFTER):
        shown += await _run_until(db.url, journal, run, kill_after)
    shown += await _run_until(db.url, journal, len(KILL_AFTER), None)

    delivered = Counter(json.loads(line)["to"] for line in journal.read_text().splitlines())
    everyone = {family(n) for n in range(FAMILIES)}
    assert set(delivered) == everyone
    assert [name for name, times in delivered.items() if times != 1] == []
    assert [name for name, times in Counter(shown).items() if times != 1] == []  # nobody saw it twice
    async with db.read() as session:
        statuses = dict((await session.execute(select(OutboxEntry.status, func.count()).group_by(
            OutboxEntry.status))).all())
    assert statuses == {"sent": FAMILIES}
