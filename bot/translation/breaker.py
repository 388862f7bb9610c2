"""A circuit breaker, so a dead provider is not hammered and callers fail fast."""

from __future__ import annotations

import time
from collections.abc import Callable


class CircuitBreaker:
    """Opens after ``failures`` consecutive failures; after ``reset_seconds`` one trial call
    is let through (half-open): success closes it, failure opens it again."""

    def __init__(self, failures: int, reset_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.threshold = failures
        self.reset_seconds = reset_seconds
        self.clock = clock
        self.consecutive = 0
        self.opened_at: float | None = None
        self._trial_in_flight = False

    @property
    def state(self) -> str:
        if self.opened_at is None:
            return "closed"
        if self.clock() - self.opened_at >= self.reset_seconds:
            return "half-open"
        return "open"

    def allow(self) -> bool:
        state = self.state
        if state == "closed":
            return True
        if state == "half-open" and not self._trial_in_flight:
            self._trial_in_flight = True
            return True
        return False

    def success(self) -> None:
        self.consecutive = 0
        self.opened_at = None
        self._trial_in_flight = False

    def failure(self) -> None:
        self.consecutive += 1
        self._trial_in_flight = False
        if self.opened_at is not None or self.consecutive >= self.threshold:
            self.opened_at = self.clock()

    def abandon(self) -> None:
        """The call let through never finished (its caller was cancelled): it proves nothing
        either way, and the next caller may make the trial."""
        self._trial_in_flight = False
