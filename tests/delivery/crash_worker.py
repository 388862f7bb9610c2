"""A Homeroom process that fans one announcement out to many DM families on the console,
to be killed with SIGKILL at any moment and started again (tests/delivery/test_crash.py).

    python -m tests.delivery.crash_worker DATABASE_URL JOURNAL FAMILIES RUN

Run 0 sets the class up and posts the announcement; every later run only comes back and
finishes what is due. Each run's clock starts ten minutes after the previous one, so the
leases a killed run held have run out, as they would have in real time.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import timedelta

from adapters.console import ConsoleAdapter
from adapters.console.harness import DEFAULT_START
from bot.app import build_core
from bot.clock import ManualClock
from bot.config import Config, Secrets
from bot.db.engine import Database
from bot.testing import FakeTranslator

TEACHER = "Ms Lee"


def family(number: int) -> str:
    return f"Family{number:03d}"


async def main(url: str, journal: str, families: int, run: int) -> None:
    config = Config.model_validate({"database": {"url": url}, "console": {"journal_file": journal},
                                    "jobs": {"lease_seconds": 60}})
    db = Database(url)
    core = build_core(config, secrets=Secrets(), db=db, clock=ManualClock(DEFAULT_START + timedelta(minutes=10 * run)),
                      translator=FakeTranslator())
    console = ConsoleAdapter(core, out=lambda line: print(line, flush=True))
    await core.start()
    await core.platform_ready("console")
    for number in range(families):  # the console's people are its platform state: rebuilt every start
        await console.act_as(family(number))
    await console.act_as(TEACHER, role="teacher")
    if run == 0:
        for number in range(families):
            await console.execute(f"as {family(number)}")
            await console.execute("/delivery dm")
        await console.execute(f"as {TEACHER}")
        await console.execute('/announce text:"School is closed on Friday for the storm."')
    while await core.jobs.run_due():
        pass
    print("FAN-OUT DONE", flush=True)
    await db.dispose()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])))
