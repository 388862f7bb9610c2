"""Times of day in settings ("18:00"): checked when the configuration is read, turned into a
``time`` where a feature schedules by them. Shared by the core's sections and every cog's."""

from __future__ import annotations

import re
from datetime import time


def check_clock(value: str) -> str:
    """A validator for a time-of-day setting (core or a cog's section)."""
    if not re.fullmatch(r"([01]?\d|2[0-3]):[0-5]\d", value):
        raise ValueError("a time of day as HH:MM, such as \"18:00\"")
    return value


def parse_clock(value: str) -> time:
    """A checked "HH:MM" setting as a time of day."""
    hour, minute = value.split(":")
    return time(int(hour), int(minute))
