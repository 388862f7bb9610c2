"""One conference booking per child, on the console, on SQLite and PostgreSQL: a guardian of
two children books for each, co-parents share their child's one booking, a guardian an admin
restricted for a child can neither book for it nor hear about it, and every other guardian
of the child is told in their own language and zone. Assertions are on what each person
received and on the bookings the database holds."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from adapters.console import ConsoleSession, console_session
from adapters.console.adapter import Entry
from bot.api.events import ButtonPressed
from bot.db.engine import Database
from bot.db.models import Member
from bot.runtime.privacy import PrivacyService
from cogs.conferences.models import ConferenceBooking, ConferenceSlot
from cogs.households.models import Child

TEACHER = "as Ms Lee role=teacher,admin tz=America/New_York"
MARIA = "as Maria lang=es tz=America/Los_Angeles"
LUIS = "as Luis tz=America/Chicago"
PAT = "as Pat tz=America/New_York"
CREATE = '/conference create title:"Autumn conferences" availability:"Tue 15:00-16:00 every 15min" where:"Room 12"'


async def class_with_children(s: ConsoleSession, *extra: str) -> Entry:
    """Ms Lee's class: Sam (Maria in Spanish, Luis, and Pat whom an admin restricted for Sam)
    and Alex (Maria's too); the conference card is posted."""
    await s.run("\n".join([TEACHER, "/help", MARIA, "/help", LUIS, "/help", PAT, "/help", TEACHER,
                           "/family link child:Sam guardian:Maria", "/family link child:Alex guardian:Maria",
                           "/family link child:Sam guardian:Luis", "/family link child:Sam guardian:Pat",
                           '/family restrict child:Sam guardian:Pat reason:"order 7" class_wide:true', *extra,
                           CREATE]))
    await s.run(f"click #{s.last('only Ms Lee').number} Post")
    return s.find("#general", "Conferences: Autumn conferences")[0]


async def bookings(db: Database) -> dict[str, tuple[str, str]]:
    """Each booking's label -> (holder key, start in UTC)."""
    async with db.read() as session:
        rows = (await session.execute(select(ConferenceBooking, ConferenceSlot).join(
            ConferenceSlot, ConferenceSlot.id == ConferenceBooking.slot_id))).all()
    return {b.label: (b.holder, f"{s.starts_at.astimezone(UTC):%H:%M}") for b, s in rows}


async def child_id(db: Database, label: str) -> int:
    async with db.read() as session:
        found = await session.scalar(select(Child.id).where(Child.label == label))
    assert found is not None
    return found


def texts(s: ConsoleSession, where: str) -> list[str]:
    return [e.text for e in s.find(where)]


async def test_a_guardian_of_two_children_is_asked_which_child_and_books_one_time_for_each(db: Database) -> None:
    async with console_session(db) as s:
        card = await class_with_children(s)
        await s.run(f"{MARIA}\nclick #{card.number} Book a time")
        chooser = s.last("only Maria")
        assert chooser.text.splitlines()[0] == "[es] Which child is this conference for?"
        assert [b.label for b in chooser.message.buttons] == ["[es] For Alex", "[es] For Sam"]
        await s.run(f"click #{chooser.number} [es] For Sam")
        await s.run(f"click #{s.last('only Maria').number} mar 8 sept 12:00")  # 15:00 in New York
        await s.run(f"click #{card.number} Book a time")
        again = s.last("only Maria")
        assert "[es] Sam: martes 8 septiembre 2026, 12:00 (America/Los_Angeles)" in again.text
        assert "[es] Alex: no time booked yet" in again.text
        await s.run(f"click #{again.number} [es] For Alex")
        await s.run(f"click #{s.last('only Maria').number} mar 8 sept 12:30")
        assert s.last("only Maria").text.startswith("[es] Booked: martes 8 septiembre 2026, 12:30")
    sam, alex = await child_id(db, "Sam"), await child_id(db, "Alex")
    assert await bookings(db) == {"Sam": (f"child:{sam}", "19:00"), "Alex": (f"child:{alex}", "19:30")}


async def test_a_guardian_names_the_child_when_booking_by_command(db: Database) -> None:
    async with console_session(db) as s:
        await class_with_children(s)
        await s.run(f'{MARIA}\n/conference book id:1 time:"Tue 12:15"')
        assert s.last("only Maria").text.startswith("[es] Which child is it for? Add child: with one of: Alex, Sam.")
        await s.run('/conference book id:1 time:"Tue 12:15" child:Max')
        assert s.last("only Maria").text.startswith('[es] You are not linked to a child called "Max" here.')
        await s.run('/conference book id:1 time:"Tue 12:15" child:alex')
        assert s.last("only Maria").text.startswith("[es] Booked: martes 8 septiembre 2026, 12:15")
    assert list(await bookings(db)) == ["Alex"]


async def test_a_guardian_of_one_child_books_for_it_without_being_asked(db: Database) -> None:
    async with console_session(db) as s:
        card = await class_with_children(s)
        await s.run(f"{LUIS}\nclick #{card.number} Book a time")
        picker = s.last("only Luis")
        assert picker.text.startswith('Choose a time for "Autumn conferences". Times are shown in America/Chicago.')
        await s.run(f"click #{picker.number} Tue 8 Sep 14:45")
    assert (await bookings(db))["Sam"][1] == "19:45"


async def test_co_parents_share_the_childs_one_booking(db: Database) -> None:
    async with console_session(db) as s:
        card = await class_with_children(s)
        await s.run(f'{MARIA}\n/conference book id:1 time:"Tue 12:00" child:Sam')
        await s.run(f"{LUIS}\nclick #{card.number} Book a time")
        picker = s.last("only Luis")
        assert "Sam has a booking for Tuesday 8 September 2026, 14:00 (America/Chicago)." in picker.text
        assert "Cancel my booking" in [b.label for b in picker.message.buttons]
        await s.run(f"click #{picker.number} Tue 8 Sep 14:30")
        assert s.last("only Luis").text.startswith("Changed: your conference is now Tuesday 8 September 2026, 14:30")
        assert await bookings(db) == {"Sam": (f"child:{await child_id(db, 'Sam')}", "19:30")}
        assert "Tue 8 Sep: 3 of 4 free" in s.entries[card.number - 1].text


async def test_every_guardian_of_the_child_is_told_in_their_own_language_and_zone(db: Database) -> None:
    async with console_session(db) as s:
        await class_with_children(s)
        await s.run(f'{MARIA}\n/conference book id:1 time:"Tue 12:00" child:Sam\nadvance 2h')  # her quiet hours end
    [maria] = s.find("DM → Maria", "Conference booked")
    [luis] = s.find("DM → Luis", "Conference booked")
    assert ('[es] The conference "Autumn conferences" for Sam with Ms Lee is on martes 8 septiembre 2026, 12:00 '
            '(America/Los_Angeles) (booked by Maria).') in maria.text
    assert ('The conference "Autumn conferences" for Sam with Ms Lee is on Tuesday 8 September 2026, 14:00 '
            '(America/Chicago) (booked by Maria).') in luis.text
    assert [f.filename for f in luis.files] == ["conference-1-booking-1.ics"]


async def test_a_restricted_guardian_cannot_book_for_the_child(db: Database) -> None:
    async with console_session(db) as s:
        card = await class_with_children(s)
        await s.run(f"{PAT}\nclick #{card.number} Book a time")
        assert s.last("only Pat").text.startswith("There is no one you can book a conference for here.")
        await s.run('/conference book id:1 time:"Tue 15:00"')
        assert s.last("only Pat").text.startswith("There is no one you can book a conference for here.")
        async with db.read() as session:
            slot = await session.scalar(select(ConferenceSlot.id).order_by(ConferenceSlot.starts_at))
        await s.core.dispatch(ButtonPressed(  # a forged choice naming Sam
            key="forged", actor=s.console.actor(s.console.person_named("Pat")), community=s.console.community,
            action="conference.pick", value=f"1:{slot}:{await child_id(db, 'Sam')}", message=card.ref))
        await s.core.settle()
        assert s.last("DM → Pat").text.startswith("There is no one you can book a conference for here.")
    assert await bookings(db) == {}


async def test_a_restricted_guardian_hears_nothing_about_the_childs_booking(db: Database) -> None:
    async with console_session(db) as s:
        await class_with_children(s)
        await s.run(f'{LUIS}\n/conference book id:1 time:"Tue 14:00"\n'
                    f'{TEACHER}\n/conference move id:1 slot:1 to:"Tue 15:30"')
        for _ in range(30):
            await s.run("advance 1h")
        await s.run(f"{PAT}\n/help")
    assert s.find("DM → Luis", "Reminder") and s.find("DM → Maria", "Reminder")
    assert not [t for t in texts(s, "DM → Pat") if "Sam" in t or "conference" in t.lower()]


async def test_the_teachers_schedule_shows_the_child_with_each_guardians_language(db: Database) -> None:
    async with console_session(db) as s:
        await class_with_children(s)
        await s.run(f'{MARIA}\n/conference book id:1 time:"Tue 12:00" child:Sam\n{TEACHER}\n/conference schedule id:1')
    listing = s.find("only Ms Lee", "Schedule for")[-1].text
    assert "1. Tue 8 Sep 15:00–15:15 — Sam (Spanish, English) @Maria @Luis" in listing
    assert "Pat" not in listing


async def test_cancelling_a_childs_booking_tells_its_other_guardians(db: Database) -> None:
    async with console_session(db) as s:
        card = await class_with_children(s)
        await s.run(f'{MARIA}\n/conference book id:1 time:"Tue 12:00" child:Sam\n'
                    f"{LUIS}\nclick #{card.number} Book a time")
        await s.run(f"click #{s.last('only Luis').number} Cancel my booking")
        assert s.last("only Luis").text.startswith("Your booking for Tuesday 8 September 2026, 14:00")
        await s.run("advance 2h")
    assert s.last("DM → Maria").text.startswith('[es] Luis cancelled the conference "Autumn conferences" for Sam')
    assert not [t for t in texts(s, "DM → Pat") if "Sam" in t]
    assert await bookings(db) == {}


async def test_a_removed_slot_tells_every_guardian_of_the_child(db: Database) -> None:
    async with console_session(db) as s:
        await class_with_children(s)
        await s.run(f'{MARIA}\n/conference book id:1 time:"Tue 12:00" child:Sam\n'
                    f"{TEACHER}\n/conference remove id:1 slot:1")
        assert s.last("only Ms Lee").text.endswith("Sam is told and offered other times.")
        await s.run("advance 2h")
    assert s.last("DM → Luis").text.startswith('The time booked for Sam for "Autumn conferences"')
    assert s.last("DM → Maria").text.startswith('[es] The time booked for Sam for "Autumn conferences"')
    assert not [t for t in texts(s, "DM → Pat") if "Sam" in t]


async def test_co_parents_of_different_children_racing_for_the_last_time_get_one_winner(db: Database) -> None:
    async with console_session(db) as s:
        await s.run("\n".join([TEACHER, "/help", MARIA, "/help", LUIS, "/help", TEACHER,
                               "/family link child:Sam guardian:Maria", "/family link child:Alex guardian:Luis",
                               '/conference create title:"Last" availability:"Tue 15:00-15:15"']))
        await s.run(f"click #{s.last('only Ms Lee').number} Post")
        card = s.find("#general", "Conferences: Last")[0]
        async with db.read() as session:
            slot = await session.scalar(select(ConferenceSlot.id))
        sam, alex = await child_id(db, "Sam"), await child_id(db, "Alex")
        await asyncio.gather(*(s.core.dispatch(ButtonPressed(
            key=f"race-{name}", actor=s.console.actor(s.console.person_named(name)), community=s.console.community,
            action="conference.pick", value=f"1:{slot}:{child}", message=card.ref))
            for name, child in (("Maria", sam), ("Luis", alex))))
        await s.core.settle()
    assert len(await bookings(db)) == 1
    told = texts(s, "DM → Maria") + texts(s, "DM → Luis")
    assert len([t for t in told if "Booked:" in t]) == 1
    assert len([t for t in told if "no other time is free" in t]) == 1


async def test_erasing_the_guardian_who_booked_keeps_the_booking_for_the_other(db: Database) -> None:
    async with console_session(db) as s:
        await class_with_children(s)
        await s.run(f'{MARIA}\n/conference book id:1 time:"Tue 12:00" child:Sam')
        async with db.write() as session:
            maria = await session.scalar(select(Member).where(Member.display_name == "Maria"))
            assert maria is not None
        await PrivacyService(s.core).erase(maria.id)
        async with db.read() as session:
            booking = await session.scalar(select(ConferenceBooking))
            luis = await session.scalar(select(Member.id).where(Member.display_name == "Luis"))
    assert booking is not None and booking.label == "Sam" and booking.member_id == luis


async def test_a_person_linked_to_no_child_still_books_as_themselves(db: Database) -> None:
    async with console_session(db) as s:
        card = await class_with_children(s)
        await s.run(f"as Ana\nclick #{card.number} Book a time")
        await s.run(f"click #{s.last('only Ana').number} Tue 8 Sep 15:00")
        assert s.last("only Ana").text.startswith("Booked: Tuesday 8 September 2026, 15:00")
        assert s.find("DM → Ana", "Your conference \"Autumn conferences\" with Ms Lee")
    assert (await bookings(db))["Ana"][0].startswith("member:")


async def test_the_reminder_is_sent_at_the_start_of_the_hour_before_to_each_guardian(db: Database) -> None:
    async with console_session(db) as s:
        await class_with_children(s)
        await s.run(f'{MARIA}\n/conference book id:1 time:"Tue 12:00" child:Sam')
        start = datetime(2026, 9, 8, 19, 0, tzinfo=UTC)
        moments: dict[str, list[datetime]] = {}
        for _ in range(30):
            before = len(s.entries)
            await s.run("advance 1h")
            for entry in s.entries[before:]:
                if "Reminder" in entry.text:
                    moments.setdefault(entry.where, []).append(s.clock.now())
    assert moments["DM → Luis"][-1] == start - timedelta(hours=1)
    assert moments["DM → Maria"][-1] == start - timedelta(hours=1)
    assert "DM → Pat" not in moments
    assert 'Reminder: the conference "Autumn conferences" for Sam' in s.find("DM → Luis", "Reminder")[-1].text


async def test_co_parents_of_one_child_pressing_at_once_leave_the_child_one_booking(db: Database) -> None:
    async with console_session(db) as s:
        card = await class_with_children(s)
        async with db.read() as session:
            first, second = (await session.scalars(select(ConferenceSlot.id).order_by(ConferenceSlot.starts_at)
                                                   .limit(2))).all()
        sam = await child_id(db, "Sam")
        await asyncio.gather(*(s.core.dispatch(ButtonPressed(
            key=f"both-{name}", actor=s.console.actor(s.console.person_named(name)), community=s.console.community,
            action="conference.pick", value=f"1:{slot}:{sam}", message=card.ref))
            for name, slot in (("Maria", first), ("Luis", second))))
        await s.core.settle()
    assert list(await bookings(db)) == ["Sam"]


async def test_a_guardian_staff_said_may_not_book_books_only_for_the_other_child(db: Database) -> None:
    async with console_session(db) as s:
        card = await class_with_children(s, "/family link child:Alex guardian:Maria may_book:false")
        assert "Maria may not book conferences for Alex." in texts(s, "only Ms Lee")
        await s.run(f"{MARIA}\nclick #{card.number} Book a time")
        picker = s.last("only Maria")  # Sam only: no child chooser, straight to the times
        assert "Alex" not in picker.text and all("Alex" not in b.label for b in picker.message.buttons)
        await s.run(f"click #{picker.number} mar 8 sept 12:00")
    sam = await child_id(db, "Sam")
    assert await bookings(db) == {"Sam": (f"child:{sam}", "19:00")}


async def test_staff_list_shows_a_guardian_who_may_not_book(db: Database) -> None:
    async with console_session(db) as s:
        await class_with_children(s, "/family link child:Alex guardian:Maria may_book:false", "/family list")
        listing = next(t for t in texts(s, "only Ms Lee") if t.startswith("Children and guardians"))
        alex = next(line for line in listing.splitlines() if line.startswith("Alex:"))
        assert "may not book conferences" in alex
        sam = next(line for line in listing.splitlines() if line.startswith("Sam:"))
        assert "may not book" not in sam
