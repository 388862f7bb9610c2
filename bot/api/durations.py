"""Short durations as people type them: "25h", "3d", "90m", "1h30m", "2 weeks"."""

from __future__ import annotations

import re
from datetime import timedelta

_UNITS = {
    "w": 604800, "wk": 604800, "week": 604800, "weeks": 604800,
    "d": 86400, "day": 86400, "days": 86400,
    "h": 3600, "hr": 3600, "hrs": 3600, "hour": 3600, "hours": 3600,
    "m": 60, "min": 60, "mins": 60, "minute": 60, "minutes": 60,
    "s": 1, "sec": 1, "secs": 1, "second": 1, "seconds": 1,
}
_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([a-z]+)")


def parse_duration(text: str) -> timedelta | None:
    """A positive duration, or None when the text is not one."""
    cleaned = text.strip().lower().replace(",", " ")
    if not cleaned:
        return None
    total = 0.0
    position = 0
    for match in _PART.finditer(cleaned):
        if cleaned[position:match.start()].strip():
            return None
        unit = _UNITS.get(match.group(2))
        if unit is None:
            return None
        total += float(match.group(1)) * unit
        position = match.end()
    if cleaned[position:].strip() or total <= 0:
        return None
    return timedelta(seconds=total)


def format_duration(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            parts.append(f"{seconds // size}{unit}")
            seconds %= size
    return "".join(parts) or f"{seconds}s"
