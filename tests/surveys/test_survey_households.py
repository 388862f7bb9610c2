"""Family surveys through the family directory, on SQLite and PostgreSQL: each co-parent is
asked in their language, a guardian an admin restricted is neither asked nor counted, and each
household counts once: a co-parent's later answer replaces the household's (they are told),
results and per-language results count households, a person in no household is one of their
own, parallel and redelivered answers count a home once."""

from __future__ import annotations

import asyncio
import uuid

from sqlalchemy import select

from adapters.console import console_session
from adapters.console.harness import ConsoleSession
from bot.api.events import ButtonPressed
from bot.api.refs import InteractionRef
from bot.db.engine import Database
from cogs.households.models import HouseholdMember
from cogs.surveys.models import Survey, SurveyAnswer, SurveyHouseholdChoice

CLASS = """
as Maria lang=es
/delivery dm
as Luis
/delivery dm
as Pat lang=fr
/delivery dm
as Ms Lee role=teacher,admin
/family link child:Sam guardian:Maria
/family link child:Sam guardian:Luis
/family link child:Sam guardian:Pat
/family restrict child:Sam guardian:Pat reason:"order 7" class_wide:false
/survey create question:"Which day suits you?" options:"Monday; Friday"
"""


async def class_survey(s: ConsoleSession) -> int:
    await s.run(CLASS)
    return s.last("#announcements").number


async def test_each_co_parent_is_asked_in_their_language(db: Database) -> None:
    async with console_session(db) as s:
        await class_survey(s)
        assert "[es] Which day suits you?" in s.last("DM → Maria").text
        assert "Which day suits you?" in s.last("DM → Luis").text


async def test_a_restricted_guardian_is_not_asked_and_not_counted(db: Database) -> None:
    async with console_session(db) as s:
        post = await class_survey(s)
        await s.run(f"as Pat\nclick #{post} 1\nas Ms Lee\n/survey results id:1")
        assert not [e for e in s.find("DM → Pat") if "Which day" in e.text]
        assert "This survey is for families." in s.last("only Pat").text
        assert "1. Monday — 0" in s.last("only Ms Lee").text


HOME = """
as Maria lang=es
/help
as Luis lang=fr
/help
as Ana
/help
as Ms Lee role=teacher,admin
/family link child:Sam guardian:Maria
/family link child:Sam guardian:Luis with:Maria
"""


async def home_survey(s: ConsoleSession, options: str = "") -> int:
    """Maria and Luis live together (Sam's home); Ana is in no household."""
    await s.run(f'{HOME}/survey create question:"Which day suits you?" options:"Monday; Friday" {options}')
    return s.last("#announcements").number


def results(s: ConsoleSession) -> str:
    return s.last("only Ms Lee").text


async def test_a_co_parents_later_answer_replaces_the_households_answer(db: Database) -> None:
    async with console_session(db) as s:
        post = await home_survey(s)
        await s.run(f"as Maria\nclick #{post} 1\nas Luis\nclick #{post} 2\nas Ms Lee\n/survey results id:1")
    assert "Survey #1: 1 answer" in results(s)
    assert "1. Monday — 0" in results(s) and "2. Friday — 1" in results(s)


async def test_the_co_parent_is_told_privately_in_their_language_that_it_replaced_the_other_answer(
        db: Database) -> None:
    async with console_session(db) as s:
        post = await home_survey(s)
        await s.run(f"as Maria\nclick #{post} 1\nas Luis\nclick #{post} 2")
    assert s.last("only Maria").text == "[es] Thank you! Your answer to survey #1 was counted."
    assert s.last("only Luis").text == ("[fr] Thank you! Your answer to survey #1 was counted. It replaces the "
                                        "answer someone else in your household gave, because each household "
                                        "answers once.")


async def test_a_member_without_a_household_counts_as_their_own(db: Database) -> None:
    async with console_session(db) as s:
        post = await home_survey(s)
        await s.run(f"as Maria\nclick #{post} 1\nas Luis\nclick #{post} 1\nas Ana\nclick #{post} 1\n"
                    "as Ms Lee\n/survey results id:1")
    assert "Survey #1: 2 answers" in results(s) and "1. Monday — 2" in results(s)
    assert s.last("only Ana").text == "Thank you! Your answer to survey #1 was counted."


async def test_co_parents_in_two_homes_are_two_households(db: Database) -> None:
    async with console_session(db) as s:
        post = await class_survey(s)  # Maria and Luis are each linked to Sam, from two homes
        await s.run(f"as Maria\nclick #{post} 1\nas Luis\nclick #{post} 2\nas Ms Lee\n/survey results id:1")
    assert "Survey #1: 2 answers" in results(s)
    assert s.last("only Luis").text == "Thank you! Your answer to survey #1 was counted."


async def test_results_per_language_count_the_household_in_its_latest_answerers_language(db: Database) -> None:
    async with console_session(db) as s:
        post = await home_survey(s, "by_language:true")
        await s.run(f"as Maria\nclick #{post} 1\nas Luis\nclick #{post} 1\nas Ana\nclick #{post} 2\n"
                    "as Ms Lee\n/survey results id:1")
    assert "1. Monday — 1" in results(s) and "2. Friday — 1" in results(s)
    assert "fr — 1: 1 · 2: 0" in results(s) and "en — 1: 0 · 2: 1" in results(s)
    assert "es —" not in results(s)


async def test_an_anonymous_households_answer_is_kept_under_a_one_way_code_and_forgotten_at_close(
        db: Database) -> None:
    async with console_session(db) as s:
        post = await home_survey(s)
        await s.run(f"as Maria\nclick #{post} 1\nas Luis\nclick #{post} 2\nas Ms Lee\n/survey results id:1")
        async with db.read() as session:
            [choice] = (await session.scalars(select(SurveyHouseholdChoice))).all()
            home = await session.scalar(select(HouseholdMember.household_id))
        await s.run("/survey close id:1")
        async with db.read() as session:
            left = (await session.scalars(select(SurveyHouseholdChoice))).all()
            survey = await session.get(Survey, 1)
    assert choice.counted == "1:" and len(choice.household_code) == 64
    assert f"household:{home}" not in choice.household_code and str(home) != choice.household_code
    assert "Maria" not in results(s) and "Luis" not in results(s)  # no names in the results
    assert left == [] and survey is not None and survey.counts == {"1:": 1}


async def test_a_named_survey_shows_the_household_once_with_whoever_answered_last(db: Database) -> None:
    async with console_session(db) as s:
        post = await home_survey(s, "named:true")
        await s.run(f"as Maria\nclick #{post} 1\nas Luis\nclick #{post} 2\nas Ms Lee\n/survey results id:1")
        async with db.read() as session:
            answers = (await session.scalars(select(SurveyAnswer))).all()
    assert "Survey #1: 1 answer" in results(s) and "2. Friday — 1 ██████████ 100% (Luis)" in results(s)
    assert "It replaces the answer someone else in your household gave" in s.last("only Luis").text
    assert [(a.option_index, a.household.startswith("household:")) for a in answers] == [(1, True)]


async def test_a_named_answer_changed_by_the_same_person_is_not_called_a_replacement(db: Database) -> None:
    async with console_session(db) as s:
        post = await home_survey(s, "named:true")
        await s.run(f"as Luis\nclick #{post} 1\nclick #{post} 2")
    assert s.last("only Luis").text == "[fr] Your answer to survey #1 is now 2."


async def test_co_parents_answering_at_once_and_redelivered_answers_count_the_household_once(
        db: Database) -> None:
    async with console_session(db) as s:
        await home_survey(s)
        card = s.last("#announcements")

        def press(name: str, option: int) -> ButtonPressed:
            person = s.console.people[name.lower()]
            return ButtonPressed(key=f"console:{uuid.uuid4().hex}", actor=s.console.actor(person),
                                 community=s.console.community, action="survey.answer", value=f"1:{option}",
                                 message=card.ref, interaction=InteractionRef("console", uuid.uuid4().hex,
                                                                              token=person.user.id,
                                                                              channel=card.ref.channel),
                                 received_at=s.clock.now())

        maria, luis = press("Maria", 0), press("Luis", 1)  # each also delivered twice
        await asyncio.gather(*(s.core.dispatch(e) for e in (maria, luis, maria, luis)))
        await s.core.settle()
        async with db.read() as session:
            survey = await session.get(Survey, 1)
            choices = (await session.scalars(select(SurveyHouseholdChoice))).all()
    assert survey is not None and sum(survey.counts.values()) == 1
    assert len(choices) == 1


async def test_someone_who_moves_into_a_household_answers_for_it_and_their_earlier_answer_is_withdrawn(
        db: Database) -> None:
    async with console_session(db) as s:
        post = await home_survey(s, "named:true")
        await s.run(f"as Maria\nclick #{post} 1\nas Ana\nclick #{post} 2\nas Ms Lee\n"
                    f"/family household guardian:Ana with:Maria\nas Ana\nclick #{post} 2\nas Ms Lee\n"
                    "/survey results id:1")
    assert "It replaces the answer someone else in your household gave" in s.last("only Ana").text
    assert "Survey #1: 1 answer" in results(s) and "2. Friday — 1 ██████████ 100% (Ana)" in results(s)
