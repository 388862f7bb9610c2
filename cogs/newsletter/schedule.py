"""Reading "Friday 15:00" and finding the next such moment in a zone, across DST changes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.api.errors import UserError
from bot.api.when import babel_locale
from bot.i18n import N_

MSG_NO_TIME = N_("I understood the day {day} in \"{text}\", but not a time. Write the day and the time, "
                 "for example every:\"Friday 15:00\" or every:\"Fri 3pm\".")
MSG_NO_DAY = N_("I understood the time {time} in \"{text}\", but not a day of the week. Write the day and the "
                "time, for example every:\"Friday 15:00\" or every:\"Fri 3pm\".")
MSG_NOTHING = N_("I could not read \"{text}\" as a day and a time. Write for example every:\"Friday 15:00\" or "
                 "every:\"Fri 3pm\".")

_TIME = re.compile(r"^(?P<h>\d{1,2})(?:[:.h](?P<m>\d{2}))?\s*(?P<ampm>a\.?m\.?|p\.?m\.?)?$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Weekly:
    weekday: int  # 0 = Monday
    at: time

    @property
    def clock(self) -> str:
        return f"{self.at:%H:%M}"


def _day_names(lang: str | None) -> dict[str, int]:
    from babel.dates import get_day_names

    names: dict[str, int] = {}
    for locale in dict.fromkeys(("en", babel_locale(lang))):
        for width in ("wide", "abbreviated"):
            try:
                found = get_day_names(width, locale=locale)
            except Exception:
                continue
            for number, name in found.items():
                names[name.lower().rstrip(".")] = number
    for extra, number in (("tues", 1), ("weds", 2), ("thur", 3), ("thurs", 3)):
        names.setdefault(extra, number)
    return names


def _read_time(text: str) -> time | None:
    match = _TIME.match(text.strip())
    if match is None:
        return None
    hour, minute = int(match["h"]), int(match["m"] or 0)
    ampm = (match["ampm"] or "").replace(".", "").lower()
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def parse_weekly(text: str, lang: str | None) -> Weekly:
    """A weekday and a time from "Friday 15:00", "fri 3pm", "viernes 15:00"; otherwise a kind
    error that says what was understood."""
    words = [w for w in re.split(r"[\s,]+", text.strip().lower()) if w and w not in ("at", "every", "each", "à", "a")]
    names = _day_names(lang)
    day = next((names[w.rstrip(".")] for w in words if w.rstrip(".") in names), None)
    rest = " ".join(w for w in words if w.rstrip(".") not in names)
    at = _read_time(rest) if rest else None
    if day is not None and at is not None:
        return Weekly(day, at)
    if day is not None:
        raise UserError(MSG_NO_TIME, text=text, day=next(w for w in words if w.rstrip(".") in names))
    if at is not None:
        raise UserError(MSG_NO_DAY, text=text, time=f"{at:%H:%M}")
    raise UserError(MSG_NOTHING, text=text)


def next_after(weekly: Weekly, zone: ZoneInfo, now: datetime) -> datetime:
    """The first moment after ``now`` that is ``weekly`` on the wall clock of ``zone`` (so
    15:00 stays 15:00 when the clocks change), in UTC."""
    local = now.astimezone(zone)
    day = local.date() + timedelta(days=(weekly.weekday - local.weekday()) % 7)
    candidate = datetime.combine(day, weekly.at, tzinfo=zone)
    if candidate <= local:
        candidate = datetime.combine(day + timedelta(days=7), weekly.at, tzinfo=zone)
    return candidate.astimezone(UTC)
