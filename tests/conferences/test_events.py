"""Events with RSVP: yes / maybe / no with a headcount, a calendar file, reminders, on
SQLite and PostgreSQL; what families and the organiser received."""

from __future__ import annotations

from datetime import timedelta

from icalendar import Calendar

from adapters.console import ConsoleSession, console_session
from adapters.console.adapter import Entry
from bot.db.engine import Database

CREATE = '/event create title:"Family literacy night" when:"Thursday 6pm" where:"Library" length:90m'


async def posted(s: ConsoleSession) -> Entry:
    await s.run(f"as Ms Rivera role=teacher tz=America/New_York\n{CREATE}")
    return s.find("#general", "Family literacy night")[0]


async def test_the_card_offers_yes_maybe_no_and_counts_heads(db: Database) -> None:
    async with console_session(db) as s:
        card = await posted(s)
        assert [b.label for b in card.message.buttons] == ["Yes", "Maybe", "No"]
        await s.run(f"as Ana\nclick #{card.number} Yes")
        await s.run(f"click #{s.last('only Ana').number} Adults: 2")
        await s.run(f"click #{s.last('only Ana').number} Children: 3")
        await s.run(f"as Ben\nclick #{card.number} Maybe\nas Cy\nclick #{card.number} No")
        shown = s.entries[card.number - 1].text
        assert "Coming: 1 (adults: 2, children: 3) · Maybe: 1 · Not coming: 1" in shown
        await s.run("as Ms Rivera\n/event headcount id:1")
        assert s.last("only Ms Rivera").text == ('"Family literacy night": coming 1 (adults: 2, children: 3), maybe 1, '
                                                 'not coming 1.')


async def test_a_yes_gets_a_calendar_file_in_the_familys_zone(db: Database) -> None:
    async with console_session(db) as s:
        card = await posted(s)
        await s.run(f"as Ana tz=America/Denver\nclick #{card.number} Yes")
        assert not s.find("DM → Ana")  # 06:00 in Denver: inside her quiet hours
        await s.run("advance 1h")
        dm = s.last("DM → Ana")
        assert '"Family literacy night" is on Thursday 10 September 2026, 16:00 (America/Denver).' in dm.text
        [attachment] = dm.files
        event = Calendar.from_ical(attachment.content).walk("VEVENT")[0]
        start = event.decoded("dtstart")
        assert (str(start.tzinfo), start.hour) == ("America/Denver", 16)
        assert event.decoded("dtend") - start == timedelta(minutes=90)
        assert event.walk("VALARM")


async def test_changing_the_answer_keeps_one_per_family(db: Database) -> None:
    async with console_session(db) as s:
        card = await posted(s)
        await s.run(f"as Ana\nclick #{card.number} Yes\nclick #{card.number} No\nclick #{card.number} No")
        assert "Coming: 0 (adults: 0, children: 0) · Maybe: 0 · Not coming: 1" in \
            s.entries[card.number - 1].text


async def test_a_forged_headcount_is_refused(db: Database) -> None:
    async with console_session(db) as s:
        card = await posted(s)
        await s.run(f"as Ana\nclick #{card.number} Yes")
        await s.run("/event rsvp id:1 answer:yes adults:40")
        assert s.last("only Ana").text == "adults must be at most 10."


async def test_those_coming_are_reminded_and_those_not_are_not(db: Database) -> None:
    async with console_session(db) as s:
        card = await posted(s)
        await s.run(f"as Ana\nclick #{card.number} Yes\nas Cy\nclick #{card.number} No")
        await s.run("advance 4d")
        reminders = [e for e in s.entries if "Reminder" in e.text]
        assert [e.where for e in reminders] == ["DM → Ana", "DM → Ana"]
        assert all("Thursday 10 September 2026, 18:00 (America/New_York)" in e.text for e in reminders)


async def test_cancelling_tells_those_coming(db: Database) -> None:
    async with console_session(db) as s:
        card = await posted(s)
        await s.run(f"as Ana\nclick #{card.number} Maybe\nas Ms Rivera\n/event cancel id:1")
        assert s.last("DM → Ana").text.startswith('"Family literacy night" (Thursday 10 September 2026, 18:00')
        assert "This event was cancelled." in s.entries[card.number - 1].text


async def test_changing_the_headcount_sends_no_second_calendar_file(db: Database) -> None:
    async with console_session(db) as s:
        card = await posted(s)
        await s.run(f"as Ana\nclick #{card.number} Yes")
        await s.run(f"click #{s.last('only Ana').number} Adults: 2")
        assert len(s.find("DM → Ana", "See you there")) == 1
