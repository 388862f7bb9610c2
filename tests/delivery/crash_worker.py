"""A Homeroom process that fans one announcement out to many DM families on the console,
to be killed with SIGKILL at any moment and started again (tests/delivery/test_crash.py).

    python -m tests.delivery.crash_worker DATABASE_URL JOURNAL FAMILIES RUN [post-only|together]

Run 0 sets the class up and posts the announcement (``post-only``: and stops there, so that
several later runs can share the fan-out); every later run only comes back and finishes what
is due (``together``: after printing READY it waits for a line on standard input, so several
processes begin together, and stays until no process has work left). Each run's clock starts
ten minutes after the previous one, so the leases a killed run held have run out, as they would
have in real time.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select

from adapters.console import ConsoleAdapter
from adapters.console.harness import DEFAULT_START
from bot.app import build_core
from bot.config import Config, Secrets
from bot.db.engine import Database
from bot.db.models import Job
from bot.testing import FakeTranslator
from bot.util.clock import ManualClock
from cogs.onboarding.config import Section as OnboardingSection

TEACHER = "Ms Lee"


def family(number: int) -> str:
    return f"Family{number:03d}"


async def _work_elsewhere(db: Database, now: datetime) -> bool:
    """Jobs due now or running in some process."""
    async with db.read() as session:
        return bool(await session.scalar(select(func.count()).select_from(Job).where(
            or_(and_(Job.status == "pending", Job.run_at <= now), Job.status == "running"))))


#: seconds a DM takes in ``together`` mode (80 DMs, 8 at a time in a process: a second at least)
PLATFORM_ROUND_TRIP = 0.1


async def main(url: str, journal: str, families: int, run: int, post_only: bool = False,
               together: bool = False) -> None:
    config = Config.model_validate({"database": {"url": url}, "console": {"journal_file": journal},
                                    "jobs": {"lease_seconds": 60}})
    # the fan-out is what is counted: no newcomer's welcome (a school that turned it off)
    config = config.with_section("onboarding", OnboardingSection(welcome_new_members=False))
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
        if post_only:  # queue it without running its jobs (a console line would run them at once)
            await console._command("announce", 'text:"School is closed on Friday for the storm."',
                                   console.channels["general"])
        else:
            await console.execute('/announce text:"School is closed on Friday for the storm."')
    if post_only:
        print("POSTED", flush=True)
        await db.dispose()
        return
    if together:  # several processes share the work: each is up before any begins, and each
        # stays until nothing is due or running anywhere (another may still be creating work)
        send = console.send_dm

        async def like_a_platform(*args: Any, **kwargs: Any) -> Any:
            # a platform's round trip per DM: the fan-out lasts long enough for every process
            # to take part, however late a busy machine schedules one of them
            await asyncio.sleep(PLATFORM_ROUND_TRIP)
            return await send(*args, **kwargs)

        console.send_dm = like_a_platform  # type: ignore[method-assign]
        print("READY", flush=True)
        await asyncio.to_thread(sys.stdin.readline)
        while await core.jobs.run_due() or await _work_elsewhere(db, core.clock.now()):  # noqa: ASYNC110
            await asyncio.sleep(0.02)  # the other process's work is in the database, not an event here
    while await core.jobs.run_due():
        pass
    print("FAN-OUT DONE", flush=True)
    await db.dispose()


if __name__ == "__main__":
    options = sys.argv[5:]
    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), "post-only" in options,
                     "together" in options))
