"""Every button, select and form value is checked against what the person pressing it was
shown: a forged or stale value reveals nothing, stores nothing, and gets a kind answer
(never the generic apology)."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from adapters.console import ConsoleSession, console_session
from bot.api.events import ButtonPressed
from bot.api.refs import InteractionRef
from bot.db.engine import Database
from cogs.announcements.models import Acknowledgement
from cogs.committee.models import Vote

TEACHER = "as Ms Lee role=teacher"
COMMITTEE = "as Pat role=committee"
SECRET = "Surprise party for Ms Lee on Friday"
SCHEDULED = f'{TEACHER}\n/announce text:"{SECRET}" when:"tomorrow 9am"'


async def press(s: ConsoleSession, action: str, value: str) -> None:
    """A press as a platform delivers it: the action and value come from the wire, so they
    may name anything."""
    console = s.console
    assert console.current is not None
    channel = console.channels["general"]
    await s.core.dispatch(ButtonPressed(
        key=f"forged:{uuid.uuid4().hex}", actor=console.actor(console.current), community=console.community,
        action=action, value=value,
        interaction=InteractionRef("console", uuid.uuid4().hex, token=console.current.user.id, channel=channel)))
    await s.core.settle()


async def count(db: Database, model: type) -> int:
    async with db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.mark.parametrize("action", ["announce.translate", "announce.original"])
async def test_a_forged_press_never_shows_an_unpublished_announcement(db: Database, action: str) -> None:
    async with console_session(db) as s:
        await s.run(f"{SCHEDULED}\nas Maria lang=es")
        await press(s, action, "1")
    assert SECRET not in s.transcript().split("scheduled for")[-1]
    assert s.last("only Maria").text == "[es] There is no announcement #1 here."


async def test_a_forged_got_it_on_an_unpublished_announcement_records_nothing(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"{SCHEDULED}\nas Ana")
        await press(s, "announce.ack", "1")
    assert await count(db, Acknowledgement) == 0
    assert s.last("only Ana").text == "There is no announcement #1 here."


async def test_a_vote_for_an_option_the_poll_does_not_have_stores_nothing(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f'{COMMITTEE}\nin #committee /poll question:"Q" options:"A; B" hide_results:true\nas Ana')
        await press(s, "poll.vote", "1:7")
    assert await count(db, Vote) == 0
    assert s.last("only Ana").text == "That is not one of this poll's options. Please use the buttons on the poll."


async def test_a_voter_on_a_hidden_results_poll_is_told_the_vote_counted(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f'{COMMITTEE}\nin #committee /poll question:"Q" options:"A; B" hide_results:true\n'
                    "as Ana\nclick #1 1. A\nclick #1 1. A")
    assert [e.text for e in s.find("only Ana")] == [
        'Your vote for "A" is counted. The results are shown when the poll closes.',
        'Your vote for "A" is taken back.']


async def test_a_family_cannot_send_its_question_to_someone_who_is_not_a_teacher(db: Database) -> None:
    async with console_session(db) as s:
        await s.run("as Ms Lee role=teacher\nas Mr Ortiz role=teacher\nas Ben\nas Ana\ndm When is the trip?")
        async with db.read() as session:
            from bot.db.models import Member

            ben = await session.scalar(select(Member.id).where(Member.display_name == "Ben"))
        await press(s, "relay.choose", f"1:{ben}")
    assert s.last("only Ana").text == "That question is no longer waiting for a teacher."
    assert s.find("DM → Ben") == []


MALFORMED = ["", "abc", "1:", ":1", "-1", "1.5", "²", "99999999999999999999", "3000000000:3000000000", "1:x:2"]
ACTIONS = ["announce.translate", "announce.original", "announce.ack", "signup.toggle", "signup.translate",
           "poll.vote", "poll.translate", "meeting.local", "relay.choose", "relay.original",
           "relay.faq_translate", "privacy.confirm", "delivery.seen", "delivery.seen_digest", "no.such.action"]


async def test_malformed_values_get_a_kind_answer_not_the_apology(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f'{TEACHER}\n/announce text:"Hello"\n{COMMITTEE}\nin #committee /poll question:"Q" '
                    'options:"A; B" hide_results:true\nas Ana')
        for action in ACTIONS:
            for value in MALFORMED:
                await press(s, action, value)
    answers = [e.text for e in s.find("only Ana")]
    assert len(answers) == len(ACTIONS) * len(MALFORMED)
    assert not any("Sorry, something went wrong" in text for text in answers), answers
