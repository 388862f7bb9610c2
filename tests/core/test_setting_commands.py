"""A setting command given no value shows the current setting and how to change it."""

from __future__ import annotations

from adapters.console import console_session
from bot.db.engine import Database


async def test_quiet_hours_without_a_value_shows_the_current_ones(db: Database) -> None:
    async with console_session(db) as s:
        await s.run("as Ana\n/quiet-hours\n/quiet-hours 10pm-6am\n/quiet-hours\n/quiet-hours off\n/quiet-hours")
    replies = [e.text for e in s.find("only Ana")]
    assert replies[0] == ("Your quiet hours: no direct messages from 21:00 to 07:00, except urgent ones. "
                          "To change them: /quiet-hours 21:00-07:00, or /quiet-hours off.")
    assert replies[2].startswith("Your quiet hours: no direct messages from 22:00 to 06:00")
    assert replies[4] == "Quiet hours are off: messages reach you at any time. To set them: /quiet-hours 21:00-07:00."


async def test_delivery_without_a_value_shows_how_announcements_reach_you(db: Database) -> None:
    async with console_session(db) as s:
        await s.run("as Ana\n/delivery\n/delivery digest\n/delivery")
    replies = [e.text for e in s.find("only Ana")]
    assert replies[0] == ("You read announcements in the announcements channel. To change it: /delivery dm or "
                          "/delivery digest.")
    assert replies[2] == ("You get one message a day with everything new, in your language. To change it: "
                          "/delivery channel or /delivery dm.")


async def test_language_without_a_value_shows_the_language_you_read(db: Database) -> None:
    async with console_session(db) as s:
        await s.run("as Maria lang=es\n/language")
    assert s.last("only Maria").text == ("[es] I write to you in español. To change it: /language español "
                                         "(or any language).")


async def test_language_writes_alone_keeps_the_reading_language(db: Database) -> None:
    async with console_session(db) as s:
        await s.run("as Maria lang=es\n/language writes:English\n/language")
    assert s.last("only Maria").text.startswith("[es] I write to you in español, and you write in English.")


async def test_timezone_without_a_value_shows_the_zone_and_its_time(db: Database) -> None:
    async with console_session(db) as s:
        await s.run("as Ana\n/timezone")
    assert s.last("only Ana").text == ("Your time zone is America/New_York (it is 08:00 there). To change it: "
                                       "/timezone Chicago (or a big city near you).")


async def test_office_hours_without_a_value_shows_them(db: Database) -> None:
    async with console_session(db) as s:
        await s.run('as Ms Lee role=teacher\n/office-hours\n/office-hours "Mon-Fri 8:00-16:00"\n/office-hours')
    replies = [e.text for e in s.find("only Ms Lee")]
    assert replies[0] == "You have no office hours set. To set them: /office-hours Mon-Fri 8:00-16:00."
    assert replies[2] == ("Your office hours: Mon-Fri 8:00-16:00. To change them: /office-hours Mon-Fri 8:00-16:00, "
                          "or /office-hours off.")
