"""Durable jobs: leasing, retries with backoff, failure, work that fell due while down."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.api.jobs import JobContext, RetryLater, cancel
from bot.api.outbound import AdapterMissing
from bot.db.engine import Database
from bot.db.models import Job
from bot.runtime.jobs import JobRunner, backoff, schedule
from bot.util.clock import ManualClock

START = datetime(2026, 9, 7, 12, 0, tzinfo=UTC)


async def add_jobs(db: Database, count: int, run_at: datetime, kind: str = "count") -> None:
    async with db.write() as session:
        for n in range(count):
            await schedule(session, kind, {"n": n}, run_at)


async def test_two_workers_run_each_job_exactly_once(db: Database) -> None:
    clock = ManualClock(START)
    await add_jobs(db, 60, START)
    runs: Counter[int] = Counter()

    async def handler(job: JobContext) -> None:
        runs[job.payload["n"]] += 1
        await asyncio.sleep(0)

    # Two processes: separate engines (connection pools) on the same database.
    second_db = Database(db.url)
    workers = [JobRunner(db, clock, batch_size=5, worker_id="a"),
               JobRunner(second_db, clock, batch_size=5, worker_id="b")]
    for worker in workers:
        worker.register("count", handler)
    try:
        await asyncio.gather(*(worker.run_due() for worker in workers))
    finally:
        await second_db.dispose()
    assert sorted(runs) == list(range(60))
    assert set(runs.values()) == {1}


async def test_job_due_while_bot_was_down_runs_on_return(db: Database) -> None:
    clock = ManualClock(START)
    await add_jobs(db, 1, START - timedelta(hours=5))
    ran: list[int] = []
    runner = JobRunner(db, clock)

    async def handler(job: JobContext) -> None:
        ran.append(job.payload["n"])

    runner.register("count", handler)
    assert await runner.run_due() == 1
    assert ran == [0]


async def test_future_job_waits_for_its_time(db: Database) -> None:
    clock = ManualClock(START)
    await add_jobs(db, 1, START + timedelta(minutes=10))
    runner = JobRunner(db, clock)
    runner.register("count", lambda job: asyncio.sleep(0))
    assert await runner.run_due() == 0
    clock.advance(timedelta(minutes=10))
    assert await runner.run_due() == 1


async def test_failing_job_is_retried_with_backoff_then_marked_failed(db: Database) -> None:
    clock = ManualClock(START)
    async with db.write() as session:
        await schedule(session, "flaky", {}, START, max_attempts=3)
    runner = JobRunner(db, clock)

    async def handler(job: JobContext) -> None:
        raise ConnectionError("provider down")

    runner.register("flaky", handler)
    await runner.run_due()
    async with db.read() as session:
        job = (await session.scalars(select(Job))).one()
    assert (job.status, job.attempts) == ("pending", 1)
    assert job.run_at == START + backoff(1)
    for _ in range(2):
        clock.set(job.run_at)
        await runner.run_due()
        async with db.read() as session:
            job = (await session.scalars(select(Job))).one()
    assert job.status == "failed"
    assert job.attempts == 3
    assert "provider down" in (job.last_error or "")


async def test_expired_lease_is_claimed_again(db: Database) -> None:
    clock = ManualClock(START)
    await add_jobs(db, 1, START)
    crashed = JobRunner(db, clock, lease_seconds=60, worker_id="crashed")
    claimed = await crashed.claim()
    assert len(claimed) == 1  # ...and the process dies before running it
    survivor = JobRunner(db, clock, worker_id="survivor")
    ran: list[int] = []

    async def handler(job: JobContext) -> None:
        ran.append(job.payload["n"])

    survivor.register("count", handler)
    assert await survivor.run_due() == 0  # still leased
    clock.advance(timedelta(seconds=61))
    assert await survivor.run_due() == 1
    assert ran == [0]


async def test_retry_later_reschedules_without_counting_a_failure(db: Database) -> None:
    clock = ManualClock(START)
    await add_jobs(db, 1, START, kind="quiet")
    runner = JobRunner(db, clock)

    async def handler(job: JobContext) -> None:
        raise RetryLater(START + timedelta(hours=8))

    runner.register("quiet", handler)
    await runner.run_due()
    async with db.read() as session:
        job = (await session.scalars(select(Job))).one()
    assert (job.status, job.attempts, job.run_at) == ("pending", 0, START + timedelta(hours=8))


async def test_dedupe_key_makes_scheduling_idempotent(db: Database) -> None:
    for _ in range(3):
        async with db.write() as session:
            await schedule(session, "remind", {}, START, dedupe_key="signup:1:remind:24h")
    async with db.read() as session:
        assert len((await session.scalars(select(Job))).all()) == 1


async def test_cancel_by_prefix_only_touches_pending_matches(db: Database) -> None:
    async with db.write() as session:
        await schedule(session, "remind", {}, START, dedupe_key="signup:1:a")
        await schedule(session, "remind", {}, START, dedupe_key="signup:1:b")
        await schedule(session, "remind", {}, START, dedupe_key="signup:10:a")
    async with db.write() as session:
        assert await cancel(session, "signup:1:") == 2
    async with db.read() as session:
        statuses = sorted((j.status, j.dedupe_key or "") for j in (await session.scalars(select(Job))).all())
    assert statuses == [("cancelled", ""), ("cancelled", ""), ("pending", "signup:10:a")]


async def test_a_cancelled_job_can_be_scheduled_again(db: Database) -> None:
    async with db.write() as session:
        await schedule(session, "remind", {}, START, dedupe_key="signup:1:remind:24h")
    async with db.write() as session:
        await cancel(session, "signup:1:")
    async with db.write() as session:
        await schedule(session, "remind", {}, START, dedupe_key="signup:1:remind:24h")
    async with db.read() as session:
        pending = (await session.scalars(select(Job).where(Job.status == "pending"))).all()
    assert [job.dedupe_key for job in pending] == ["signup:1:remind:24h"]


async def test_a_job_for_a_platform_this_process_lacks_is_handed_to_a_process_that_has_it(db: Database) -> None:
    clock = ManualClock(START)
    await add_jobs(db, 1, START, kind="deliver")
    delivered: list[int] = []

    async def no_adapter_here(job: JobContext) -> None:
        raise AdapterMissing("discord")

    async def deliver(job: JobContext) -> None:
        delivered.append(job.payload["n"])

    slack_only = JobRunner(db, clock, worker_id="slack", platforms=lambda: {"slack"})
    discord_too = JobRunner(db, clock, worker_id="discord", platforms=lambda: {"discord", "slack"})
    slack_only.register("deliver", no_adapter_here)
    discord_too.register("deliver", deliver)

    assert await slack_only.run_due() == 1
    async with db.read() as session:
        job = (await session.scalars(select(Job))).one()
    assert (job.status, job.platform, job.attempts) == ("pending", "discord", 0)  # not counted as a failure
    assert await slack_only.run_due() == 0  # it no longer claims what it cannot deliver
    assert await discord_too.run_due() == 1
    assert delivered == [0]


async def test_a_job_outliving_its_lease_is_not_run_twice_at_once_by_its_own_process(db: Database) -> None:
    clock = ManualClock(START)
    await add_jobs(db, 1, START, kind="slow")
    runner = JobRunner(db, clock, lease_seconds=1, poll_seconds=0.05)
    started = asyncio.Event()
    release = asyncio.Event()
    runs = 0

    async def slow(job: JobContext) -> None:
        nonlocal runs
        runs += 1
        started.set()
        await release.wait()

    runner.register("slow", slow)
    first = asyncio.create_task(runner.run_due())
    await asyncio.wait_for(started.wait(), timeout=30)
    clock.advance(timedelta(seconds=5))  # the lease has expired while the job still runs
    assert await runner.claim() == []
    release.set()
    await first
    assert runs == 1


async def test_a_slow_job_does_not_hold_up_one_that_falls_due_meanwhile(db: Database) -> None:
    clock = ManualClock(START)
    await add_jobs(db, 1, START, kind="slow")
    runner = JobRunner(db, clock, poll_seconds=0.05)
    release = asyncio.Event()
    quick_ran = asyncio.Event()

    async def slow(job: JobContext) -> None:
        await release.wait()

    async def quick(job: JobContext) -> None:
        quick_ran.set()

    runner.register("slow", slow)
    runner.register("quick", quick)
    busy = asyncio.create_task(runner.run_due())
    await asyncio.sleep(0.1)
    await add_jobs(db, 1, START, kind="quick")
    runner.wake()
    await asyncio.wait_for(quick_ran.wait(), timeout=30)  # before the slow one ends
    release.set()
    await busy


async def test_a_handlers_closing_write_commits_with_its_done(db: Database) -> None:
    clock = ManualClock(START)
    await add_jobs(db, 1, START)
    runner = JobRunner(db, clock)
    seen_in_transaction: list[str | None] = []

    async def handler(job: JobContext) -> None:
        async def closing(session: AsyncSession) -> None:
            seen_in_transaction.append(await session.scalar(select(Job.status).where(Job.id == job.job_id)))
            await session.execute(Job.__table__.update().where(Job.id == job.job_id).values(last_error="noted"))

        job.when_done(closing)

    runner.register("count", handler)
    await runner.run_due()
    async with db.read() as session:
        job = (await session.scalars(select(Job))).one()
    assert seen_in_transaction == ["running"]
    assert (job.status, job.last_error) == ("done", "noted")


async def test_a_handlers_closing_write_that_fails_runs_the_job_again(db: Database) -> None:
    clock = ManualClock(START)
    await add_jobs(db, 1, START)
    runner = JobRunner(db, clock)
    attempts: list[int] = []

    async def handler(job: JobContext) -> None:
        attempts.append(job.attempt)

        async def closing(session: AsyncSession) -> None:
            if job.attempt == 1:
                raise RuntimeError("disk full")

        job.when_done(closing)

    runner.register("count", handler)
    await runner.run_due()
    async with db.read() as session:
        job = (await session.scalars(select(Job))).one()
    assert (job.status, job.attempts) == ("pending", 1)
    assert "disk full" in (job.last_error or "")
    clock.advance(backoff(1))
    await runner.run_due()
    async with db.read() as session:
        job = (await session.scalars(select(Job))).one()
    assert attempts == [1, 2]
    assert job.status == "done"
