"""Calendar files (RFC 5545, written with icalendar) a family adds to their phone.

Times are written in the reader's zone (with its VTIMEZONE), so a calendar shows them right
even where it ignores UTC; each event carries the place or the link, and an alarm.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

PRODID = "-//Homeroom//Conferences//EN"


@dataclass(frozen=True, slots=True)
class CalendarEntry:
    uid: str
    title: str
    starts_at: datetime
    ends_at: datetime
    location: str = ""
    link: str = ""
    description: str = ""
    #: how long before the start the phone reminds (None: no alarm)
    alarm: timedelta | None = timedelta(hours=1)
    #: a cancelled event: calendars that know the uid remove it
    cancelled: bool = False
    sequence: int = 0


def calendar_bytes(entries: list[CalendarEntry], zone: ZoneInfo, *, stamp: datetime, name: str = "") -> bytes:
    """One .ics file holding ``entries``, their times in ``zone`` (``stamp``: when it was made)."""
    # imported here: icalendar is about 40 ms of every start, and only a booking needs it
    from icalendar import Alarm, Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if entries and all(e.cancelled for e in entries) else "PUBLISH")
    if name:
        calendar.add("x-wr-calname", name)
    for entry in entries:
        event = Event()
        event.add("uid", entry.uid)
        event.add("summary", entry.title)
        event.add("dtstamp", stamp.astimezone(ZoneInfo("UTC")))
        event.add("dtstart", entry.starts_at.astimezone(zone))
        event.add("dtend", entry.ends_at.astimezone(zone))
        event.add("sequence", entry.sequence)
        if entry.location or entry.link:
            event.add("location", entry.location or entry.link)
        if entry.link:
            event.add("url", entry.link)
        description = "\n".join(part for part in (entry.description, entry.link) if part)
        if description:
            event.add("description", description)
        event.add("status", "CANCELLED" if entry.cancelled else "CONFIRMED")
        if entry.alarm is not None and not entry.cancelled:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", entry.title)
            alarm.add("trigger", -entry.alarm)
            event.add_component(alarm)
        calendar.add_component(event)
    if entries:  # the zone's rules for the years these events fall in, not for 1970-2038
        first = min(e.starts_at for e in entries).astimezone(zone).date().replace(month=1, day=1)
        last = max(e.ends_at for e in entries).astimezone(zone).date().replace(month=12, day=31)
        calendar.add_missing_timezones(first_date=first, last_date=last + timedelta(days=1))
    return calendar.to_ical()
