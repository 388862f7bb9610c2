"""Pacing outbound requests under a platform's published rate limit.

Platforms state their limits as "N requests in any window of S seconds" (50 per second for a
whole bot; about one message per second in a channel) and answer a request over the limit
with 429 and a penalty. A leaky bucket of one (one request every S/N seconds) never bursts,
but every timer that wakes a little late is time lost for good, so a long fan-out runs
several percent under the limit. A sliding window keeps the full rate: a late wake-up is
caught up inside the window, and the count in any window of S seconds still never exceeds N.

``burst`` caps how many requests may leave together (the window is split into N/burst
slices, each holding at most ``burst``): a whole window's worth at once is allowed by the
letter of the limit but is what anti-spam heuristics notice. The sliding-window bookkeeping
is pyrate-limiter's; this module only gives each key (a channel, "dm") its own window and its
own waiting line, so a busy channel never holds up another.
"""

from __future__ import annotations

import math

from pyrate_limiter import BucketFactory, InMemoryBucket, Limiter, MonotonicClock, Rate, RateItem


class _BucketPerKey(BucketFactory):
    """One sliding window per key (a channel may have a limit of its own), created on first use.

    Old entries are dropped here, on the caller's path, once a window holds twice what its
    rates can count: no background leaker thread per pacer."""

    def __init__(self, rates: list[Rate]) -> None:
        self._rates = rates
        self._keep = 2 * max(rate.limit for rate in rates)
        self._clock = MonotonicClock()
        self._buckets: dict[str, InMemoryBucket] = {}

    def wrap_item(self, name: str, weight: int = 1) -> RateItem:
        return RateItem(name, self._clock.now(), weight=weight)

    def get(self, item: RateItem) -> InMemoryBucket:
        bucket = self._buckets.get(item.name)
        if bucket is None:
            bucket = self._buckets[item.name] = InMemoryBucket(self._rates)
        elif len(bucket.items) > self._keep:
            bucket.leak(item.timestamp)
        return bucket


class Pacer:
    """At most ``count`` requests per key in any window of ``seconds``, at most ``burst`` at once.

    ``margin_ms`` is added to every wait, so a request never lands exactly on the window's
    edge as the platform measures it.
    """

    def __init__(self, count: int, seconds: float, *, burst: int | None = None, margin_ms: int = 5) -> None:
        if count < 1 or seconds <= 0:
            raise ValueError("a rate needs at least one request in a positive window")
        window_ms = max(1, round(seconds * 1000))
        burst = min(count, burst or count)
        rates = [Rate(count, window_ms)]
        if burst < count:
            slice_ms = max(1, math.floor(window_ms * burst / count))
            rates.insert(0, Rate(burst, slice_ms))
        self._margin_ms = margin_ms
        self._buckets = _BucketPerKey(rates)
        # A limiter waits under its own lock, so each key gets one over the shared buckets.
        self._limiters: dict[str, Limiter] = {}

    async def wait(self, key: str = "default") -> None:
        """Return when one more request for ``key`` fits under the limit (and count it)."""
        limiter = self._limiters.get(key)
        if limiter is None:
            limiter = self._limiters[key] = Limiter(self._buckets, buffer_ms=self._margin_ms)
        await limiter.try_acquire_async(key)
