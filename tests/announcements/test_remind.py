"""/announcement remind: a DM only to families who have not seen the post, in their language,
after their quiet hours, at most once per announcement per day (SQLite and PostgreSQL)."""

from __future__ import annotations

from adapters.console import console_session
from bot.db.engine import Database

TEACHER = "as Ms Lee role=teacher"
SETUP = (f"as Maria lang=es\nas Ana\nas Chen lang=zh-CN\n/delivery digest\n{TEACHER}\n"
         "/announce text:\"Book fair Friday\"")


async def test_remind_reaches_only_the_families_who_have_not_seen_the_post(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(SETUP)
        post = s.last("#announcements").number
        await s.run(f"as Maria\nclick #{post} Got it\n{TEACHER}\n/announcement remind id:1")
        ana, chen = s.find("DM → Ana"), s.find("DM → Chen")
    assert s.find("DM → Maria") == []
    assert len(ana) == 1 and ana[0].text.startswith("**Reminder: announcement**\nBook fair Friday")
    assert len(chen) == 1 and chen[0].text.startswith("**[zh-CN] Reminder: announcement**\n[zh-CN] Book fair Friday")
    assert "goes to the 2 families who have not seen it" in s.last("only Ms Lee").text


async def test_a_reminder_waits_for_the_end_of_quiet_hours(db: Database) -> None:
    async with console_session(db) as s:
        # 12:00 UTC is 08:00 in New York: inside Ana's quiet hours until 09:00.
        await s.run(f"as Ana\n/quiet-hours 07:00-09:00\n{TEACHER}\n/announce text:\"Book fair\"\n"
                    "/announcement remind id:1\nadvance 59m")
        assert s.find("DM → Ana") == []
        await s.run("advance 2m")
    assert len(s.find("DM → Ana")) == 1


async def test_a_second_reminder_the_same_day_is_refused_and_the_next_day_allowed(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"{SETUP}\n/announcement remind id:1\nadvance 3h\n/announcement remind id:1")
        refused = s.last("only Ms Lee").text
        await s.run(f"as Ana\nclick #{s.last('DM → Ana').number} Got it\n{TEACHER}\nadvance 1d\n"
                    "/announcement remind id:1")
    assert refused == ("Families were already reminded about announcement #1 today. You can remind them again "
                       "tomorrow.")
    reminders = [e.audience for e in s.find("DM →") if "Reminder: announcement" in e.text]
    assert sorted(reminders) == ["Ana", "Chen", "Chen", "Maria", "Maria"]  # Ana pressed Got it on the first


async def test_got_it_on_a_reminder_counts_as_seen(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"as Ana\n{TEACHER}\n/announce text:\"Book fair\"\n/announcement remind id:1")
        await s.run(f"as Ana\nclick #{s.last('DM → Ana').number} Got it\n{TEACHER}\n/announcement status id:1")
    assert "seen: 1 of 1 family" in s.last("only Ms Lee").text


async def test_when_everyone_has_seen_it_nobody_is_reminded(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"as Ana\n{TEACHER}\n/announce text:\"Book fair\"")
        await s.run(f"as Ana\nclick #{s.last('#announcements').number} Got it\n{TEACHER}\n/announcement remind id:1")
    assert s.last("only Ms Lee").text == "Every family has seen announcement #1; there is nobody to remind."
    assert s.find("DM → Ana") == []


async def test_families_cannot_remind_and_a_scheduled_announcement_has_nobody_to_remind(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"as Ana\n{TEACHER}\n/announce text:\"Trip\" when:\"tomorrow 9am\"\n/announcement remind id:1\n"
                    "as Ana\n/announcement remind id:1")
    assert s.find("only Ms Lee")[-1].text == "Announcement #1 has not gone out yet, so there is nobody to remind."
    assert "only for teachers and admins" in s.last("only Ana").text
    assert s.find("DM → Ana") == []


async def test_two_reminders_at_the_same_moment_reach_each_family_once(db: Database) -> None:
    import asyncio

    async with console_session(db) as s:
        await s.run(f"as Ana\nas Bob\n{TEACHER}\n/announce text:\"Book fair\"")
        await asyncio.gather(*(s.console._command("announcement", "remind id:1", s.console.channels["general"])
                               for _ in range(2)))
        await s.core.settle()
    assert len(s.find("DM → Ana")) == 1 and len(s.find("DM → Bob")) == 1
