"""Options are checked once, in the core, before any handler runs: unknown names, numbers
past the database's range, times too far ahead. Nothing is posted when a check fails."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select

from adapters.console import ConsoleSession, console_session
from bot.api.events import CommandInvoked
from bot.api.refs import InteractionRef
from bot.db.engine import Database
from cogs.announcements.models import Announcement

TEACHER = "as Ms Lee role=teacher"


async def typed_command(s: ConsoleSession, name: str, **options: Any) -> None:
    """A command as Discord delivers it: options already typed, no text to parse."""
    console = s.console
    assert console.current is not None
    channel = console.channels["general"]
    await s.core.dispatch(CommandInvoked(
        key=f"typed:{uuid.uuid4().hex}", actor=console.actor(console.current), community=console.community,
        name=name, options=options, channel=channel,
        interaction=InteractionRef("console", uuid.uuid4().hex, token=console.current.user.id, channel=channel)))
    await s.core.settle()


async def announcements(db: Database) -> int:
    async with db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(Announcement)) or 0)


async def test_a_misspelled_option_is_refused_with_a_suggestion_and_nothing_is_posted(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f'as Ana\n{TEACHER}\n/announce txt:"hello"')
    reply = s.last("only Ms Lee").text
    assert reply == ("/announce has no option txt. Did you mean text:? Its options are: text:, when:, urgent:, "
                     "channel:, attach:")
    assert s.find("#announcements") == []
    assert await announcements(db) == 0


async def test_an_unknown_option_far_from_any_name_lists_the_known_ones(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f'{TEACHER}\n/announce zebra:"hello"')
    assert s.last("only Ms Lee").text == ("/announce has no option zebra. Its options are: text:, when:, urgent:, "
                                          "channel:, attach:")
    assert await announcements(db) == 0


async def test_a_typed_unknown_option_gets_the_same_answer(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(TEACHER)
        await typed_command(s, "announce", txt="hello")
    assert "Did you mean text:?" in s.last("only Ms Lee").text
    assert await announcements(db) == 0


async def test_text_with_colons_is_still_text(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f'{TEACHER}\n/announce text:"Reminder: pick-up at 3:15, see https://school.example/plan"')
    assert "Reminder: pick-up at 3:15, see https://school.example/plan" in s.last("#announcements").text


async def test_an_id_past_the_database_range_is_no_such_record(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"{TEACHER}\n/announcement status id:3000000000\n/announcement cancel id:{2**63}\n"
                    "/signup close id:99999999999999999999\n/poll close id:3000000000")
    assert [e.text for e in s.find("only Ms Lee")] == [
        "There is no announcement #3000000000 here.",
        f"There is no announcement #{2**63} here.",
        "There is no sign-up #99999999999999999999 here.",
        "There is no poll #3000000000 here.",
    ]


async def test_a_typed_id_past_the_database_range_is_no_such_record(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(TEACHER)
        await typed_command(s, "announcement status", id=2**53)
    assert s.last("only Ms Lee").text == f"There is no announcement #{2**53} here."


async def test_a_time_centuries_ahead_is_refused_in_words(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f'{TEACHER}\n/announce text:"Trip" when:"in 500 years"')
    reply = s.last("only Ms Lee").text
    assert reply.endswith("is more than a year from now. Please choose a time within the next year.")
    assert await announcements(db) == 0


async def test_a_time_within_the_year_is_still_accepted(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f'{TEACHER}\n/announce text:"Graduation" when:"in 11 months"')
    assert "is scheduled for" in s.last("only Ms Lee").text
