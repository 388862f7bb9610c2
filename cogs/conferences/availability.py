"""A teacher's availability, read in their language and zone, as bookable slots.

"Tue 15:00-18:00 every 15min; Thu 07:00-08:00 every 20min" is a list of windows separated
by ``;`` (or new lines). Each window is a day, a time range and an optional step: the day is
read by dateparser in the teacher's language ("martes", "jue 10 sep", "2026-09-08"), the
range and step by the small grammar here (``15:00-18:00``, ``3pm-5:30pm``, ``every 15min``,
``cada 20 minutos``). Slots are laid out in the teacher's wall-clock time and only then
converted to UTC, so a window on the day clocks change still starts at the times typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from babel.dates import format_date

from bot.api.errors import UserError
from bot.api.when import babel_locale, parse_when
from bot.i18n import N_, P_

EXAMPLE = "Tue 15:00-18:00 every 15min; Thu 07:00-08:00 every 20min"

MSG_NO_SLOT = N_("I could not find any time in \"{text}\". Write the days and times like this: {example}")
MSG_SEGMENT = N_("I could not read \"{part}\". Write each day like this: {example}")
MSG_DAY = N_("I could not read the day in \"{part}\" (for example \"Tue\", \"Thursday 10 Sep\", \"2026-09-08\").")
MSG_RANGE = N_("In \"{part}\" the end time must be after the start time.")
MSG_STEP = N_("I could not read the step in \"{part}\" (for example \"every 15min\").")
MSG_TOO_SHORT = N_("In \"{part}\" a {minutes}-minute conference does not fit between the times given.")
MSG_TOO_MANY = P_("That makes {count} slot; a conference may have at most {max}. I understood: {summary}",
                  "That makes {count} slots; a conference may have at most {max}. I understood: {summary}")
MSG_PAST = N_("Some of these times are in the past ({first}). I understood: {summary}")
MSG_OVERLAP = N_("These times overlap: {first} and {second}. I understood: {summary}")

_CLOCK = r"\d{1,2}(?:[:.h]\d{2})?\s*(?:[ap]\.?m\.?)?"
_WINDOW = re.compile(
    rf"^(?P<day>.*?)\s*(?P<start>{_CLOCK})\s*(?:-|–|—|to|a|hasta|à)\s*(?P<end>{_CLOCK})"
    r"(?:\s*,?\s*(?:every|each|cada|chaque|toutes les|tous les|alle|mỗi)\s+(?P<step>.+?))?\s*$",
    re.IGNORECASE)
_STEP = re.compile(r"^(\d+)\s*([a-zà-ÿ]*)\.?$", re.IGNORECASE)
_MINUTE_UNITS = {"", "m", "min", "mins", "minute", "minutes", "minuto", "minutos", "mn", "phút"}
_HOUR_UNITS = {"h", "hr", "hrs", "hour", "hours", "hora", "horas", "heure", "heures", "giờ"}


@dataclass(frozen=True, slots=True)
class Window:
    """One window as understood, in the teacher's wall-clock time."""

    day: date
    start: time
    end: time
    step: timedelta


@dataclass(frozen=True, slots=True)
class Availability:
    windows: tuple[Window, ...]
    #: (start, end) in UTC, in order
    slots: tuple[tuple[datetime, datetime], ...]


def parse_clock_text(text: str) -> time | None:
    """``15:00``, ``7.30``, ``15h``, ``3pm``, ``3:30 p.m.`` as a time of day."""
    match = re.fullmatch(r"(\d{1,2})(?:[:.h](\d{2}))?\s*(?:([ap])\.?m\.?)?", text.strip().lower())
    if match is None:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    half = match.group(3)
    if half is not None:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "p" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def parse_step(text: str) -> timedelta | None:
    """``15min``, ``20 minutos``, ``1h``, ``1 hora``."""
    match = _STEP.match(text.strip().lower())
    if match is None:
        return None
    amount, unit = int(match.group(1)), match.group(2)
    if unit in _MINUTE_UNITS:
        step = timedelta(minutes=amount)
    elif unit in _HOUR_UNITS:
        step = timedelta(hours=amount)
    else:
        return None
    return step if step > timedelta(0) else None


def short_day(day: date, lang: str | None) -> str:
    try:
        return format_date(day, "EEE d MMM", locale=babel_locale(lang))
    except Exception:
        return day.strftime("%a %d %b")


def summary(windows: tuple[Window, ...] | list[Window], lang: str | None) -> str:
    """"Tue 8 Sep 15:00–18:00, Thu 10 Sep 07:00–08:00" in the teacher's language."""
    return ", ".join(f"{short_day(w.day, lang)} {w.start:%H:%M}–{w.end:%H:%M}" for w in windows)


def _window(part: str, lang: str | None, zone: ZoneInfo, now: datetime, length: timedelta | None,
            default_length: timedelta) -> Window:
    match = _WINDOW.match(part)
    if match is None:
        raise UserError(MSG_SEGMENT, part=part, example=EXAMPLE)
    start, end = parse_clock_text(match.group("start")), parse_clock_text(match.group("end"))
    if start is None or end is None:
        raise UserError(MSG_SEGMENT, part=part, example=EXAMPLE)
    if end <= start:
        raise UserError(MSG_RANGE, part=part)
    day_text = match.group("day").strip(" ,")
    moment = parse_when(day_text, lang, zone, now) if day_text else None
    if moment is None:
        raise UserError(MSG_DAY, part=part)
    step_text = match.group("step")
    step = parse_step(step_text) if step_text else (length or default_length)
    if step is None:
        raise UserError(MSG_STEP, part=part)
    return Window(moment.astimezone(zone).date(), start, end, step)


def parse_availability(text: str, lang: str | None, zone: ZoneInfo, now: datetime, *,
                       length: timedelta | None = None, default_length: timedelta = timedelta(minutes=15),
                       max_slots: int = 200) -> Availability:
    """Every slot of ``text`` (see the module docstring), or a kind :class:`UserError` that
    says what was understood: nothing readable, too many slots, a time in the past, or two
    times that overlap."""
    parts = [p.strip() for p in re.split(r"[;\n]", text) if p.strip()]
    if not parts:
        raise UserError(MSG_NO_SLOT, text=text, example=EXAMPLE)
    windows = [_window(part, lang, zone, now, length, default_length) for part in parts]
    local: list[tuple[datetime, datetime, str]] = []
    for window, part in zip(windows, parts, strict=True):
        duration = length or window.step
        begin = datetime.combine(window.day, window.start)
        finish = datetime.combine(window.day, window.end)
        count = 0
        cursor = begin
        while cursor + duration <= finish:
            local.append((cursor, cursor + duration, part))
            cursor += window.step
            count += 1
            if len(local) > max_slots:
                break
        if count == 0:
            raise UserError(MSG_TOO_SHORT, part=part, minutes=int(duration.total_seconds() // 60))
        if len(local) > max_slots:
            break
    understood = summary(windows, lang)
    if len(local) > max_slots:
        total = _count_all(windows, length)
        raise UserError(MSG_TOO_MANY, count=total, max=max_slots, summary=understood)
    local.sort()
    for (a_start, a_end, _), (b_start, b_end, _) in pairwise(local):
        if b_start < a_end:
            raise UserError(MSG_OVERLAP, first=_span(a_start, a_end, lang), second=_span(b_start, b_end, lang),
                            summary=understood)
    slots = tuple((start.replace(tzinfo=zone).astimezone(UTC), end.replace(tzinfo=zone).astimezone(UTC))
                  for start, end, _ in local)
    past = [(s, e) for (s, e), (ls, le, _) in zip(slots, local, strict=True) if s <= now]
    if past:
        first = next(_span(ls, le, lang) for (s, _), (ls, le, _) in zip(slots, local, strict=True) if s <= now)
        raise UserError(MSG_PAST, first=first, summary=understood)
    return Availability(tuple(windows), slots)


def _span(start: datetime, end: datetime, lang: str | None) -> str:
    return f"{short_day(start.date(), lang)} {start:%H:%M}–{end:%H:%M}"


def _count_all(windows: list[Window], length: timedelta | None) -> int:
    total = 0
    for window in windows:
        duration = length or window.step
        span = datetime.combine(window.day, window.end) - datetime.combine(window.day, window.start)
        if span >= duration:
            total += int((span - duration) / window.step) + 1
    return total
