"""Acknowledgements before work: Slack retries a request it has not seen answered within 3 s,
and a person sees "operation timed out" where a slash command is answered late.

bolt answers a request as soon as its listener acknowledges it, but it notices the
acknowledgement by polling every 10 ms, and the work behind an acknowledged request
(reading the member, translating, posting) runs on the same event loop. In a burst, that
work would compete with the acknowledgements of the requests that came with it. So the work
waits its turn: a short grace (one polling interval and a half, so requests that arrived
together are all read), then until no request is waiting for its answer, never longer than
``max_wait`` so a steady stream of requests cannot starve it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator


class AcknowledgementsFirst:
    def __init__(self, *, grace: float = 0.015, max_wait: float = 1.0) -> None:
        self.grace = grace
        self.max_wait = max_wait
        self._unanswered = 0
        self._idle = asyncio.Event()
        self._idle.set()

    @contextlib.contextmanager
    def answering(self) -> Iterator[None]:
        """Around one request, from its arrival until its answer is written."""
        self._unanswered += 1
        self._idle.clear()
        try:
            yield
        finally:
            self._unanswered -= 1
            if self._unanswered == 0:
                self._idle.set()

    @property
    def unanswered(self) -> int:
        return self._unanswered

    async def wait_turn(self) -> None:
        """Return when the work behind an acknowledged request may start."""
        await asyncio.sleep(self.grace)
        if self._unanswered:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._idle.wait(), self.max_wait)
