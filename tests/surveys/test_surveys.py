"""Family surveys on the console, SQLite and PostgreSQL: what families receive, answering
once, results per option and per language, and an anonymous survey storing no identity."""

from __future__ import annotations

import asyncio
import uuid

from sqlalchemy import inspect, select

from adapters.console import console_session
from bot.api.events import ButtonPressed
from bot.api.refs import InteractionRef
from bot.db.base import Base
from bot.db.engine import Database
from bot.db.models import Member
from cogs.surveys.models import Survey, SurveyAnswer, SurveyParticipant

TEACHER = "as Ms Lee role=teacher"
CREATE = '/survey create question:"Which day suits you for conferences?" options:"Monday; Wednesday; Friday"'


async def test_families_receive_the_survey_in_their_language_by_channel_dm_and_digest(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"as Maria lang=es\n/delivery dm\nas Chen lang=zh-CN\n/delivery digest\nas Ana\n{TEACHER}\n"
                    f"{CREATE}\nadvance 10h")
        post, maria, chen = s.last("#announcements"), s.last("DM → Maria"), s.last("DM → Chen")
    assert [b.label for b in post.message.buttons] == ["1", "2", "3", "Translate"]
    assert "1. Monday" in post.text and "Anonymous: nobody, not even the school, can see what you chose." in post.text
    assert maria.text.startswith("**[es] Survey from school**\n[es] Which day suits you for conferences?")
    assert "[es] Which day suits you for conferences?\n\n1. Monday\n2. Wednesday\n3. Friday" in maria.text
    assert [b.label for b in maria.message.buttons] == ["1", "2", "3"]
    assert "[zh-CN] Which day suits you" in chen.text  # a digest has no buttons: it says how to answer by typing
    assert "[zh-CN] Answer with a number button, or type /survey answer id:1 option:<number>." in chen.text
    assert s.find("DM → Ana") == []  # she reads the channel


async def test_an_anonymous_survey_stores_no_identity_with_any_answer(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"as Maria lang=es\nas Ana\n{TEACHER}\n{CREATE}")
        post = s.last("#announcements").number
        await s.run(f"as Maria\nclick #{post} 2\nas Ana\nclick #{post} 3")
        async with db.read() as session:
            survey = await session.get(Survey, 1)
            answers = (await session.scalars(select(SurveyAnswer))).all()
            maria = await session.scalar(select(Member).where(Member.display_name == "Maria"))
    assert survey is not None and maria is not None
    assert survey.counts == {"1:": 1, "2:": 1}  # counts only: no member, no language, no time
    assert answers == []
    participant_columns = {c.key for c in inspect(SurveyParticipant).columns}
    assert participant_columns == {"id", "survey_id", "member_id"}  # who took part, never what they chose
    linking = [name for name, table in Base.metadata.tables.items()
               if name.startswith("survey") and {"member_id", "option_index"} <= set(table.c.keys())]
    assert linking == ["survey_answers"]  # the only table tying a person to a choice: named surveys, empty here


async def test_an_anonymous_answer_counts_once_and_cannot_be_changed(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"as Ana\n{TEACHER}\n{CREATE}")
        post = s.last("#announcements").number
        await s.run(f"as Ana\nclick #{post} 1\nclick #{post} 2\n/survey answer id:1 option:3\n{TEACHER}\n"
                    "/survey results id:1")
    replies = [e.text for e in s.find("only Ana")]
    assert replies[0] == "Thank you! Your answer to survey #1 was counted."
    assert replies[1] == replies[2] == ("You already answered survey #1. Answers are anonymous, so an answer cannot "
                                        "be changed.")
    results = s.last("only Ms Lee").text
    assert "Survey #1: 1 answer" in results and "1. Monday — 1" in results and "2. Wednesday — 0" in results


async def test_results_per_language_when_the_teacher_asks(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"as Maria lang=es\nas Rosa lang=es\nas Minh lang=vi\nas Ana\n{TEACHER}\n{CREATE} by_language:true")
        post = s.last("#announcements").number
        await s.run(f"as Maria\nclick #{post} 1\nas Rosa\nclick #{post} 1\nas Minh\nclick #{post} 3\n"
                    f"as Ana\nclick #{post} 3\n{TEACHER}\n/survey results id:1")
    results = s.last("only Ms Lee").text
    assert "1. Monday — 2 █████░░░░░ 50%" in results and "3. Friday — 2" in results
    assert "By language" in results
    assert "en — 1: 0 · 2: 0 · 3: 1" in results
    assert "es — 1: 2 · 2: 0 · 3: 0" in results
    assert "vi — 1: 0 · 2: 0 · 3: 1" in results


async def test_a_named_survey_shows_who_answered_and_lets_them_change(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"as Ana\nas Bob\n{TEACHER}\n{CREATE} named:true")
        post = s.last("#announcements").number
        await s.run(f"as Ana\nclick #{post} 1\nclick #{post} 2\nas Bob\nclick #{post} 2\n{TEACHER}\n"
                    "/survey results id:1")
    assert s.last("only Ana").text == "Your answer to survey #1 is now 2."
    assert "2. Wednesday — 2 ██████████ 100% (Ana, Bob)" in s.last("only Ms Lee").text


async def test_a_forged_or_out_of_range_answer_changes_nothing(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"as Ana\n{TEACHER}\n{CREATE}\nas Ana\n/survey answer id:1 option:7\n/survey answer id:9 option:1")
        async with db.read() as session:
            survey = await session.get(Survey, 1)
    assert survey is not None and survey.counts == {}
    replies = [e.text for e in s.find("only Ana")]
    assert replies == ["Survey #1 has no option 7; choose a number from 1 to 3.", "There is no survey #9 here."]


async def test_a_closed_survey_takes_no_answers_and_forgets_who_took_part(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"as Ana\nas Bob\n{TEACHER}\n{CREATE}")
        post = s.last("#announcements")
        await s.run(f"as Ana\nclick #{post.number} 1\n{TEACHER}\n/survey close id:1\nas Bob\n"
                    "/survey answer id:1 option:1")
        async with db.read() as session:
            participants = (await session.scalars(select(SurveyParticipant))).all()
    assert s.last("only Bob").text == "Survey #1 is closed; thank you all the same."
    assert "Survey #1 is closed." in s.last("only Ms Lee").text and "1. Monday — 1" in s.last("only Ms Lee").text
    assert post.message.buttons == () and "This survey is closed." in post.text
    assert participants == []


async def test_staff_cannot_answer_and_families_cannot_create(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"as Ana\n{CREATE}\n{TEACHER}\n{CREATE}\n/survey answer id:1 option:1")
    assert "only for teachers and admins" in s.find("only Ana")[0].text
    assert s.last("only Ms Lee").text == "This survey is for families."


async def test_simultaneous_answers_are_all_counted(db: Database) -> None:
    async with console_session(db) as s:
        names = [f"Family{n}" for n in range(8)]
        for name in names:
            await s.run(f"as {name}")
        await s.run(f"{TEACHER}\n{CREATE}")
        post = s.last("#announcements")

        def press(name: str) -> ButtonPressed:
            person = s.console.people[name.lower()]
            return ButtonPressed(key=f"console:{uuid.uuid4().hex}", actor=s.console.actor(person),
                                 community=s.console.community, action="survey.answer", value="1:0",
                                 message=post.ref, interaction=InteractionRef("console", uuid.uuid4().hex,
                                                                              token=person.user.id,
                                                                              channel=post.ref.channel),
                                 received_at=s.clock.now())

        await asyncio.gather(*(s.core.dispatch(press(n)) for n in names + names[:3]))
        await s.core.settle()
        async with db.read() as session:
            survey = await session.get(Survey, 1)
    assert survey is not None and survey.counts == {"0:": 8}
