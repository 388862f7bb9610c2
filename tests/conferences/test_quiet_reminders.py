"""A conference reminder whose moment falls in quiet hours that end only after the
conference starts: sent just before the quiet hours begin when that is close enough to the
start, otherwise at its own time despite them; never dropped. The rule itself, then what a
family on the console actually receives and when (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from adapters.console import ConsoleSession, console_session
from bot.db.engine import Database
from cogs.conferences.reminders import reminder_moment

NEW_YORK = ZoneInfo("America/New_York")
QUIET = "21:00-07:00"
LIMIT = timedelta(hours=3)
NOW = datetime(2026, 9, 7, 13, 0, tzinfo=UTC)


def ny(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 9, day, hour, minute, tzinfo=NEW_YORK).astimezone(UTC)


def test_a_reminder_outside_quiet_hours_goes_at_its_time() -> None:
    assert reminder_moment(ny(8, 14), ny(8, 15), QUIET, NEW_YORK, now=NOW, limit=LIMIT) == (ny(8, 14), False)


def test_a_reminder_whose_quiet_hours_end_before_the_start_waits_for_them() -> None:
    # due 22:00, quiet until 07:00, conference 08:00 the next day: the delivery holds it until 07:00
    assert reminder_moment(ny(8, 22), ny(9, 8), QUIET, NEW_YORK, now=NOW, limit=LIMIT) == (ny(8, 22), False)


def test_an_evening_reminder_goes_just_before_quiet_hours_begin() -> None:
    assert reminder_moment(ny(8, 21, 30), ny(8, 22, 30), QUIET, NEW_YORK, now=NOW, limit=LIMIT) == (
        ny(8, 20, 55), True)


def test_an_early_morning_reminder_goes_at_its_time_despite_quiet_hours() -> None:
    # quiet hours began 9 h 30 before the 06:30 conference: the evening before is no reminder
    assert reminder_moment(ny(9, 5, 30), ny(9, 6, 30), QUIET, NEW_YORK, now=NOW, limit=LIMIT) == (
        ny(9, 5, 30), True)


def test_a_booking_made_after_quiet_hours_began_is_reminded_at_its_time() -> None:
    now = ny(8, 21, 10)
    assert reminder_moment(ny(8, 21, 30), ny(8, 22, 30), QUIET, NEW_YORK, now=now, limit=LIMIT) == (
        ny(8, 21, 30), True)


def test_quiet_hours_off_never_move_a_reminder() -> None:
    assert reminder_moment(ny(8, 23), ny(9, 0), "off", NEW_YORK, now=NOW, limit=LIMIT) == (ny(8, 23), False)


def test_quiet_hours_that_began_before_a_dst_change_are_read_in_the_persons_zone() -> None:
    # New York leaves summer time at 02:00 on 1 November: quiet hours began 21:00 EDT (01:00 UTC)
    due = datetime(2026, 11, 1, 5, 30, tzinfo=NEW_YORK).astimezone(UTC)
    starts = datetime(2026, 11, 1, 6, 30, tzinfo=NEW_YORK).astimezone(UTC)
    assert reminder_moment(due, starts, QUIET, NEW_YORK, now=NOW, limit=timedelta(hours=12)) == (
        datetime(2026, 11, 1, 0, 55, tzinfo=UTC), True)


async def reminders_at(s: ConsoleSession, hours: int, step: str = "5m") -> dict[str, list[datetime]]:
    """Advance ``hours`` in ``step``s; when each person received a reminder."""
    seen: dict[str, list[datetime]] = {}
    steps = int(timedelta(hours=hours) / timedelta(minutes=int(step[:-1])))
    for _ in range(steps):
        before = len(s.entries)
        await s.run(f"advance {step}")
        for entry in s.entries[before:]:
            if "Reminder" in entry.text:
                seen.setdefault(entry.where, []).append(s.clock.now())
    return seen


async def test_an_evening_conference_is_reminded_before_the_familys_quiet_hours(db: Database) -> None:
    async with console_session(db) as s:
        await s.run('as Ms Rivera role=teacher tz=America/New_York\n/conference create title:"Evening" '
                    'availability:"Tue 22:00-22:30"\nclick #1 Post\nas Ben tz=America/New_York\n'
                    '/conference book id:1 time:"Tue 22:00"\nadvance 34h')  # to Tuesday 18:00 in New York
        seen = await reminders_at(s, 3)
    assert seen["DM → Ben"] == [ny(8, 20, 55)]  # quiet hours from 21:00, the hour-before moment inside them
    assert seen["DM → Ms Rivera"] == [ny(8, 20, 55)]


async def test_an_early_morning_conference_is_reminded_an_hour_before_despite_quiet_hours(db: Database) -> None:
    async with console_session(db) as s:
        await s.run('as Ms Rivera role=teacher tz=America/New_York\n/conference create title:"Early" '
                    'availability:"Thu 06:30-07:00"\nclick #1 Post\nas Ben tz=America/New_York\n'
                    '/quiet-hours hours:21:00-08:00\n/conference book id:1 time:"Thu 06:30"\nadvance 69h')
        seen = await reminders_at(s, 1)  # Thursday 05:00 to 06:00 in New York
    assert seen["DM → Ben"] == [ny(10, 5, 30)]
