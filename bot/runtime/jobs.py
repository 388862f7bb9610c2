"""Durable jobs: scheduled in the same transaction as the change that causes them (an
outbox), claimed with a lease so two processes never run one job at the same time, retried
with exponential backoff, and failed for good after ``max_attempts``.

PostgreSQL claims with ``FOR UPDATE SKIP LOCKED``; SQLite claims inside a ``BEGIN
IMMEDIATE`` transaction, which serialises claimers. A job whose worker died is claimed again
when its lease runs out; a job that fell due while the bot was down runs when it comes back.
Handlers must be idempotent: a crash after a side effect but before completion runs the job
again (at-least-once), so handlers record what they did before they report success.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.api.jobs import FinishWork, JobContext, RetryLater, cancel
from bot.api.outbound import AdapterMissing
from bot.db.engine import Database, insert_for
from bot.db.models import Job
from bot.util.batching import GroupCommit
from bot.util.clock import Clock
from bot.util.logging_setup import log_context

log = logging.getLogger(__name__)

__all__ = ["FinishWork", "JobContext", "JobRunner", "RetryLater", "backoff", "cancel", "schedule", "schedule_many"]

JobHandler = Callable[["JobContext"], Awaitable[None]]
#: a run to record: job id, its lease, the new values, and the handler's writes to go with them
_Finish = tuple[int, "str | None", dict[str, Any], tuple["FinishWork", ...]]


def backoff(attempt: int, base_seconds: float = 5.0, cap_seconds: float = 3600.0) -> timedelta:
    """5 s, 10 s, 20 s, ... capped at an hour."""
    return timedelta(seconds=min(cap_seconds, base_seconds * 2 ** max(0, attempt - 1)))


async def schedule(
    session: AsyncSession,
    kind: str,
    payload: dict[str, Any],
    run_at: datetime,
    *,
    dedupe_key: str | None = None,
    max_attempts: int = 6,
) -> None:
    """Add a job inside the caller's transaction. With ``dedupe_key``, scheduling the same
    job twice is a no-op (a redelivered event cannot double-schedule)."""
    values = {
        "kind": kind,
        "payload": payload,
        "run_at": run_at,
        "status": "pending",
        "dedupe_key": dedupe_key,
        "attempts": 0,
        "max_attempts": max_attempts,
        "created_at": run_at,
    }
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    if dedupe_key is None:
        session.add(Job(**values))
        await session.flush()
        return
    insert = insert_for(dialect)
    stmt = insert(Job).values(**values).on_conflict_do_nothing(index_elements=["dedupe_key"])
    await session.execute(stmt)


async def schedule_many(session: AsyncSession, kind: str, items: list[tuple[dict[str, Any], datetime, str]],
                        *, max_attempts: int = 6) -> None:
    """Schedule many jobs of one kind in one statement: (payload, run_at, dedupe_key) each."""
    if not items:
        return
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert = insert_for(dialect)
    rows = [{"kind": kind, "payload": payload, "run_at": run_at, "status": "pending", "dedupe_key": key,
             "attempts": 0, "max_attempts": max_attempts, "created_at": run_at} for payload, run_at, key in items]
    await session.execute(insert(Job.__table__).on_conflict_do_nothing(index_elements=["dedupe_key"]), rows)


class JobRunner:
    """Claims and runs due jobs. One per process; any number of processes per database."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        lease_seconds: float = 120.0,
        batch_size: int = 20,
        poll_seconds: float = 1.0,
        worker_id: str | None = None,
        platforms: Callable[[], set[str]] | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.lease = timedelta(seconds=lease_seconds)
        self.batch_size = batch_size
        self.poll_seconds = poll_seconds
        self.worker_id = worker_id or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        #: the platforms this process has adapters for (None: it serves every job)
        self.platforms = platforms
        self.handlers: dict[str, JobHandler] = {}
        #: ids of the jobs this process is running now
        self._running: set[int] = set()
        self._wake = asyncio.Event()
        self._stopping = False
        #: runs that end together are recorded in one transaction
        self._finishes: GroupCommit[None, _Finish, None] = GroupCommit(self._finish_batch)

    def register(self, kind: str, handler: JobHandler) -> None:
        if kind in self.handlers:
            raise ValueError(f"two handlers for job kind {kind!r}")
        self.handlers[kind] = handler

    def wake(self) -> None:
        """Look for due work now instead of at the next poll."""
        self._wake.set()

    async def claim(self, limit: int | None = None) -> list[Job]:
        """Lease up to ``limit`` due jobs to this worker."""
        now = self.clock.now()
        limit = limit or self.batch_size

        async def _claim(session: AsyncSession) -> list[Job]:
            due = or_(
                and_(Job.status == "pending", Job.run_at <= now),
                and_(Job.status == "running", Job.lease_until < now),
            )
            query = select(Job).where(due)
            if self._running:  # an expired lease of our own is still running here: never twice at once
                query = query.where(Job.id.not_in(sorted(self._running)))
            if self.platforms is not None:  # jobs stamped for a platform this process lacks wait
                query = query.where(or_(Job.platform.is_(None), Job.platform.in_(sorted(self.platforms()))))
            query = query.order_by(Job.run_at, Job.id).limit(limit)
            if not self.db.is_sqlite:
                query = query.with_for_update(skip_locked=True)
            jobs = list((await session.scalars(query)).all())
            for job in jobs:
                job.status = "running"
                # Each claim is its own lease: a run whose lease expired and was claimed again
                # (here or elsewhere) can no longer finish the job under the newer lease.
                job.lease_owner = f"{self.worker_id[:52]}:{uuid.uuid4().hex[:8]}"
                job.lease_until = now + self.lease
                job.attempts += 1
            return jobs

        return await self.db.write_retrying(_claim)

    async def _finish(self, job: Job, *, error: str | None = None, retry_at: datetime | None = None,
                      platform: str | None = None, also: Sequence[FinishWork] = ()) -> None:
        """Record how a run ended. Jobs ending together (a fan-out's sends) share one
        transaction: with eight in flight, that is one write for several jobs, not one each."""
        now = self.clock.now()
        values: dict[str, Any]
        if retry_at is not None:
            values = {"status": "pending", "run_at": retry_at, "lease_owner": None, "lease_until": None,
                      "attempts": Job.attempts - (0 if error else 1), "last_error": error}
            if platform is not None:
                values["platform"] = platform
        elif error is None:
            values = {"status": "done", "finished_at": now, "lease_owner": None, "lease_until": None}
        elif job.attempts >= job.max_attempts:
            values = {"status": "failed", "finished_at": now, "last_error": error, "lease_owner": None}
        else:
            values = {"status": "pending", "run_at": now + backoff(job.attempts), "last_error": error,
                      "lease_owner": None, "lease_until": None}
        await self._finishes.submit(None, (job.id, job.lease_owner, values, tuple(also)))

    async def _finish_batch(self, _: None, batch: list[_Finish]) -> list[None]:
        table = Job.__table__
        # Only the lease holder may finish the job (a late worker must not undo a re-claim).
        holder = and_(table.c.id == bindparam("b_id"), table.c.lease_owner == bindparam("b_owner"))
        done = [{"b_id": job_id, "b_owner": owner, **values} for job_id, owner, values, _ in batch
                if values["status"] == "done"]
        others = [(job_id, owner, values) for job_id, owner, values, _ in batch if values["status"] != "done"]

        async def _update(session: AsyncSession) -> None:
            for *_, works in batch:
                for work in works:
                    await work(session)
            if done:  # one cached statement, many parameter sets
                await session.execute(update(table).where(holder), done)
            for job_id, owner, values in others:
                await session.execute(
                    update(Job).where(Job.id == job_id, Job.lease_owner == owner).values(**values))

        await self.db.write_retrying(_update)
        return [None] * len(batch)

    async def run_job(self, job: Job) -> None:
        with log_context(job=job.id, job_kind=job.kind):
            started = time.perf_counter()
            await self._run_job(job)
            elapsed_ms = round((time.perf_counter() - started) * 1000, 1)
            log.debug("job %s finished", job.id, extra={"duration_ms": elapsed_ms})

    async def _run_job(self, job: Job) -> None:
        handler = self.handlers.get(job.kind)
        if handler is None:
            await self._finish(job, error=f"no handler for job kind {job.kind!r}")
            log.error("job %s has unknown kind %s", job.id, job.kind)
            return
        ctx = JobContext(job_id=job.id, kind=job.kind, payload=dict(job.payload), attempt=job.attempts,
                         now=self.clock.now())
        try:
            await handler(ctx)
        except RetryLater as later:
            await self._finish(job, retry_at=later.at)
        except AdapterMissing as missing:
            # Another process sharing the database has this platform's adapter: stamp the job
            # so only such a process claims it (not counted as an attempt; handlers are
            # idempotent). With no such process it waits, rather than failing or spinning.
            log.info("job %s (%s) needs the %s adapter; handed over", job.id, job.kind, missing.platform)
            await self._finish(job, retry_at=self.clock.now(), platform=missing.platform)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.exception("job %s (%s) failed on attempt %d", job.id, job.kind, job.attempts)
            await self._finish(job, error=f"{type(exc).__name__}: {exc}"[:2000])
        else:
            try:
                await self._finish(job, also=ctx.on_done)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if not ctx.on_done:
                    raise
                log.exception("job %s (%s) could not record its outcome", job.id, job.kind)
                await self._finish(job, error=f"{type(exc).__name__}: {exc}"[:2000])

    async def run_due(self, *, concurrency: int = 8) -> int:
        """Run everything due now, keeping up to ``concurrency`` jobs in flight and claiming
        more as soon as one finishes (no waiting for a whole batch). Returns jobs run."""
        total = 0
        running: set[asyncio.Task[None]] = set()
        try:
            while True:
                free = concurrency - len(running)
                jobs = await self.claim(limit=min(self.batch_size, free)) if free > 0 else []
                for job in jobs:
                    task = asyncio.create_task(self.run_job(job))
                    running.add(task)
                    self._running.add(job.id)
                    task.add_done_callback(running.discard)
                    task.add_done_callback(lambda _, job_id=job.id: self._running.discard(job_id))
                total += len(jobs)
                if not running:
                    return total
                if not jobs or len(running) >= concurrency:
                    # Until one finishes, or new work is announced, or a poll interval passes:
                    # one slow job must not hold up what falls due meanwhile.
                    self._wake.clear()
                    woken = asyncio.ensure_future(self._wake.wait())
                    await asyncio.wait({*running, woken}, timeout=self.poll_seconds,
                                       return_when=asyncio.FIRST_COMPLETED)
                    woken.cancel()
        finally:
            if running:
                await asyncio.gather(*running, return_exceptions=True)

    async def next_due(self) -> datetime | None:
        async with self.db.read() as session:
            return await session.scalar(
                select(Job.run_at).where(Job.status == "pending").order_by(Job.run_at).limit(1)
            )

    async def run_forever(self) -> None:
        """Poll for due jobs until :meth:`stop`; woken early by :meth:`wake`."""
        self._stopping = False
        while not self._stopping:
            try:
                await self.run_due()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("job runner loop error; continuing")
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.poll_seconds)

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()
