"""Office hours as teachers write them ("Mon-Fri 8:00-16:00") and the next time they open."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_SPEC = re.compile(r"^\s*([a-z]{3})[a-z]*\s*(?:-\s*([a-z]{3})[a-z]*)?\s+(\d{1,2}(?::\d{2})?)\s*-\s*"
                   r"(\d{1,2}(?::\d{2})?)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Hours:
    days: frozenset[int]
    start: time
    end: time

    def is_open(self, local: datetime) -> bool:
        return local.weekday() in self.days and self.start <= local.time() < self.end

    def next_open(self, moment: datetime, zone: ZoneInfo) -> datetime:
        """When the teacher is next available (``moment`` itself when open now)."""
        local = moment.astimezone(zone)
        if self.is_open(local):
            return moment
        for offset in range(8):
            day = local.date() + timedelta(days=offset)
            if day.weekday() not in self.days:
                continue
            opening = datetime.combine(day, self.start, tzinfo=zone)
            if opening > local:
                return opening.astimezone(ZoneInfo("UTC"))
        return moment


def _clock(text: str) -> time | None:
    hour, _, minute = text.partition(":")
    try:
        value = time(int(hour), int(minute or 0))
    except ValueError:
        return None
    return value


def parse_office_hours(spec: str) -> Hours | None:
    match = _SPEC.match(spec)
    if not match:
        return None
    first, last = match.group(1).lower(), (match.group(2) or match.group(1)).lower()
    if first not in DAYS or last not in DAYS:
        return None
    start, end = _clock(match.group(3)), _clock(match.group(4))
    if start is None or end is None or start >= end:
        return None
    a, b = DAYS.index(first), DAYS.index(last)
    days = frozenset(range(a, b + 1)) if a <= b else frozenset([*range(a, 7), *range(0, b + 1)])
    return Hours(days=days, start=start, end=end)
