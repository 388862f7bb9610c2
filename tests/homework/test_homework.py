"""Homework reminders, a feature that lives in cogs/homework/ alone: teachers post assignments
with a due day, every family is reminded once the evening before in their language, and
anyone can list what is due. The class is in New York; the session starts Monday 7 September
2026, 08:00 there."""

from __future__ import annotations

from sqlalchemy import func, select

from adapters.console.harness import console_session
from bot.config import parse_config
from bot.db.engine import Database
from bot.delivery.models import OutboxEntry
from cogs.homework.models import Assignment

TEACHER = "as Ms Lee role=teacher"
ADD = '/homework add title:"Reading log" due:"Thursday" details:"Read 20 minutes each night"'


def reminders(s: object, who: str) -> list[str]:
    return [e.text for e in s.find(f"DM → {who}") if "Reading log" in e.text]  # type: ignore[attr-defined]


async def test_families_are_reminded_once_the_evening_before_in_their_language(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"as Maria lang=es\n/help\nas Ana\n/help\n{TEACHER}\n{ADD}\nadvance 2d9h")  # Wed 17:00
        assert reminders(s, "Maria") == []
        await s.run("advance 1h30m")  # Wed 18:30
    [maria] = reminders(s, "Maria")
    assert '[es] Reminder: "[es] Reading log" is due jueves 10 septiembre 2026.' in maria
    assert "[es] Read 20 minutes each night" in maria
    [ana] = reminders(s, "Ana")
    assert 'Reminder: "Reading log" is due Thursday 10 September 2026.' in ana


async def test_the_teacher_is_told_when_families_will_be_reminded(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"{TEACHER}\n{ADD}")
    assert s.last("only Ms Lee").text == (
        'Homework #1 "Reading log" is due Thursday 10 September 2026. Families will be reminded '
        "Wednesday 9 September 2026, 18:00 (America/New_York).")


async def test_a_retried_reminder_job_reminds_nobody_twice(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"as Ana\n/help\n{TEACHER}\n{ADD}\nadvance 3d")
        cog = next(c for c in s.core.cogs if c.name == "homework")
        await cog.remind(_job(s, 1))
        await s.core.settle()
    assert len(reminders(s, "Ana")) == 1


def _job(s: object, assignment_id: int) -> object:
    from bot.api.jobs import JobContext

    return JobContext(job_id=0, kind="homework.remind", payload={"id": assignment_id}, attempt=2,
                      now=s.core.clock.now())  # type: ignore[attr-defined]


async def test_removed_homework_is_never_reminded(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"as Ana\n/help\n{TEACHER}\n{ADD}\n/homework remove id:1\nadvance 3d")
    assert reminders(s, "Ana") == []
    assert s.last("only Ms Lee").text == "Homework #1 was removed; families will not be reminded of it."


async def test_homework_due_tomorrow_posted_after_the_reminder_time_is_reminded_at_once(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f'as Ana\n/help\nadvance 11h\n{TEACHER}\n/homework add title:"Reading log" due:"tomorrow"')
        await s.core.settle()
    assert len(reminders(s, "Ana")) == 1


async def test_homework_due_today_gets_no_reminder(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f'as Ana\n/help\n{TEACHER}\n/homework add title:"Reading log" due:"today"\nadvance 1d')
    assert reminders(s, "Ana") == []
    assert "no reminder will be sent" in s.last("only Ms Lee").text


async def test_a_due_date_in_the_past_is_refused_and_nothing_is_stored(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f'{TEACHER}\n/homework add title:"Reading log" due:"2026-09-01"')
        async with db.read() as session:
            stored = await session.scalar(select(func.count()).select_from(Assignment))
    assert s.last("only Ms Lee").text == (
        "Tuesday 1 September 2026 is in the past. Please choose a due date from today on.")
    assert stored == 0


async def test_an_unreadable_due_date_names_forms_that_work(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f'{TEACHER}\n/homework add title:"Reading log" due:"whenever"')
    assert s.last("only Ms Lee").text.startswith('I couldn\'t read the due date "whenever". Try for example')


async def test_a_due_date_beyond_the_horizon_is_refused(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f'{TEACHER}\n/homework add title:"Reading log" due:"2062-09-01"')
    assert "is more than 365 days away" in s.last("only Ms Lee").text


async def test_families_cannot_post_homework(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"as Ana\n{ADD}")
        async with db.read() as session:
            stored = await session.scalar(select(func.count()).select_from(Assignment))
    assert stored == 0


async def test_list_shows_what_is_due_soonest_first_in_the_readers_language(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f'{TEACHER}\n/homework add title:"Science poster" due:"Friday"\n{ADD}\n'
                    '/homework add title:"Old worksheet" due:"today"\n/homework remove id:3\n'
                    "as Maria lang=es\n/homework list")
    assert s.last("only Maria").text.splitlines() == [
        "[es] Homework due:",
        "[es] #2 [es] Reading log: due jueves 10 septiembre 2026",
        "    [es] Read 20 minutes each night",
        "[es] #1 [es] Science poster: due viernes 11 septiembre 2026",
    ]


async def test_the_reminder_time_comes_from_the_homework_section(db: Database) -> None:
    config = parse_config({"homework": {"reminder_time": "16:00"}})
    async with console_session(db, config=config) as s:
        await s.run(f"as Ana\n/help\n{TEACHER}\n{ADD}\nadvance 2d8h5m")  # Wed 16:05
    assert len(reminders(s, "Ana")) == 1


async def test_a_reminder_is_one_delivery_per_family(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"as Ana\n/help\nas Ben\n/help\n{TEACHER}\n{ADD}\nadvance 3d")
        async with db.read() as session:
            rows = (await session.scalars(select(OutboxEntry.status).where(
                OutboxEntry.topic == "homework.reminder"))).all()
    assert sorted(rows) == ["sent", "sent"]
