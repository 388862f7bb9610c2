"""The delivery service as families and teachers meet it: modes, quiet hours in the
reader's zone, urgency, expiry, read receipts from digests, and unreachable people named."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from adapters.console import console_session
from bot.db.engine import Database
from bot.db.models import Community, Member
from bot.delivery import Content, Phrase, Reach, Urgency, When, Written
from bot.delivery.models import OutboxEntry

TEACHER = "as Ms Lee role=teacher"


async def _queue(s, name: str, content: Content, **options) -> None:  # type: ignore[no-untyped-def]
    """Queue ``content`` for the console person ``name`` the way a feature does."""
    async with s.core.db.write() as session:
        community = await session.scalar(select(Community))
        member = await session.scalar(select(Member).where(Member.display_name == name))
        await s.core.deliveries.enqueue(session, community, [member], topic="test", subject="test:1",
                                        content=content, **options)
    await s.core.settle()


async def test_a_digest_items_got_it_counts_as_seen(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"as Chen\n/delivery digest\n{TEACHER}\n/announce text:\"Picture day\"\nadvance 10h")
        digest = s.last("DM → Chen")
        await s.run(f"as Chen\nclick #{digest.number} Got it\n{TEACHER}\n/announcement status id:1")
    assert "seen: 1 of 1 family" in s.last("only Ms Lee").text


async def test_got_it_on_someone_elses_digest_changes_nothing(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"as Chen\n/delivery digest\nas Ana\n/delivery digest\n{TEACHER}\n/announce text:\"Picture day\""
                    "\nadvance 10h")
        chens = s.last("DM → Chen")
        await s.run(f"as Ana\nclick #{chens.number} Got it\n{TEACHER}\n/announcement status id:1")
    assert "seen: 0 of 2 families" in s.last("only Ms Lee").text
    assert "not for you" in s.last("only Ana").text


async def test_the_teachers_status_names_families_who_could_not_be_reached(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"as Bob dms=closed\n/delivery dm\nas Maria\n/delivery dm\n{TEACHER}\n"
                    "/announce text:\"Trip Friday\"\n/announcement status id:1")
    status = s.last("only Ms Lee").text
    assert "Could not be reached: Bob" in status and "Maria" not in status.split("Could not be reached:")[1]


async def test_a_personal_message_waits_for_the_end_of_quiet_hours_in_the_readers_zone(db: Database) -> None:
    async with console_session(db) as s:
        # 12:00 UTC: 08:00 in New York (awake) but 05:00 in Los Angeles, inside 21:00-07:00
        await s.run("as Ana tz=America/Los_Angeles lang=es\n/language es")
        await _queue(s, "Ana", Content(body=Phrase.of("Reminder: \"{title}\" is on {when}.",
                                                      title=Written("Bake sale", "en"),
                                                      when=When(s.clock.now() + timedelta(days=1)))))
        assert s.find("DM → Ana") == []
        await s.run("advance 119m")
        assert s.find("DM → Ana") == []
        await s.run("advance 2m")  # 07:01 in Los Angeles
    text = s.last("DM → Ana").text
    assert text.startswith("[es] Reminder") and "[es] Bake sale" in text and "America/Los_Angeles" in text


async def test_a_message_whose_moment_passes_during_quiet_hours_is_dropped(db: Database) -> None:
    async with console_session(db) as s:
        await s.run("as Ana tz=America/Los_Angeles")
        await _queue(s, "Ana", Content(body=Phrase.of("The meeting starts in one hour.")),
                     expires_at=s.clock.now() + timedelta(hours=1))
        await s.run("advance 3h")
        async with db.read() as session:
            status = await session.scalar(select(OutboxEntry.status))
    assert s.find("DM → Ana") == [] and status == "expired"


async def test_a_digest_reader_finds_a_message_that_fell_in_quiet_hours_in_the_digest(db: Database) -> None:
    async with console_session(db) as s:
        await s.run("as Ana tz=America/Los_Angeles\n/delivery digest")
        await _queue(s, "Ana", Content(body=Phrase.of("The meeting starts in one hour.")),
                     expires_at=s.clock.now() + timedelta(hours=1))
        assert s.find("DM → Ana") == []
        await s.run("advance 10h")  # the community's digest at 18:00 New York
    assert "The meeting starts in one hour." in s.last("DM → Ana").text


async def test_an_emergency_reaches_channel_readers_at_once_inside_quiet_hours(db: Database) -> None:
    async with console_session(db) as s:
        await s.run("as Ana tz=America/Los_Angeles")  # reads the channel; 05:00 there
        await _queue(s, "Ana", Content(body=Phrase.of("School is closed today.")), reach=Reach.BROADCAST,
                     urgency=Urgency.EMERGENCY)
    assert "School is closed today." in s.last("DM → Ana").text


async def test_a_broadcast_adds_nothing_for_a_channel_reader(db: Database) -> None:
    async with console_session(db) as s:
        await s.run("as Ana")
        await _queue(s, "Ana", Content(body=Phrase.of("Picture day is Friday.")), reach=Reach.BROADCAST)
        async with db.read() as session:
            rows = (await session.scalars(select(OutboxEntry))).all()
    assert rows == [] and s.find("DM → Ana") == []


async def test_the_same_cause_queued_twice_reaches_the_person_once(db: Database) -> None:
    async with console_session(db) as s:
        await s.run("as Ana")
        for _ in range(2):
            await _queue(s, "Ana", Content(body=Phrase.of("You're signed up. Thank you!")), cause="signup:7:ana")
    assert len(s.find("DM → Ana")) == 1


async def test_the_sender_is_told_by_name_when_a_personal_message_cannot_arrive(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"as Bob\n{TEACHER}\n/language en")
        async with s.core.db.write() as session:
            await session.execute(Member.__table__.update().where(Member.display_name == "Bob")
                                  .values(dms_closed=True))
        async with s.core.db.read() as session:
            teacher = await session.scalar(select(Member).where(Member.display_name == "Ms Lee"))
        await _queue(s, "Bob", Content(body=Phrase.of("Your answer is ready.")), sender=teacher)
    assert "I could not deliver a message to Bob" in s.last("DM → Ms Lee").text


async def test_a_digest_reader_whose_dms_closed_meanwhile_is_named_to_the_sender(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"as Ana\n/delivery digest\n{TEACHER}\n/language en")
        async with s.core.db.read() as session:
            teacher = await session.scalar(select(Member).where(Member.display_name == "Ms Lee"))
        await _queue(s, "Ana", Content(body=Phrase.of("Picture day is Friday.")), reach=Reach.BROADCAST,
                     sender=teacher)
        async with s.core.db.write() as session:
            await session.execute(Member.__table__.update().where(Member.display_name == "Ana")
                                  .values(dms_closed=True))
        await s.run("advance 10h")  # the digest
        async with db.read() as session:
            status = await session.scalar(select(OutboxEntry.status).where(OutboxEntry.topic == "test"))
    assert status == "unreachable" and s.find("DM → Ana") == []
    assert "I could not deliver a message to Ana" in s.last("DM → Ms Lee").text
