"""One daily digest per person across the classes they are in, through the real delivery
path on the console (SQLite and PostgreSQL): the console's people are the same people in
every console class, as a Discord user is the same in every server. Assertions are on the
direct messages each person received."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from adapters.console import ConsoleSession, console_session
from bot.api.events import ButtonPressed
from bot.api.refs import CommunityRef, InteractionRef
from bot.config import parse_config
from bot.db.engine import Database
from bot.db.models import Community, Member
from bot.delivery import Content, Phrase, Reach
from bot.delivery.models import OutboxEntry
from tests.core.recording import RecordingOutbound
from tests.delivery.classes import KIM, LEE, ROOM_12, ROOM_14, enter, two_classes


def dms(s: ConsoleSession, name: str) -> list[str]:
    return [entry.text for entry in s.find(f"DM → {name}")]


async def statuses(db: Database, name: str) -> list[tuple[int, str, str]]:
    async with db.read() as session:
        rows = await session.execute(select(Member.community_id, OutboxEntry.mode, OutboxEntry.status)
                                     .join(Member, Member.id == OutboxEntry.member_id)
                                     .where(Member.display_name == name).order_by(OutboxEntry.id))
    return [tuple(row) for row in rows]  # type: ignore[misc]


# ----- one digest, grouped by class -------------------------------------------------------
async def test_a_guardian_in_two_classes_gets_one_digest_with_each_classs_items_under_its_name(
        db: Database) -> None:
    async with console_session(db) as s:
        await two_classes(s, 'as Ana\n/delivery digest\nas Bob\n/delivery digest\n'
                             f'{LEE}\n/announce text:"Picture day on Friday"',
                          'as Ana\n/delivery digest\n'
                          f'{KIM}\n/announce text:"Field trip on Tuesday"\n/announce text:"Bring a hat"')
        await s.run("advance 10h")  # 18:00 in New York, both classes' digest time
    [digest] = dms(s, "Ana")
    assert "Today's messages from school (3)" in digest.splitlines()[0]
    assert digest.index(ROOM_12) < digest.index("Picture day on Friday") < digest.index(ROOM_14) \
        < digest.index("Field trip on Tuesday") < digest.index("Bring a hat")
    assert digest.count(ROOM_14) == 1
    [bobs] = dms(s, "Bob")  # in one class: his digest as before, no class headings
    assert "Picture day on Friday" in bobs and "—" not in bobs and "Field trip" not in bobs
    assert {status for _, _, status in await statuses(db, "Ana")} == {"sent"}


async def test_the_whole_digest_is_in_the_language_the_guardian_chose_in_either_class(db: Database) -> None:
    async with console_session(db) as s:
        await two_classes(s, 'as Ana\n/delivery digest\n'
                             f'{LEE}\n/announce text:"Picture day on Friday"',
                          'as Ana\n/delivery digest\n/language es\n'
                          f'{KIM}\n/announce text:"Field trip on Tuesday"')
        await s.run("advance 10h")
    [digest] = dms(s, "Ana")
    assert "[es] Picture day on Friday" in digest and "[es] Field trip on Tuesday" in digest


async def test_two_guardians_of_one_child_each_get_one_digest_in_their_own_language(db: Database) -> None:
    async with console_session(db) as s:
        await two_classes(s, "as Maria lang=es\n/delivery digest\nas Luis lang=en\n/delivery digest\n"
                             f"{LEE}\n/family link child:Sam guardian:Maria\n/family link child:Sam guardian:Luis\n"
                             '/announce text:"Picture day on Friday"',
                          "as Maria\n/delivery digest\n"
                          f"{KIM}\n/family link child:Leo guardian:Maria\n"
                          '/announce text:"Field trip on Tuesday"')
        await s.run("advance 10h")
    [marias] = dms(s, "Maria")
    assert ROOM_12 in marias and ROOM_14 in marias
    assert "[es] Picture day on Friday" in marias and "[es] Field trip on Tuesday" in marias
    [luis] = dms(s, "Luis")
    assert "Picture day on Friday" in luis and "[es]" not in luis and "Field trip" not in luis


async def test_a_restricted_guardian_finds_nothing_about_the_child_in_the_digest_of_their_classes(
        db: Database) -> None:
    async with console_session(db) as s:
        await two_classes(s, "as Maria\n/delivery digest\nas Pat\n/delivery digest\n"
                             f"{LEE}\n/family link child:Sam guardian:Maria\n/family link child:Sam guardian:Pat\n"
                             '/family restrict child:Sam guardian:Pat reason:"order 7" class_wide:false\n'
                             '/announce text:"Picture day on Friday"',
                          "as Pat\n/delivery digest\n"
                          f'{KIM}\n/family link child:Leo guardian:Pat\n/announce text:"Field trip on Tuesday"')
        await s.run("advance 10h")
    [pats] = dms(s, "Pat")
    assert "Field trip on Tuesday" in pats and "Picture day" not in pats
    assert "Picture day on Friday" in dms(s, "Maria")[0]


async def test_got_it_on_a_digest_that_spans_two_classes_counts_in_both(db: Database) -> None:
    async with console_session(db) as s:
        await two_classes(s, f'as Ana\n/delivery digest\n{LEE}\n/announce text:"Picture day on Friday"',
                          f'as Ana\n/delivery digest\n{KIM}\n/announce text:"Field trip on Tuesday"')
        await s.run("advance 10h")
        digest = s.last("DM → Ana")
        await s.run(f"as Ana\nclick #{digest.number} Got it\n{KIM}\n/announcement status id:2")
        in_14 = s.last("only Mr Kim").text
        enter(s, "room", "Room 12")
        await s.run(f"{LEE}\n/announcement status id:1")
    assert "Thank you! Your teacher can see that you got it." in s.last("only Ana").text
    assert "seen: 1 of 1 family" in in_14
    assert "seen: 1 of 1 family" in s.last("only Ms Lee").text


async def test_got_it_on_another_persons_spanning_digest_changes_nothing(db: Database) -> None:
    async with console_session(db) as s:
        await two_classes(s, f'as Ana\n/delivery digest\nas Bob\n/help\n{LEE}\n/announce text:"Picture day"',
                          f'as Ana\n/delivery digest\nas Bob\n/help\n{KIM}\n/announce text:"Field trip"')
        await s.run("advance 10h")
        digest = s.last("DM → Ana")
        await s.run(f"as Bob\nclick #{digest.number} Got it")
        async with db.read() as session:
            seen = (await session.scalars(select(OutboxEntry.seen_at))).all()
    assert "not for you" in s.last("only Bob").text and seen == [None, None]


# ----- when it goes -----------------------------------------------------------------------
async def test_classes_with_different_digest_times_send_a_guardian_one_digest_a_day(db: Database) -> None:
    config = parse_config({"communities": {"console:room-14": {"digest_time": "12:00"}}})
    async with console_session(db, config=config) as s:
        await two_classes(s, "as Ana\n/delivery digest\nas Bob\n/delivery digest",
                          f'as Ana\n/delivery digest\n{KIM}\n/announce text:"Field trip"')
        await s.run("advance 4h5m")  # 12:05 in New York: Room 14's digest time
        assert len(dms(s, "Ana")) == 1 and "Field trip" in dms(s, "Ana")[0]
        enter(s, "room", "Room 12")
        await s.run(f'{LEE}\n/announce text:"Picture day"\nadvance 6h')  # 18:05: Room 12's digest time
        assert len(dms(s, "Ana")) == 1  # she had today's: Room 12's item waits for the next one
        assert len(dms(s, "Bob")) == 1 and "Picture day" in dms(s, "Bob")[0]
        await s.run("advance 1d")
    first, second = dms(s, "Ana")
    assert "Picture day" not in first and "Picture day" in second and "Field trip" not in second
    assert len(dms(s, "Bob")) == 1


async def test_news_held_back_by_todays_digest_comes_at_the_next_digest_time_of_any_of_the_classes(
        db: Database) -> None:
    config = parse_config({"communities": {"console:room-14": {"digest_time": "12:00"}}})
    async with console_session(db, config=config) as s:
        await two_classes(s, f'as Ana\n/delivery digest\n{LEE}\n/announce text:"Picture day"',
                          "as Ana\n/delivery digest")
        await s.run("advance 10h5m")  # Monday 18:05: Room 12's digest
        assert len(dms(s, "Ana")) == 1
        await s.run(f'advance 13h55m\n{KIM}\n/announce text:"Field trip"\nadvance 4h5m')  # Tuesday 12:05
        assert len(dms(s, "Ana")) == 1  # Room 14's moment came 18 hours after her last digest
        await s.run("advance 6h")  # Tuesday 18:05: Room 12's moment, though Room 12 had nothing new
    assert len(dms(s, "Ana")) == 2 and "Field trip" in dms(s, "Ana")[1]


async def test_the_digest_waits_for_the_end_of_the_guardians_quiet_hours_in_any_of_their_classes(
        db: Database) -> None:
    async with console_session(db) as s:
        await two_classes(s, f'as Ana\n/delivery digest\nas Bob\n/delivery digest\n{LEE}\n/announce text:"Picture day"',
                          "as Ana tz=Europe/Paris\n/delivery digest")  # 18:00 in New York is midnight in Paris
        await s.run("advance 10h5m")
        assert dms(s, "Ana") == [] and len(dms(s, "Bob")) == 1
        await s.run("advance 6h55m")  # 07:00 in Paris
        assert len(dms(s, "Ana")) == 1 and "Picture day" in dms(s, "Ana")[0]
        await s.run("advance 1d")
    assert len(dms(s, "Ana")) == 1 and len(dms(s, "Bob")) == 1


# ----- exactly once -----------------------------------------------------------------------
async def test_a_crash_after_sending_a_spanning_digest_resends_it_once_and_loses_nothing(
        db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The process dies after the platform took the digest and before it was recorded: the
    restarted process sends it again under the same key (the journal recognises it), and an
    item queued meanwhile comes in the next digest, not folded into the resend."""
    config = parse_config({"console": {"journal_file": str(tmp_path / "journal.jsonl")}})
    async with console_session(db, config=config) as s:
        await two_classes(s, f'as Ana\n/delivery digest\n{LEE}\n/announce text:"Picture day on Friday"',
                          f'as Ana\n/delivery digest\n{KIM}\n/announce text:"Field trip on Tuesday"')
        service = s.core.deliveries
        settle, killed = service._settle, []

        async def dies(row_ids, status, *args, **kwargs):  # type: ignore[no-untyped-def]
            if status == "sent":  # this process is dead from here on
                killed.append(row_ids)
                raise RuntimeError("killed")  # as a SIGKILL: nothing after the send is recorded
            await settle(row_ids, status, *args, **kwargs)

        monkeypatch.setattr(service, "_settle", dies)
        await s.run("advance 10h")
        first = dms(s, "Ana")
    assert killed and len(first) == 1 and "Picture day" in first[0] and "Field trip" in first[0]
    assert [status for _, _, status in await statuses(db, "Ana")] == ["sending", "sending"]
    async with console_session(db, config=config, start=s.clock.now()) as s:
        await two_classes(s, "as Ana", f'{KIM}\n/announce text:"Bring a hat"')
        await s.run("advance 30m")  # the job's lease ends; the retry runs
        assert dms(s, "Ana") == []  # the journal knew the key: no second copy
        assert [status for _, _, status in await statuses(db, "Ana")] == ["sent", "sent", "pending"]
        await s.run("advance 1d")
    [next_day] = dms(s, "Ana")
    assert "Bring a hat" in next_day and "Picture day" not in next_day


# ----- who is "the same person" -----------------------------------------------------------
async def _queue_on(s: ConsoleSession, platform: str, room: str, user_id: str, text: str) -> None:
    """A digest item for ``user_id`` in ``room`` of ``platform``, queued as a feature does."""
    community = await s.core.ensure_community(CommunityRef(platform, room), room)
    async with s.core.db.write() as session:
        member = await session.scalar(select(Member).where(Member.community_id == community.id,
                                                           Member.user_id == user_id))
        if member is None:
            member = Member(community_id=community.id, user_id=user_id, display_name="Ana", delivery="digest")
            session.add(member)
            await session.flush()
        await s.core.deliveries.enqueue(session, community, [member], topic="test", subject=f"test:{text}",
                                        content=Content(body=Phrase.exact(text)), reach=Reach.BROADCAST)
    await s.core.settle()


async def test_on_a_platform_whose_dms_go_through_one_workspace_each_workspace_sends_its_own_digest(
        db: Database) -> None:
    async with console_session(db) as s:
        workspaces = RecordingOutbound()  # declares, like Slack, that a DM goes through one workspace
        s.core.add_adapter(workspaces)
        await _queue_on(s, "test", "T1", "U1", "Picture day")
        await _queue_on(s, "test", "T2", "U1", "Field trip")
        await s.run("advance 10h")
    assert sorted((user.community.id, message.text) for user, message in workspaces.dms) == [  # type: ignore[union-attr]
        ("T1", "Picture day"), ("T2", "Field trip")]


async def test_the_same_id_on_another_platform_is_another_inbox(db: Database) -> None:
    async with console_session(db) as s:
        workspaces = RecordingOutbound()
        s.core.add_adapter(workspaces)
        await s.run("as Ana\n/delivery digest")
        async with db.read() as session:
            ana = await session.scalar(select(Member).where(Member.display_name == "Ana"))
            room = await session.scalar(select(Community).where(Community.platform == "console"))
        await _queue_on(s, "console", room.external_id, ana.user_id, "Picture day")
        await _queue_on(s, "test", "T1", ana.user_id, "Field trip")
        await s.run("advance 10h")
    [console_digest] = dms(s, "Ana")
    assert "Picture day" in console_digest and "Field trip" not in console_digest
    assert [message.text for _, message in workspaces.dms] == ["Field trip"]


async def test_got_it_pressed_where_no_class_is_known_counts_in_both_classes(db: Database) -> None:
    """A press in a DM carries no server or workspace (Discord's DM interactions have no
    guild): the press is matched to the person's memberships the digest was sent to."""
    async with console_session(db) as s:
        await two_classes(s, f'as Ana\n/delivery digest\n{LEE}\n/announce text:"Picture day"',
                          f'as Ana\n/delivery digest\n{KIM}\n/announce text:"Field trip"')
        await s.run("advance 10h")
        digest = s.last("DM → Ana")
        [button] = digest.message.buttons
        ana = s.console.person_named("Ana")
        assert ana is not None
        await s.core.dispatch(ButtonPressed(
            key="dm-press-1", actor=s.console.actor(ana), community=None, action=button.action, value=button.value,
            message=digest.ref, interaction=InteractionRef("console", "dm-press-1", token=ana.user.id,
                                                           channel=digest.ref.channel),
            received_at=s.clock.now()))
        await s.core.settle()
        await s.run(f"{KIM}\n/announcement status id:2")
    assert "Thank you! Your teacher can see that you got it." in s.last("only Ana").text
    assert "seen: 1 of 1 family" in s.last("only Mr Kim").text
