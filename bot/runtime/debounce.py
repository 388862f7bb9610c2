"""Coalesce bursts: many requests for the same key within a delay become one run.

Used for sign-up card edits (a burst of 30 reactions must not become 30 message edits).
The work itself reads current state from the database, so coalescing only ever skips
redundant runs, never information; several processes each coalescing on their own is safe.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)


class Debouncer:
    def __init__(self, delay: float) -> None:
        self.delay = delay
        self._pending: dict[str, Callable[[], Awaitable[None]]] = {}
        self._timers: dict[str, asyncio.Task[None]] = {}
        self.runs = 0

    def request(self, key: str, work: Callable[[], Awaitable[None]]) -> None:
        """Run ``work`` once after ``delay``; later requests for the same key in the
        meantime replace the pending work rather than adding runs."""
        self._pending[key] = work
        if key not in self._timers:
            self._timers[key] = asyncio.create_task(self._later(key))

    async def _later(self, key: str) -> None:
        try:
            await asyncio.sleep(self.delay)
        finally:
            self._timers.pop(key, None)
        await self._run(key)

    async def _run(self, key: str) -> None:
        work = self._pending.pop(key, None)
        if work is None:
            return
        self.runs += 1
        try:
            await work()
        except Exception:
            log.exception("debounced work %s failed", key)

    async def flush(self) -> None:
        """Run everything pending now (the console after each line, tests, shutdown)."""
        for key in list(self._timers):
            timer = self._timers.pop(key, None)
            if timer is not None:
                timer.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await timer
        for key in list(self._pending):
            await self._run(key)
