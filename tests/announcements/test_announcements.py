"""Announcements end to end on the console, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from adapters.console import console_session
from bot.api.messages import Message
from bot.api.outbound import Delivery, DeliveryStatus
from bot.api.refs import UserRef
from bot.db.engine import Database
from bot.delivery.models import OutboxEntry
from bot.delivery.service import pack
from bot.runtime.jobs import JobRunner

TEACHER = "as Ms Lee role=teacher"


async def test_scheduled_announcement_translate_acknowledge_and_status(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"""
as Maria lang=es
as Ana
{TEACHER}
/announce text:"Field trip on Friday! Bring a packed lunch." when:"tomorrow 7:30am"
""")
        assert "scheduled for Tuesday 8 September 2026, 07:30 (America/New_York)" in s.last("only Ms Lee").text
        assert s.find("#announcements") == []
        await s.run("advance 1d")
        post = s.last("#announcements")
        assert "Field trip on Friday! Bring a packed lunch." in post.text
        assert [b.label for b in post.message.buttons] == ["Translate", "Got it ✓"]
        await s.run(f"as Maria\nclick #{post.number} Translate\nas Ana\nclick #{post.number} Got it\n"
                    f"{TEACHER}\n/announcement status")
    assert s.last("only Maria").text == ("**[es] Announcement**\n[es] Field trip on Friday! Bring a packed lunch."
                                         "\n— #1\n[[es] Got it ✓]")
    assert "Thank you! Your teacher can see that you got announcement #1." in s.last("only Ana").text
    status = s.last("only Ms Lee").text
    assert "seen: 1 of 2 families" in status
    assert "Not seen yet: Maria" in status
    assert "Languages: en 1, es 1" in status


async def test_translate_is_private_and_in_the_clickers_language(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"as Maria lang=es\nas Minh lang=vi\n{TEACHER}\n/announce text:\"Picture day Monday\"")
        post = s.last("#announcements").number
        await s.run(f"as Maria\nclick #{post} Translate\nas Minh\nclick #{post} Translate")
    assert "[es] Picture day Monday" in s.last("only Maria").text
    assert "[vi] Picture day Monday" in s.last("only Minh").text
    assert len(s.find("#announcements")) == 1


async def test_the_translated_private_copy_can_be_acknowledged(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f'as Maria lang=es\n{TEACHER}\n/announce text:"Picture day Monday"')
        post = s.last("#announcements").number
        await s.run(f"as Maria\nclick #{post} Translate")
        copy = s.last("only Maria")
        assert [b.label for b in copy.message.buttons] == ["[es] Got it ✓"]
        await s.run(f"click #{copy.number} [es] Got it\n{TEACHER}\n/announcement status")
    assert "seen: 1 of 1 family" in s.last("only Ms Lee").text


async def test_acknowledgement_counts_once_per_member(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"as Ana\n{TEACHER}\n/announce text:\"Book fair\"")
        post = s.last("#announcements").number
        await s.run(f"as Ana\nclick #{post} Got it\nclick #{post} Got it\n{TEACHER}\n/announcement status")
    assert s.last("only Ana").text == "You already told us you saw this. Thank you!"
    assert "seen: 1 of 1 family" in s.last("only Ms Lee").text


async def test_family_cannot_announce_and_nothing_is_posted(db: Database) -> None:
    async with console_session(db) as s:
        await s.run('as Ana\n/announce text:"Party at my house"')
    assert "only for teachers and admins" in s.last("only Ana").text
    assert s.find("#announcements") == []


async def test_bad_input_gets_a_private_message_and_nothing_is_posted(db: Database) -> None:
    long_text = "x" * 5000
    async with console_session(db) as s:
        await s.run(f"""
{TEACHER}
/announce text:"   "
/announce text:"Trip" when:"yesterday 9am"
/announce text:"Trip" when:"when pigs fly"
/announce text:"{long_text}"
/announce text:"Trip" channel:#nowhere
/announcement status id:99
""")
    replies = [e.text for e in s.find("only Ms Lee")]
    assert replies[0] == "Your announcement is empty. Write the text after text:"
    assert "is in the past" in replies[1]
    assert replies[2].startswith('I couldn\'t read the time "when pigs fly". Try for example "tomorrow 7:30am"')
    assert "Your announcement is 5000 characters; this platform allows 3900" in replies[3]
    assert replies[4] == "I can't find the channel #nowhere."
    assert replies[5] == "There is no announcement #99 here."
    assert s.find("#") == []


async def test_dm_waits_for_the_end_of_quiet_hours(db: Database) -> None:
    async with console_session(db) as s:
        # 12:00 UTC is 08:00 in New York; quiet hours 07:00-09:00 hold the DM until 09:00.
        await s.run(f"as Maria\n/delivery dm\n/quiet-hours 07:00-09:00\n{TEACHER}\n/announce text:\"Bus is late\"")
        assert s.find("DM → Maria") == []
        await s.run("advance 59m")
        assert s.find("DM → Maria") == []
        await s.run("advance 2m")
        assert len(s.find("DM → Maria")) == 1


async def test_urgent_dm_ignores_quiet_hours(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"as Maria\n/delivery dm\n/quiet-hours 07:00-09:00\n{TEACHER}\n"
                    "/announce text:\"School closed: snow\" urgent:true")
    assert "School closed: snow" in s.last("DM → Maria").text


async def test_closed_dms_are_marked_unreachable_once_and_not_retried(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"as Bob dms=closed\n/delivery dm\n{TEACHER}\n/announce text:\"One\"\n/announce text:\"Two\"\n"
                    "advance 1d\n/announcement status id:1")
        async with db.read() as session:
            statuses = (await session.scalars(select(OutboxEntry.status))).all()
    assert statuses == ["unreachable", "unreachable"]
    assert "1 unreachable (DMs closed)" in s.last("only Ms Lee").text
    assert s.find("DM → Bob") == []


async def test_daily_digest_sends_one_message_with_everything_new(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"as Chen lang=zh-CN\n/delivery digest\n{TEACHER}\n/announce text:\"Picture day\"\n"
                    "/announce text:\"Library books due\"")
        assert s.find("DM → Chen") == []
        await s.run("advance 10h")  # 08:00 → 18:00 New York: the digest time
        digests = s.find("DM → Chen")
    assert len(digests) == 1
    assert "[zh-CN] Picture day" in digests[0].text and "[zh-CN] Library books due" in digests[0].text
    assert "Today's messages from school (2)" in digests[0].text


async def test_crash_between_claim_and_send_delivers_each_family_exactly_once(db: Database) -> None:
    async with console_session(db) as s:
        names = [f"Family{n}" for n in range(6)]
        for name in names:
            await s.run(f"as {name}\n/delivery dm")
        await s.run(TEACHER)
        # Dispatch the command without letting the console settle, then publish only.
        await s.console._command("announce", 'text:"Early pickup Friday"', s.console.channels["general"])
        [publish] = await s.core.jobs.claim()
        assert publish.kind == "announce.publish"
        await s.core.jobs.run_job(publish)  # posts, records the post, schedules the fan-out
        [fan_out] = await s.core.jobs.claim()
        assert fan_out.kind == "announce.fan_out"
        await s.core.jobs.run_job(fan_out)  # writes the outbox rows and schedules one job per family
        # A worker claims the deliveries and dies before sending anything.
        crashed = JobRunner(db, s.clock, lease_seconds=60, worker_id="crashed")
        claimed = await crashed.claim(limit=100)
        assert claimed and all(job.kind == "delivery.send" for job in claimed)
        assert s.find("DM → ") == []
        s.clock.advance(timedelta(seconds=61))
        await s.core.settle()
    for name in names:
        assert len(s.find(f"DM → {name}")) == 1


async def test_edit_updates_the_post_and_delivered_dms(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"as Maria lang=es\n/delivery dm\n{TEACHER}\n/announce text:\"Trip Friday\"\n"
                    "/announcement edit id:1 text:\"Trip Saturday\"")
        post = s.find("#announcements")[0]
        dm = s.find("DM → Maria")[0]
    assert post.edits == 1 and "Trip Saturday" in post.text
    assert dm.edits == 1 and "[es] Trip Saturday" in dm.text
    assert [b.label for b in dm.message.buttons] == ["[es] Show original", "[es] Got it ✓"]  # still acknowledgeable
    assert "updated (and 1 direct message)" in s.last("only Ms Lee").text


async def test_cancelled_scheduled_announcement_never_goes_out(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"{TEACHER}\n/announce text:\"Concert\" when:\"in 2 hours\"\n/announcement list\n"
                    "/announcement cancel id:1\nadvance 3h")
    assert "#1 — Monday 7 September 2026, 10:00 (America/New_York) — Concert" in s.find("only Ms Lee")[1].text
    assert s.find("#announcements") == []


async def test_delete_cancels_deliveries_still_waiting(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"as Maria\n/delivery dm\n/quiet-hours 07:00-09:00\n{TEACHER}\n/announce text:\"Oops\"\n"
                    "/announcement delete id:1\nadvance 3h")
        async with db.read() as session:
            statuses = (await session.scalars(select(OutboxEntry.status))).all()
    assert statuses == ["cancelled"]
    assert s.find("DM → Maria") == []
    assert "(#1 deleted)" in s.transcript() or any(e.deleted for e in s.entries)


async def test_urgent_news_reaches_digest_families_at_once(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"as Chen\n/delivery digest\n{TEACHER}\n/announce text:\"School closed today\" urgent:true")
        assert "School closed today" in s.last("DM → Chen").text


async def test_one_familys_failed_digest_does_not_hold_up_the_others(db: Database,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    async with console_session(db) as s:
        await s.run(f"as Ana\n/delivery digest\nas Ben\n/delivery digest\n{TEACHER}\n/announce text:\"Picture day\"")
        sending = s.console.send_dm

        async def ana_unreachable_for_now(user: UserRef, message: Message, **options: Any) -> Delivery:
            if user.id == s.console.person_named("Ana").user.id:  # type: ignore[union-attr]
                return Delivery(DeliveryStatus.FAILED, detail="503")
            return await sending(user, message, **options)

        monkeypatch.setattr(s.console, "send_dm", ana_unreachable_for_now)
        await s.run("advance 10h")
        assert "Picture day" in s.last("DM → Ben").text and s.find("DM → Ana") == []
        monkeypatch.setattr(s.console, "send_dm", sending)
        await s.run("advance 1h")  # the digest job's retry
    assert len(s.find("DM → Ana")) == 1 and len(s.find("DM → Ben")) == 1


def test_a_long_digest_is_split_under_the_platforms_limit_and_loses_nothing() -> None:
    parts = ["#1: " + "a" * 60, "#2: " + "b" * 60, "#3: " + "c" * 250]
    texts = pack(parts, 100)
    assert all(len(text) <= 100 for text in texts)
    assert "".join(texts).replace("\n", "") == "".join(parts)


async def test_a_failed_fan_out_never_posts_twice_and_still_reaches_everyone(db: Database,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    async with console_session(db) as s:
        await s.run(f"as Maria\n/delivery dm\n{TEACHER}")
        cog = next(c for c in s.core.cogs if c.name == "announcements")
        fan_out = cog._fan_out
        failures = [RuntimeError("database hiccup")]

        async def flaky(*args: object, **kwargs: object) -> None:
            if failures:
                raise failures.pop()
            await fan_out(*args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(cog, "_fan_out", flaky)
        await s.run("/announce text:\"Early pickup Friday\"\nadvance 1m")
    assert len(s.find("#announcements")) == 1
    assert len(s.find("DM → Maria")) == 1


async def test_the_author_is_told_when_the_post_cannot_be_made(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    async with console_session(db) as s:
        await s.run(TEACHER)

        async def refused(*args: object, **kwargs: object) -> None:
            raise PermissionError("missing access")

        monkeypatch.setattr(s.console, "post", refused)
        await s.run("/announce text:\"Early pickup Friday\"\nadvance 2h")
    assert s.last("DM → Ms Lee").text.startswith("Announcement #1 could not be posted to the channel")


async def test_a_family_reading_the_post_as_written_gets_no_show_original_button(db: Database) -> None:
    """"Show original" would only repeat what is shown: a family in the teacher's language, or
    one whose translation failed (the original is there under the note), does not get it."""
    async with console_session(db) as s:
        await s.run(f"as Ana lang=en\n/delivery dm\nas Maria lang=es\n/delivery dm\n{TEACHER}\n"
                    "/announce text:\"Trip Friday\"")
        s.core.translator.fail = True  # type: ignore[attr-defined]
        await s.run("as Luc lang=fr\n/delivery dm\nas Ms Lee\n/announce text:\"Trip Monday\"")
        await s.core.settle()
    assert [b.label for b in s.find("DM → Ana")[0].message.buttons] == ["Got it ✓"]
    assert [b.label for b in s.find("DM → Maria")[0].message.buttons] == ["[es] Show original", "[es] Got it ✓"]
    luc = s.find("DM → Luc", contains="Trip Monday")[0]
    assert len(luc.message.buttons) == 1 and "Got it" in luc.message.buttons[0].label
