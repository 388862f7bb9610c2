"""Dates and times as people write them, in their own language and time zone.

dateparser reads "tomorrow 7:30am", "viernes 8am", "in 2 hours"; each UI language's own ways
of joining a day to a time ("el lunes a las 9", "thứ hai lúc 9 giờ") are first rewritten into
forms it reads (:mod:`bot.api.when_phrases`), and a reading that lost the time written is
refused rather than scheduled wrong. When the member's language fails we try English and ISO
forms before giving up, and callers show examples that work, in the member's language. Times
are shown back with Babel in the reader's locale and zone, so a teacher sees exactly what
they scheduled.
"""

from __future__ import annotations

import logging
import warnings
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from bot.api import when_phrases
from bot.i18n import languages
from bot.i18n.languages import babel_locale

log = logging.getLogger(__name__)

#: how far ahead a time may be: past it, "in 500 years" is a slip, not a plan
HORIZON = timedelta(days=366)
#: the stored quiet hours of someone who wants none
QUIET_OFF = "off"


def warm_up() -> None:
    """dateparser's first call costs ~100 ms; pay it at start-up, not on a teacher's command."""
    parse_when("tomorrow 8am", "en", ZoneInfo("UTC"), datetime.now(UTC))


def parse_when(text: str, lang: str | None, zone: ZoneInfo, now: datetime) -> datetime | None:
    """An aware UTC datetime for ``text`` read in ``lang`` and ``zone`` relative to ``now``.

    Future dates are preferred ("Friday" is the next Friday). None when unreadable.
    """
    text = text.strip()
    if not text:
        return None
    local_now = now.astimezone(zone).replace(tzinfo=None)
    settings = {
        "PREFER_DATES_FROM": "future",
        "TIMEZONE": zone.key,
        "TO_TIMEZONE": "UTC",
        "RETURN_AS_TIMEZONE_AWARE": True,
        "RELATIVE_BASE": local_now,
    }
    import dateparser  # a fifth of a second to import: paid by the first phrase (or warm_up), not every start

    base = languages.base(lang) if lang else None
    normalized = when_phrases.normalize(text, base)
    written_clock = when_phrases.clock_of(normalized)
    written_day = when_phrases.weekday_of(normalized, base)
    tried: list[tuple[str, tuple[str, ...] | None]] = []
    if base:
        tried += [(normalized, (base, "en") if base != "en" else ("en",)), (text, (base,))]
    tried += [(normalized, ("en",)), (text, None)]
    for phrase, langs in dict.fromkeys(tried):  # each reading once (English, or nothing to rewrite)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                result = dateparser.parse(phrase, languages=list(langs) if langs else None,
                                          settings=settings)  # type: ignore[arg-type]
        except Exception:  # dateparser raises assorted errors on odd input
            log.debug("dateparser failed for a %s phrase", langs)
            result = None
        if result is None:
            continue
        local = result.astimezone(zone)
        if written_clock is not None and (local.hour, local.minute) != written_clock:
            continue  # a reading that lost the time the person wrote ("9" read as midnight) is no reading
        if written_day is not None and local.weekday() != written_day:
            continue  # nor one on another day than the one named ("lunes … 25" read as the 25th)
        return result.astimezone(UTC)
    return None


def future_time(text: str, lang: str | None, zone: ZoneInfo, now: datetime) -> datetime:
    """``text`` read as a future moment, or a kind UserError that names the forms that work
    (unreadable) or echoes the exact moment understood (in the past, or more than a year
    ahead: nothing a class plans is that far away, and a typo should not park a job for
    centuries)."""
    from bot.api.errors import UserError

    parsed = parse_when(text, lang, zone, now)
    if parsed is None:
        raise UserError("I couldn't read the time \"{when}\". Try for example {examples}.", when=text,
                        examples=when_phrases.examples(lang))
    if parsed <= now:
        raise UserError("{when} is in the past. Please choose a future time.", when=format_when(parsed, lang, zone))
    if parsed > now + HORIZON:
        raise UserError("{when} is more than a year from now. Please choose a time within the next year.",
                        when=format_when(parsed, lang, zone))
    return parsed


def format_when(moment: datetime, lang: str | None, zone: ZoneInfo) -> str:
    """"Friday, 2 October 2026 at 08:00 (America/New_York)" in the reader's language."""
    local = moment.astimezone(zone)
    try:
        shown = format_datetime(local, "EEEE d MMMM y, HH:mm", locale=babel_locale(lang))
    except Exception:
        shown = local.strftime("%A %d %B %Y, %H:%M")
    return f"{shown} ({zone.key})"


def format_day(moment: datetime, lang: str | None, zone: ZoneInfo) -> str:
    """"Friday 2 October 2026" in the reader's language: the day ``moment`` falls on in ``zone``."""
    local = moment.astimezone(zone)
    try:
        return format_datetime(local, "EEEE d MMMM y", locale=babel_locale(lang))
    except Exception:
        return local.strftime("%A %d %B %Y")


def in_quiet_hours(moment: datetime, quiet: str | None, zone: ZoneInfo) -> bool:
    """True when ``moment`` falls inside a member's quiet hours ("21:00-07:00", or "off")."""
    return quiet_hours_end(moment, quiet, zone) != moment


def quiet_hours_end(moment: datetime, quiet: str | None, zone: ZoneInfo) -> datetime:
    """``moment`` itself when it is outside quiet hours, otherwise when they end (UTC)."""
    if not quiet or quiet == QUIET_OFF or "-" not in quiet:
        return moment
    start_text, end_text = quiet.split("-", 1)
    start = time.fromisoformat(start_text.strip())
    end = time.fromisoformat(end_text.strip())
    local = moment.astimezone(zone)
    now_t = local.time()
    if start < end:
        inside = start <= now_t < end
        end_day = local.date()
    else:  # spans midnight
        inside = now_t >= start or now_t < end
        end_day = local.date() + timedelta(days=1) if now_t >= start else local.date()
    if not inside:
        return moment
    end_local = datetime.combine(end_day, end, tzinfo=zone)
    return end_local.astimezone(UTC)
