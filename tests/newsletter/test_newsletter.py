"""The weekly newsletter on the console, SQLite and PostgreSQL: its hour across a DST change,
a skipped empty week, every family's language, preview, and schedules that do not parse."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from adapters.console import console_session
from bot.api.errors import UserError
from bot.db.engine import Database
from cogs.newsletter.schedule import parse_weekly

TEACHER = "as Ms Lee role=teacher"
#: Monday 26 October 2026, 08:00 in New York; the clocks go back on Sunday 1 November.
BEFORE_DST_ENDS = datetime(2026, 10, 26, 12, 0, tzinfo=UTC)


async def test_the_newsletter_goes_out_at_15_00_local_time_on_both_sides_of_a_dst_change(db: Database) -> None:
    async with console_session(db, start=BEFORE_DST_ENDS) as s:
        await s.run(f'{TEACHER}\n/newsletter schedule every:"Friday 15:00"\n'
                    '/newsletter add section:this_week text:"We planted beans"')
        assert "the next one on Friday 30 October 2026, 15:00 (America/New_York)" in s.find("only Ms Lee")[0].text
        await s.run("advance 4d6h59m")  # Friday 30 October 14:59 EDT
        assert s.find("#announcements") == []
        await s.run("advance 1m")  # 15:00 EDT = 19:00 UTC
        assert len(s.find("#announcements")) == 1
        await s.run('/newsletter add section:next_week text:"Library visit"')
        await s.run("advance 7d59m")  # Friday 6 November 19:59 UTC is 14:59 EST: not yet
        assert len(s.find("#announcements")) == 1
        await s.run("advance 1m")  # 15:00 EST = 20:00 UTC
        posts = s.find("#announcements")
    assert len(posts) == 2
    assert "This week: • We planted beans" in posts[0].text
    assert "Next week: • Library visit" in posts[1].text and "beans" not in posts[1].text


async def test_a_week_with_nothing_in_it_is_skipped_and_the_teacher_told(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f'{TEACHER}\n/newsletter schedule every:"Friday 15:00"\nadvance 5d')
    assert s.find("#announcements") == []
    told = s.last("DM → Ms Lee").text
    assert told.startswith("Nothing was added to the newsletter this week, so none went out on Friday 11 September")
    assert "The next one is due Friday 18 September 2026, 15:00" in told


async def test_families_read_the_newsletter_in_their_language_by_dm_digest_or_translate(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f'as Maria lang=es\n/delivery dm\nas Chen lang=zh-CN\n/delivery digest\nas Minh lang=vi\n'
                    f'{TEACHER}\n/newsletter schedule every:"Friday 15:00"\n'
                    '/newsletter add section:reminders text:"Return the permission slip"\nadvance 4d7h')
        post = s.last("#announcements")
        await s.run(f"as Minh\nclick #{post.number} Translate\nadvance 3h")
    maria = s.last("DM → Maria").text
    assert maria.startswith("**[es] Class newsletter**")
    assert "[es] Reminders:\n• Return the permission slip" in maria  # one text, translated once
    assert "[zh-CN] Reminders:\n• Return the permission slip" in s.last("DM → Chen").text
    assert "[vi] Reminders:\n• Return the permission slip" in s.last("only Minh").text
    assert "Reminders: • Return the permission slip" in post.text


async def test_preview_shows_the_next_newsletter_privately_and_posts_nothing(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f'{TEACHER} lang=es\n/newsletter preview\n/newsletter schedule every:"viernes 15:00"\n'
                    '/newsletter add section:photos text:"Photos of the garden: see the class album"\n'
                    '/newsletter preview')
    replies = [e.text for e in s.find("only Ms Lee")]
    assert replies[0].startswith("[es] Nothing has been added to the next newsletter yet.")
    assert "[es] No day is set yet" in replies[0]
    assert "[es] Photos:\n• Photos of the garden" in replies[-1]  # her own words, in her language already
    assert "[es] Goes out viernes 11 septiembre 2026, 15:00 (America/New_York)." in replies[-1]
    assert s.find("#announcements") == []


async def test_a_new_schedule_replaces_the_old_one(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f'{TEACHER}\n/newsletter schedule every:"Wednesday 15:00"\n/newsletter schedule every:"Fri 3pm"\n'
                    '/newsletter add section:this_week text:"Bake sale"\nadvance 3d')
        assert s.find("#announcements") == []  # not on Wednesday any more
        await s.run("advance 2d")
    assert len(s.find("#announcements")) == 1


async def test_a_family_cannot_write_the_newsletter(db: Database) -> None:
    async with console_session(db) as s:
        await s.run('as Ana\n/newsletter add section:this_week text:"Hi"')
    assert "only for teachers and admins" in s.last("only Ana").text


@pytest.mark.parametrize(("text", "said"), [
    ("Friday", 'I understood the day friday in "Friday", but not a time.'),
    ("3pm", 'I understood the time 15:00 in "3pm", but not a day of the week.'),
    ("Friday 25:00", 'I understood the day friday in "Friday 25:00", but not a time.'),
    ("whenever", 'I could not read "whenever" as a day and a time.'),
])
def test_a_schedule_that_does_not_parse_says_what_was_understood(text: str, said: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_weekly(text, "en")
    assert caught.value.msgid.format(**caught.value.params).startswith(said)


@pytest.mark.parametrize(("text", "lang", "weekday", "clock"), [
    ("Friday 15:00", "en", 4, "15:00"), ("fri 3pm", "en", 4, "15:00"), ("Tues 8:30 am", "en", 1, "08:30"),
    ("viernes 15:00", "es", 4, "15:00"), ("every Monday at 7.45", "en", 0, "07:45"),
])
def test_schedules_in_the_forms_teachers_write(text: str, lang: str, weekday: int, clock: str) -> None:
    weekly = parse_weekly(text, lang)
    assert (weekly.weekday, weekly.clock) == (weekday, clock)


async def test_a_bad_schedule_reaches_the_teacher_as_a_private_message(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f'{TEACHER}\n/newsletter schedule every:"Friday"')
    assert s.last("only Ms Lee").text.startswith('I understood the day friday in "Friday", but not a time.')
