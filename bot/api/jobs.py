"""What a feature sees of durable jobs: the context a job handler is called with, how it
asks to run again later, and cancelling its pending jobs. Jobs are scheduled through
``core.schedule`` (in the caller's transaction); the runner behind them is the engine's
(bot/runtime/jobs.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Job


class RetryLater(Exception):
    """Raised by a handler to run the job again at ``at`` without counting a failure."""

    def __init__(self, at: datetime) -> None:
        super().__init__(at.isoformat())
        self.at = at


#: a write a handler leaves for the transaction that records its run as done
FinishWork = Callable[[AsyncSession], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class JobContext:
    job_id: int
    kind: str
    payload: dict[str, Any]
    attempt: int
    now: datetime
    #: writes to commit with the run's "done" (shared by a ``dataclasses.replace`` copy)
    on_done: list[FinishWork] = field(default_factory=list)

    def when_done(self, work: FinishWork) -> None:
        """Run ``work`` in the transaction that records this run as done, and only then: a
        handler's last write (a delivery marked sent) then costs no transaction of its own.
        If that transaction fails, the run counts as failed and is retried (handlers are
        idempotent)."""
        self.on_done.append(work)


async def cancel(session: AsyncSession, dedupe_key_prefix: str) -> int:
    """Cancel pending jobs whose dedupe key starts with a prefix (e.g. one sign-up's reminders).
    The keys are released, so the same job can be scheduled again (an event moved back to its
    first time, a task handed back to its owner)."""
    result = await session.execute(
        update(Job)
        .where(Job.status == "pending", Job.dedupe_key.startswith(dedupe_key_prefix, autoescape=True))
        .values(status="cancelled", dedupe_key=None)
    )
    return int(getattr(result, "rowcount", 0) or 0)
