"""When a conference reminder reaches someone whose quiet hours cover its moment.

A reminder due inside a person's quiet hours normally waits for them to end. That is right
for the day-before reminder, and for an hour-before reminder when quiet hours end before the
conference starts. When they end only after the start, waiting would drop the reminder, so:

* if quiet hours begin at most ``limit`` (``[conferences] before_quiet_hours``, 3 hours by
  default) before the start, it goes at the last moment before they begin (a few minutes
  ahead, so a send that runs a little late is not held into them) — an evening conference
  after a family's quiet hours began is reminded as the evening starts;
* otherwise it goes at its own moment despite the quiet hours: an early-morning conference
  whose family's quiet hours run past its start gets its reminder an hour before, since a
  reminder the evening before would not be one.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.api.when import quiet_hours_end

#: how long before quiet hours begin an early reminder goes
AHEAD = timedelta(minutes=5)


def quiet_hours_began(moment: datetime, quiet: str, zone: ZoneInfo) -> datetime:
    """When the quiet hours that ``moment`` is inside began (UTC), in the person's zone."""
    start = time.fromisoformat(quiet.split("-", 1)[0].strip())
    local = moment.astimezone(zone)
    began = datetime.combine(local.date(), start, tzinfo=zone)
    if began > local:
        began = datetime.combine(local.date() - timedelta(days=1), start, tzinfo=zone)
    return began.astimezone(moment.tzinfo)


def reminder_moment(due: datetime, starts: datetime, quiet: str | None, zone: ZoneInfo, *, now: datetime,
                    limit: timedelta) -> tuple[datetime, bool]:
    """When a reminder meant for ``due`` (before a conference at ``starts``) should be sent
    to someone with these quiet hours, and whether it goes despite them (urgent)."""
    ends = quiet_hours_end(due, quiet, zone)
    if ends == due or ends < starts or not quiet:
        return due, False  # outside quiet hours, or they end in time: the delivery waits for them
    early = quiet_hours_began(due, quiet, zone) - AHEAD
    if now <= early and starts - early <= limit:
        return early, True
    return due, True
