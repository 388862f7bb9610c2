"""Conferences end to end on the console, on SQLite and PostgreSQL: what the teacher and each
family actually received (transcript entries, the calendar files parsed back)."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from adapters.console import ConsoleSession, console_session
from adapters.console.adapter import Entry, Person
from bot.api.events import Actor, ButtonPressed
from bot.api.refs import UserRef
from bot.db.engine import Database
from cogs.conferences.models import ConferenceBooking, ConferenceSlot

AVAILABILITY = "Tue 15:00-16:00 every 15min; Thu 07:00-08:00 every 20min"
CREATE = (f'/conference create title:"Autumn conferences" availability:"{AVAILABILITY}" where:"Room 12"')


async def posted(s: ConsoleSession, extra: str = "") -> Entry:
    """The teacher previews and posts; returns the public card."""
    await s.run(f"as Ms Rivera role=teacher tz=America/New_York\n{CREATE} {extra}")
    await s.run(f"click #{s.last('only Ms Rivera').number} Post")
    return s.find("#general", "Conferences: Autumn conferences")[0]


async def pick(s: ConsoleSession, who: str, label: str, card: Entry) -> Entry:
    """``who`` opens the picker on the card and chooses ``label``; returns their private answer."""
    await s.run(f"as {who}\nclick #{card.number} Book a time")
    await s.run(f"click #{s.last(f'only {who}').number} {label}")
    return s.last(f"only {who}")


def ics_of(entry: Entry) -> Calendar:
    [attachment] = [f for f in entry.files if f.filename.endswith(".ics")]
    return Calendar.from_ical(attachment.content)


async def test_the_preview_is_private_and_counts_what_was_understood(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"as Ms Rivera role=teacher tz=America/New_York\n{CREATE}")
        preview = s.last()
        assert preview.where == "only Ms Rivera sees"
        assert preview.text.startswith('7 slots for "Autumn conferences": Tue 8 Sep 15:00–16:00, Thu 10 Sep '
                                       '07:00–08:00. Times are in America/New_York.')
        assert [b.label for b in preview.message.buttons] == ["Post", "Edit", "Cancel"]
        assert not s.find("#")


async def test_the_posted_card_shows_free_counts_and_never_who_booked(db: Database) -> None:
    async with console_session(db) as s:
        card = await posted(s)
        await pick(s, "Maria", "Tue 8 Sep 15:00", card)
        shown = s.entries[card.number - 1].text
        assert "Tue 8 Sep: 3 of 4 free" in shown and "Thu 10 Sep: 3 of 3 free" in shown
        assert "Maria" not in shown


async def test_cancel_on_the_preview_posts_nothing(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"as Ms Rivera role=teacher\n{CREATE}\nclick #1 Cancel")
        assert s.last().text == "Conference #1 was not posted."
        assert not s.find("#")


async def test_an_availability_with_no_slot_is_explained_privately(db: Database) -> None:
    async with console_session(db) as s:
        await s.run('as Ms Rivera role=teacher\n/conference create title:"X" availability:"when you like"')
        assert s.last().where == "only Ms Rivera sees"
        assert "Write each day like this" in s.last().text
        async with db.read() as session:
            assert await session.scalar(select(func.count()).select_from(ConferenceSlot)) == 0


async def test_a_family_sees_times_in_its_own_zone_and_language(db: Database) -> None:
    async with console_session(db) as s:
        card = await posted(s)
        await s.run(f"as Maria lang=es tz=America/Los_Angeles\nclick #{card.number} Book a time")
        picker = s.last("only Maria")
        labels = [o.label for o in picker.message.selects[0].options]
        assert labels[0] == "mar 8 sept 12:00–12:15"  # 15:00 in New York
        assert "America/Los_Angeles" in picker.text


async def test_booking_confirms_by_dm_with_a_calendar_file_in_the_familys_zone(db: Database) -> None:
    async with console_session(db) as s:
        card = await posted(s)
        await s.run("as Ben tz=America/Chicago")
        answer = await pick(s, "Ben", "Tue 8 Sep 14:00", card)  # 15:00 in New York
        assert answer.text.startswith("Booked: Tuesday 8 September 2026, 14:00 (America/Chicago).")
        dm = s.last("DM → Ben")
        assert 'Your conference "Autumn conferences" with Ms Rivera is on Tuesday 8 September 2026, 14:00' in dm.text
        event = ics_of(dm).walk("VEVENT")[0]
        start, end = event.decoded("dtstart"), event.decoded("dtend")
        assert (str(start.tzinfo), start.hour, start.minute) == ("America/Chicago", 14, 0)
        assert start.astimezone(UTC) == datetime(2026, 9, 8, 19, 0, tzinfo=UTC)
        assert end - start == timedelta(minutes=15)
        assert str(event["location"]) == "Room 12"
        [alarm] = event.walk("VALARM")
        assert alarm.decoded("trigger") == -timedelta(hours=1)


async def test_a_virtual_conference_puts_the_link_in_the_calendar(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f'as Ms Rivera role=teacher\n/conference create title:"Autumn conferences" '
                    f'availability:"{AVAILABILITY}" link:"https://meet.example.org/rivera"')
        await s.run("click #1 Post")
        card = s.find("#general")[0]
        await pick(s, "Ben", "Tue 8 Sep 15:00", card)
        event = ics_of(s.last("DM → Ben")).walk("VEVENT")[0]
        assert str(event["url"]) == "https://meet.example.org/rivera"
        assert str(event["location"]) == "https://meet.example.org/rivera"


async def test_swapping_keeps_one_booking_and_frees_the_old_time(db: Database) -> None:
    async with console_session(db) as s:
        card = await posted(s)
        await pick(s, "Ben", "Tue 8 Sep 15:00", card)
        answer = await pick(s, "Ben", "Thu 10 Sep 07:20", card)
        assert answer.text.startswith("Changed: your conference is now Thursday 10 September 2026, 07:20")
        async with db.read() as session:
            bookings = (await session.scalars(select(ConferenceBooking))).all()
        assert len(bookings) == 1
        assert "Tue 8 Sep: 4 of 4 free" in s.entries[card.number - 1].text
        calendar = ics_of(s.last("DM → Ben")).walk("VEVENT")[0]
        assert calendar.decoded("dtstart").hour == 7


async def test_cancelling_frees_the_time(db: Database) -> None:
    async with console_session(db) as s:
        card = await posted(s)
        await pick(s, "Ben", "Tue 8 Sep 15:00", card)
        await s.run(f"click #{card.number} Book a time")
        await s.run(f"click #{s.last('only Ben').number} Cancel my booking")
        assert s.last("only Ben").text.startswith("Your booking for Tuesday 8 September 2026, 15:00")
        assert "Tue 8 Sep: 4 of 4 free" in s.entries[card.number - 1].text


async def test_a_taken_time_offers_the_nearest_free_ones(db: Database) -> None:
    async with console_session(db) as s:
        card = await posted(s)
        await s.run(f"as Ana\nclick #{card.number} Book a time")
        anas_menu = s.last("only Ana")
        await pick(s, "Ben", "Tue 8 Sep 15:15", card)
        await s.run(f"as Ana\nclick #{anas_menu.number} Tue 8 Sep 15:15")  # what Ana was shown a moment ago
        offer = s.last("only Ana")
        assert offer.text.startswith("Sorry, someone has just booked that time.")
        assert [o.label for o in offer.message.selects[0].options] == [
            "Tue 8 Sep 15:00–15:15", "Tue 8 Sep 15:30–15:45", "Tue 8 Sep 15:45–16:00", "Thu 10 Sep 07:00–07:20",
            "Thu 10 Sep 07:20–07:40"]


async def test_a_forged_slot_of_another_conference_is_refused(db: Database) -> None:
    async with console_session(db) as s:
        card = await posted(s)
        await s.run('as Ms Rivera\n/conference create title:"Other" availability:"Fri 10:00-11:00"')
        await s.run(f"click #{s.last('only Ms Rivera').number} Post")
        async with db.read() as session:
            other_slot = await session.scalar(select(ConferenceSlot.id).where(ConferenceSlot.conference_id == 2))
        s.console.people["ben"] = Person(user=UserRef("console", "ben"), name="Ben")
        await s.core.dispatch(ButtonPressed(
            key="forged-1", actor=Actor(user=UserRef("console", "ben"), display_name="Ben"),
            community=s.console.community, action="conference.pick", value=f"1:{other_slot}",
            message=card.ref, interaction=None))
        await s.core.settle()
        assert s.last("DM → Ben").text.startswith("That time is no longer offered.")
        async with db.read() as session:
            assert await session.scalar(select(func.count()).select_from(ConferenceBooking)) == 0


async def test_a_booking_after_closing_is_refused_kindly(db: Database) -> None:
    async with console_session(db) as s:
        card = await posted(s, 'closes:"tomorrow 9am"')
        await s.run(f"as Ben\nclick #{card.number} Book a time")
        menu = s.last("only Ben")
        await s.run(f"advance 26h\nas Ben\nclick #{menu.number} Tue 8 Sep 15:00")
        assert s.last("only Ben").text.startswith('Bookings for "Autumn conferences" closed Tuesday 8 September 2026, '
                                                   '09:00')
        shown = s.entries[card.number - 1]
        assert "Bookings are closed." in shown.text and not shown.message.buttons


async def test_more_than_25_times_are_paged(db: Database) -> None:
    async with console_session(db) as s:
        await s.run('as Ms Rivera role=teacher\n/conference create title:"Big" availability:"Tue 08:00-18:00 '
                    'every 10min"\nclick #1 Post')
        card = s.find("#general")[0]
        await s.run(f"as Ben\nclick #{card.number} Book a time")
        first = s.last("only Ben")
        assert len(first.message.selects[0].options) == 25
        assert "Times 1–25 of 60" in first.text
        await s.run(f"click #{first.number} Later times")
        second = s.last("only Ben")
        assert second.message.selects[0].options[0].label == "Tue 8 Sep 12:10–12:20"
        await s.run(f"click #{second.number} Tue 8 Sep 12:10")
        assert s.last("only Ben").text.startswith("Booked: Tuesday 8 September 2026, 12:10")


async def test_reminders_reach_family_and_teacher_a_day_and_an_hour_before(db: Database) -> None:
    async with console_session(db) as s:
        card = await posted(s)
        await s.run("as Maria tz=Europe/Madrid")
        await pick(s, "Maria", "Tue 8 Sep 21:00", card)  # 15:00 New York, 21:00 Madrid
        sent_at: list[tuple[str, datetime]] = []
        for _ in range(30):
            before = len(s.entries)
            await s.run("advance 1h")
            sent_at += [(e.where, s.clock.now()) for e in s.entries[before:] if "Reminder" in e.text]
        family = [at for where, at in sent_at if where == "DM → Maria"]
        teacher = [at for where, at in sent_at if where == "DM → Ms Rivera"]
        start = datetime(2026, 9, 8, 19, 0, tzinfo=UTC)
        # a day before is Monday 21:00 in Madrid: inside her quiet hours (21:00-07:00), so it waits until 07:00
        assert family == [datetime(2026, 9, 8, 5, 0, tzinfo=UTC), start - timedelta(hours=1)]
        assert teacher == [start - timedelta(hours=24), start - timedelta(hours=1)]
        assert "Tuesday 8 September 2026, 21:00 (Europe/Madrid)" in s.find("DM → Maria", "Reminder")[-1].text


async def test_the_schedule_lists_bookings_with_language_and_exports_csv_and_ics(db: Database) -> None:
    async with console_session(db) as s:
        card = await posted(s)
        await s.run("as Maria lang=es")
        await pick(s, "Maria", "mar 8 sept 15:15", card)
        await s.run("as Ms Rivera\n/conference schedule id:1")
        listing = s.find("only Ms Rivera", "Schedule for")[-1]
        assert "2. Tue 8 Sep 15:15–15:30 — Maria (Spanish) @Maria" in listing.text
        assert "1. Tue 8 Sep 15:00–15:15 — free" in listing.text
        files = {f.filename: f.content for e in s.find("DM → Ms Rivera") for f in e.files}
        rows = list(csv.reader(io.StringIO(files["conference-1-schedule.csv"].decode())))
        assert rows[0] == ["slot", "starts", "ends", "family", "language", "contact"]
        # a mention starting with @ is kept from running as a spreadsheet formula
        assert rows[2] == ["2", "2026-09-08 15:15", "2026-09-08 15:30", "Maria", "Spanish", "'@Maria"]
        events = Calendar.from_ical(files["conference-1-schedule.ics"]).walk("VEVENT")
        assert [str(e["description"]) for e in events] == ["Maria (Spanish)"]


async def test_a_removed_slot_tells_the_family_and_offers_other_times(db: Database) -> None:
    async with console_session(db) as s:
        card = await posted(s)
        await pick(s, "Ben", "Tue 8 Sep 15:00", card)
        await s.run("as Ms Rivera\n/conference remove id:1 slot:1")
        assert s.last("only Ms Rivera").text.startswith("Slot 1 (Tuesday 8 September 2026, 15:00")
        notice = s.last("DM → Ben")
        assert notice.text.startswith('The time you booked for "Autumn conferences" (Tuesday 8 September 2026, 15:00')
        assert [b.label for b in notice.message.buttons] == ["Book a time"]
        assert ics_of(notice).walk("VEVENT")[0]["status"] == "CANCELLED"
        await s.run(f"as Ben\nclick #{notice.number} Book a time")
        assert s.last("only Ben").message.selects[0].options[0].label == "Tue 8 Sep 15:15–15:30"


async def test_a_moved_slot_sends_the_family_a_new_calendar_file(db: Database) -> None:
    async with console_session(db) as s:
        card = await posted(s)
        await pick(s, "Ben", "Tue 8 Sep 15:00", card)
        await s.run('as Ms Rivera\n/conference move id:1 slot:1 to:"Wed 16:00"')
        notice = s.last("DM → Ben")
        assert notice.text.startswith("**Conference moved**")
        assert ics_of(notice).walk("VEVENT")[0].decoded("dtstart").astimezone(UTC) == datetime(
            2026, 9, 9, 20, 0, tzinfo=UTC)


async def test_a_redelivered_press_books_and_confirms_once(db: Database) -> None:
    async with console_session(db) as s:
        card = await posted(s)
        async with db.read() as session:
            slot_id = await session.scalar(select(ConferenceSlot.id).order_by(ConferenceSlot.starts_at))
        s.console.people["ben"] = Person(user=UserRef("console", "ben"), name="Ben")
        press = ButtonPressed(key="press-1", actor=Actor(user=UserRef("console", "ben"), display_name="Ben"),
                              community=s.console.community, action="conference.pick", value=f"1:{slot_id}",
                              message=card.ref, interaction=None)
        await asyncio.gather(s.core.dispatch(press), s.core.dispatch(press))
        await s.core.dispatch(press)
        await s.core.settle()
        assert len(s.find("DM → Ben", "Conference booked")) == 1


async def test_fifty_families_racing_for_the_last_time_get_exactly_one_winner(db: Database) -> None:
    async with console_session(db) as s:
        await s.run('as Ms Rivera role=teacher\n/conference create title:"Last" availability:"Tue 15:00-15:30 '
                    'every 15min"\nclick #1 Post')
        card = s.find("#general")[0]
        async with db.read() as session:
            first, last = (await session.scalars(select(ConferenceSlot.id).order_by(ConferenceSlot.starts_at))).all()
        s.console.people["early"] = Person(user=UserRef("console", "early"), name="Early")
        await s.core.dispatch(ButtonPressed(
            key="early", actor=Actor(user=UserRef("console", "early"), display_name="Early"),
            community=s.console.community, action="conference.pick", value=f"1:{first}", message=card.ref))
        families = [Actor(user=UserRef("console", f"fam-{n}"), display_name=f"Family {n}") for n in range(50)]
        for actor in families:
            s.console.people[actor.display_name.lower()] = Person(user=actor.user, name=actor.display_name)
        await asyncio.gather(*(s.core.dispatch(ButtonPressed(
            key=f"race-{n}", actor=actor, community=s.console.community, action="conference.pick",
            value=f"1:{last}", message=card.ref)) for n, actor in enumerate(families)))
        await s.core.settle()
        async with db.read() as session:
            holders = (await session.scalars(select(ConferenceBooking.holder).where(
                ConferenceBooking.slot_id == last))).all()
        assert len(holders) == 1
        booked = [e for e in s.entries if e.where.startswith("DM → Family") and "Booked:" in e.text]
        refused = [e for e in s.entries if e.where.startswith("DM → Family") and "no other time is free" in e.text]
        assert len(booked) == 1 and len(refused) == 49


async def test_a_moved_slot_is_reminded_at_its_new_time_only(db: Database) -> None:
    async with console_session(db) as s:
        card = await posted(s)
        await pick(s, "Ben", "Tue 8 Sep 15:00", card)
        await s.run('as Ms Rivera\n/conference move id:1 slot:1 to:"Thu 9:00"')
        moments = []
        for _ in range(75):
            before = len(s.entries)
            await s.run("advance 1h")
            moments += [s.clock.now() for e in s.entries[before:] if e.where == "DM → Ben" and "Reminder" in e.text]
        start = datetime(2026, 9, 10, 13, 0, tzinfo=UTC)  # Thursday 09:00 in New York
        assert moments == [start - timedelta(hours=24), start - timedelta(hours=1)]


SCRIPT = (Path(__file__).resolve().parents[2] / "docs" / "scripts" / "conferences.txt").read_text(encoding="utf-8")


@pytest.mark.onboarding  # the script reads as documented, welcomes included
async def test_the_documented_demo_script_runs_end_to_end(db: Database) -> None:
    async with console_session(db) as s:
        assert await s.run_script(SCRIPT) == 0
    assert s.find("only Ben", "Sorry, someone has just booked that time.")
    maria = s.find("DM → Maria", "Conference booked")[0]
    assert "martes 8 septiembre 2026, 12:00 (America/Los_Angeles)" in maria.text
    assert [f.filename for f in maria.files] == ["conference-1-booking-1.ics"]
    assert s.find("DM → Ms Rivera", "Question #1 from Ana")
    assert s.find("DM → Ben", "Conference moved")
    reminded = sorted(e.where for e in s.entries if "Reminder" in e.text)
    assert reminded == ["DM → Maria", "DM → Ms Rivera"]  # Ben's moved conference is on Wednesday
    assert s.last("only Ms Rivera").text.endswith("coming 1 (adults: 2, children: 3), maybe 0, not coming 0.")


async def test_a_spanish_teachers_availability_is_read_in_spanish(db: Database) -> None:
    async with console_session(db) as s:
        await s.run('as Sra Gómez role=teacher lang=es tz=America/Mexico_City\n/conference create title:"Reuniones" '
                    'availability:"martes 15:00-16:00 cada 30 minutos; jueves 7:00 a 8:00 cada 20 min"')
        preview = s.last("only Sra Gómez")
        assert "mar 8 sept 15:00–16:00, jue 10 sept 07:00–08:00" in preview.text
        assert "America/Mexico_City" in preview.text
        async with db.read() as session:
            starts = (await session.scalars(select(ConferenceSlot.starts_at).order_by(ConferenceSlot.starts_at))).all()
        assert starts[0] == datetime(2026, 9, 8, 21, 0, tzinfo=UTC)  # 15:00 in Mexico City (UTC-6)
        assert len(starts) == 5


async def test_a_typed_booking_is_read_in_the_familys_zone(db: Database) -> None:
    async with console_session(db) as s:
        await posted(s)
        await s.run('as Ben tz=America/Chicago\n/conference book id:1 time:"Tue 14:30"')
        assert s.last("only Ben").text.startswith("Booked: Tuesday 8 September 2026, 14:30 (America/Chicago).")
        async with db.read() as session:
            start = await session.scalar(select(ConferenceSlot.starts_at).join(
                ConferenceBooking, ConferenceBooking.slot_id == ConferenceSlot.id))
        assert start == datetime(2026, 9, 8, 19, 30, tzinfo=UTC)  # 15:30 in New York
