"""Counts and timings the bot keeps about itself, for ``/metrics``.

Plain numbers in memory, so a console start pays nothing for them; when the HTTP server runs,
bot/runtime/http_server.py hands them to prometheus-client (imported only then: it costs a tenth of a
console start) as Prometheus metric families. Names follow Prometheus conventions
(``_total`` counters, ``_seconds`` histograms); labels are small fixed sets (event kind,
delivery mode and result, platform), never a person, a text or an id.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass, field

#: upper bounds of the histogram buckets, in seconds (+Inf is implied)
BUCKETS: tuple[float, ...] = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

Labels = tuple[tuple[str, str], ...]

#: what each metric means (the HELP line /metrics shows)
DESCRIPTIONS: dict[str, str] = {
    "homeroom_events_total": "Platform events dispatched, by kind.",
    "homeroom_handler_seconds": "Time to handle one event, by kind.",
    "homeroom_handler_failures_total": "Events whose handling failed with an apology, by kind.",
    "homeroom_deliveries_total": "Messages to people settled, by mode (dm, digest) and result.",
    "homeroom_translation_seconds": "Time of one provider request.",
    "homeroom_platform_rate_limited_total": "Requests a platform answered with HTTP 429 (each one waited out "
                                            "and sent again by the SDK), by platform and route.",
}


@dataclass
class Histogram:
    counts: list[int] = field(default_factory=lambda: [0] * len(BUCKETS))
    total: float = 0.0
    count: int = 0

    def observe(self, seconds: float) -> None:
        index = bisect.bisect_left(BUCKETS, seconds)
        if index < len(BUCKETS):
            self.counts[index] += 1
        self.total += seconds
        self.count += 1

    def cumulative(self) -> list[tuple[str, int]]:
        """(upper bound, observations at or under it) with "+Inf" last, as Prometheus reads them."""
        running, out = 0, []
        for bound, number in zip(BUCKETS, self.counts, strict=True):
            running += number
            out.append((repr(bound), running))
        out.append(("+Inf", self.count))
        return out


def _labels(values: dict[str, str]) -> Labels:
    return tuple(sorted((key, str(value)) for key, value in values.items()))


class Metrics:
    """Counters and histograms keyed by name and labels."""

    def __init__(self) -> None:
        self.counters: dict[str, dict[Labels, float]] = defaultdict(lambda: defaultdict(float))
        self.histograms: dict[str, dict[Labels, Histogram]] = defaultdict(lambda: defaultdict(Histogram))

    def inc(self, name: str, amount: float = 1.0, **labels: str) -> None:
        self.counters[name][_labels(labels)] += amount

    def observe(self, name: str, seconds: float, **labels: str) -> None:
        self.histograms[name][_labels(labels)].observe(seconds)

    def value(self, name: str, **labels: str) -> float:
        """A counter's value (0 when never counted): for tests and the health page."""
        return self.counters.get(name, {}).get(_labels(labels), 0.0)
