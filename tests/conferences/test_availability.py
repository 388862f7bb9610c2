"""The availability grammar: days read by dateparser in the teacher's language, ranges and
steps by the small grammar, slots laid out in the teacher's wall-clock time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.api.errors import UserError
from bot.i18n import Localizer
from bot.testing import FakeTranslator
from cogs.conferences.availability import parse_availability, summary

NOW = datetime(2026, 9, 7, 12, 0, tzinfo=UTC)  # Monday 08:00 in New York
NEW_YORK = ZoneInfo("America/New_York")


def local(moment: datetime) -> str:
    return f"{moment.astimezone(NEW_YORK):%a %d %H:%M}"


def refusal(text: str, lang: str = "en", **kwargs: object) -> str:
    with pytest.raises(UserError) as caught:
        parse_availability(text, lang, NEW_YORK, NOW, **kwargs)  # type: ignore[arg-type]
    return Localizer(FakeTranslator()).sync_text("en", caught.value.msgid, **caught.value.params)


def test_a_range_with_a_step_makes_one_slot_per_step() -> None:
    parsed = parse_availability("Tue 15:00-18:00 every 15min", "en", NEW_YORK, NOW)
    assert len(parsed.slots) == 12
    assert [local(s) for s, _ in parsed.slots[:2]] == ["Tue 08 15:00", "Tue 08 15:15"]
    assert local(parsed.slots[-1][1]) == "Tue 08 18:00"


def test_several_days_in_one_availability() -> None:
    parsed = parse_availability("Tue 15:00-18:00 every 15min; Thu 07:00-08:00 every 20min", "en", NEW_YORK, NOW)
    assert len(parsed.slots) == 15
    assert summary(parsed.windows, "en") == "Tue 8 Sep 15:00–18:00, Thu 10 Sep 07:00–08:00"
    assert [local(s) for s, _ in parsed.slots[12:]] == ["Thu 10 07:00", "Thu 10 07:20", "Thu 10 07:40"]


def test_spanish_days_and_steps() -> None:
    parsed = parse_availability("martes 15:00-16:00 cada 30 minutos; jueves 7:00 a 8:00 cada 20 min", "es",
                                NEW_YORK, NOW)
    assert [local(s) for s, _ in parsed.slots] == ["Tue 08 15:00", "Tue 08 15:30", "Thu 10 07:00", "Thu 10 07:20",
                                                   "Thu 10 07:40"]
    assert summary(parsed.windows, "es").startswith("mar 8 sept 15:00–16:00")


def test_twelve_hour_clock_and_a_length_shorter_than_the_step() -> None:
    parsed = parse_availability("Wed 3pm-4pm every 20min", "en", NEW_YORK, NOW, length=timedelta(minutes=15))
    assert [(local(s), local(e)) for s, e in parsed.slots] == [
        ("Wed 09 15:00", "Wed 09 15:15"), ("Wed 09 15:20", "Wed 09 15:35"), ("Wed 09 15:40", "Wed 09 15:55")]


def test_times_keep_the_teachers_wall_clock_across_a_dst_change() -> None:
    parsed = parse_availability("Sat 31 Oct 9:00-9:30; Sun 1 Nov 9:00-9:30", "en", NEW_YORK, NOW,
                                length=timedelta(minutes=30))
    saturday, sunday = (start for start, _ in parsed.slots)
    assert (saturday.hour, sunday.hour) == (13, 14)  # EDT (UTC-4), then EST (UTC-5)
    assert local(saturday).endswith("09:00") and local(sunday).endswith("09:00")


def test_nothing_readable_says_how_to_write_it() -> None:
    assert "Write each day like this: Tue 15:00-18:00 every 15min" in refusal("whenever suits")


def test_more_than_the_limit_says_how_many_and_what_was_understood() -> None:
    text = refusal("Tue 08:00-20:00 every 1min", max_slots=200)
    assert text == "That makes 720 slots; a conference may have at most 200. I understood: Tue 8 Sep 08:00–20:00"


def test_a_time_in_the_past_is_named() -> None:
    text = refusal("2026-09-01 15:00-16:00")
    assert text.startswith("Some of these times are in the past (Tue 1 Sep 15:00–15:15).")


def test_windows_that_overlap_are_named() -> None:
    text = refusal("Tue 15:00-16:00; Tue 15:30-16:30")
    assert text.startswith("These times overlap: Tue 8 Sep 15:30–15:45 and Tue 8 Sep 15:30–15:45.")


def test_a_length_longer_than_the_step_overlaps_itself() -> None:
    assert refusal("Tue 15:00-16:00 every 10min", length=timedelta(minutes=15)).startswith("These times overlap")


def test_an_end_before_the_start_is_refused() -> None:
    assert refusal("Tue 15:00-14:00") == "In \"Tue 15:00-14:00\" the end time must be after the start time."


def test_an_unreadable_day_is_refused() -> None:
    assert refusal("Blursday 15:00-16:00").startswith("I could not read the day in \"Blursday 15:00-16:00\"")
