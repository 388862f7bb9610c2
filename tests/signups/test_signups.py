"""Sign-ups end to end on the console (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from sqlalchemy import select

from adapters.console import console_session
from bot.api.emoji import Emoji
from bot.db.engine import Database
from bot.db.models import Member
from bot.delivery.models import OutboxEntry
from bot.runtime.privacy import PrivacyService
from cogs.signups.models import Claim, Signup

TEACHER = "as Ms Lee role=teacher"
CREATE = '/signup create title:"Zoo trip" slots:"🚌 Chaperone x2; 🍪 Snacks x1" when:"Friday 9am"'


async def test_create_react_fill_waitlist_unreact_promote_close_roster(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"""
{TEACHER}
{CREATE}
as Maria lang=es
react #1 🚌
as Ana
react #1 🚌
as Bob
react #1 🚌
as Maria
unreact #1 🚌
{TEACHER}
/signup close id:1
as Dan
react #1 🍪
{TEACHER}
/signup roster id:1
""")
        card = s.entries[0]
    assert [e.display for e, _ in card.reactions.values()] == ["🚌", "🍪"]
    assert s.last("DM → Maria").text == "[es] You're no longer signed up for [es] 🚌 Chaperone on \"[es] Zoo trip\"."
    bob = [e.text for e in s.find("DM → Bob")]
    assert bob == ['"🚌 Chaperone" on "Zoo trip" is full, so you are number 1 on the waitlist. '
                   "I'll tell you if a place opens.",
                   'Good news: a place opened and you are now signed up for 🚌 Chaperone on "Zoo trip"!']
    assert "🚌 Chaperone — 2/2: Ana, Bob" in card.text
    assert "Sign-ups are closed." in card.text
    assert s.last("DM → Dan").text == 'Sign-ups for "Zoo trip" are closed, so I removed your reaction.'
    roster = s.find("DM → Ms Lee")[-1].files[0]
    rows = list(csv.reader(io.StringIO(roster.content.decode())))
    assert rows[0] == ["name", "slot", "status", "signed_up_at"]
    assert [(r[0], r[1], r[2]) for r in rows[1:]] == [("Ana", "Chaperone", "confirmed"),
                                                      ("Bob", "Chaperone", "confirmed")]


async def test_redelivered_reaction_claims_once_and_notifies_once(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"{TEACHER}\n{CREATE}\nas Maria")
        from bot.api.emoji import parse
        from bot.api.events import ReactionAdded

        event = ReactionAdded(key="console:redelivered", actor=s.console.actor(s.console.current),  # type: ignore[arg-type]
                              community=s.console.community, message=s.entries[0].ref, emoji=parse("🚌"))  # type: ignore[arg-type]
        for _ in range(3):
            await s.core.dispatch(event)
        await s.core.settle()
    assert len(s.find("DM → Maria")) == 1


async def test_per_family_limit_removes_the_extra_reaction(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"{TEACHER}\n{CREATE}\nas Maria\nreact #1 🚌\nreact #1 🍪")
        reactions = s.entries[0].reactions
    assert "at most 1 slot on" in s.last("DM → Maria").text
    maria = s.console.person_named("Maria").user  # type: ignore[union-attr]
    assert maria not in reactions[next(k for k, (e, _) in reactions.items() if e.display == "🍪")][1]


async def test_reaction_that_is_not_a_slot_is_removed(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"{TEACHER}\n{CREATE}\nas Chen\nreact #1 🎉")
    assert s.last("DM → Chen").text == '🎉 is not one of the slots on "Zoo trip"; I removed it.'


async def test_family_cannot_create_and_bad_input_posts_nothing(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"""
as Ana
{CREATE}
{TEACHER}
/signup create title:"Trip" slots:" ; "
/signup create title:"Trip" slots:"🚌 Driver x0"
/signup create title:"Trip" slots:"🚌 Driver x501"
/signup create title:"Trip" slots:"🚌 Driver x1; 🚌 Helper x2"
/signup create title:"Trip" slots:"🚌 Driver" when:"Friday 9am" closes:"Saturday 9am"
/signup create title:"Trip" slots:"🚌 Driver" when:"last Monday"
""")
    assert "only for teachers, committee members and admins" in s.last("only Ana").text
    replies = [e.text for e in s.find("only Ms Lee")]
    assert replies[0].startswith("Please list at least one slot")
    assert replies[1].startswith("Each slot needs a capacity from 1 to 500")
    assert replies[2].startswith("Each slot needs a capacity from 1 to 500")
    assert replies[3].startswith("The emoji 🚌 is used for two slots")
    assert replies[4] == "Sign-ups must close before the event starts."
    assert "is in the past" in replies[5]
    assert s.find("#") == []


async def test_reminders_go_to_confirmed_volunteers_in_their_language(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f'{TEACHER}\n/signup create title:"Bake sale" slots:"🍪 Baker x1" when:"in 3 days" '
                    'reminders:"24h"\nas Maria lang=es\nreact #1 🍪\nas Ana\nreact #1 🍪\nadvance 2d1h')
    reminders = [e.text for e in s.entries if "Reminder" in e.text]
    assert reminders == ['[es] Reminder: you signed up for [es] 🍪 Baker on "[es] Bake sale", '
                         "jueves 10 septiembre 2026, 08:00 (America/New_York)."]


async def test_changing_the_time_tells_volunteers(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f'{TEACHER}\n{CREATE}\nas Ana\nreact #1 🚌\n{TEACHER}\n/signup edit id:1 when:"Saturday 10am"')
    assert s.last("DM → Ana").text == ('"Zoo trip" has a new time: Saturday 12 September 2026, 10:00 '
                                       "(America/New_York).")


async def test_cancel_tells_everyone(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"{TEACHER}\n{CREATE}\nas Ana\nreact #1 🚌\nas Ben\nreact #1 🍪\n{TEACHER}\n/signup cancel id:1")
    for name in ("Ana", "Ben"):
        assert s.last(f"DM → {name}").text == '"Zoo trip" was cancelled. Thank you for volunteering!'


async def test_many_slots_fall_back_to_select_menus_with_the_same_rules(db: Database) -> None:
    times = "; ".join(f"{8 + n // 4}:{(n % 4) * 15:02d} x1" for n in range(30))
    async with console_session(db) as s:
        await s.run(f'{TEACHER}\n/signup create title:"Conferences" slots:"{times}"\nas Ana\nclick #1 8:15\n'
                    "as Ben\nclick #1 8:15\nas Ana\nclick #1 8:15")
        card = s.entries[0]
        async with db.read() as session:
            claims = (await session.scalars(select(Claim))).all()
            signup = (await session.scalars(select(Signup))).one()
    assert signup.mode == "buttons"
    assert len(card.message.selects) == 2
    assert sum(len(m.options) for m in card.message.selects) == 30
    assert card.reactions == {}
    assert [c.status for c in claims] == ["confirmed"]  # Ben promoted after Ana left
    assert "Good news" in s.last("DM → Ben").text


async def test_translate_button_sends_a_private_copy(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"{TEACHER}\n{CREATE}\nas Maria lang=es\nclick #1 Translate")
    assert "[es] Zoo trip" in s.last("only Maria").text


SCRIPT = (Path(__file__).resolve().parents[2] / "docs" / "scripts" / "signups.txt").read_text(encoding="utf-8")


@pytest.mark.onboarding  # the script reads as documented, welcomes included
async def test_the_documented_script_runs_end_to_end(db: Database) -> None:
    script = SCRIPT
    async with console_session(db) as s:
        assert await s.run_script(script) == 0
        card = s.entries[0]
    assert "🚌 Chaperone — 2/2: Ana, Bob" in card.text and "Sign-ups are closed." in card.text
    assert s.find("DM → Bob", "Good news")
    assert s.find("DM → Dan", "are closed")
    assert s.find("DM → Ms Lee")[-1].files[0].filename == "signup-1-roster.csv"
    assert sorted(e.where for e in s.entries if "Reminder" in e.text) == ["DM → Ana", "DM → Bob"]


async def test_custom_emoji_the_community_does_not_have_is_refused(db: Database,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    async def known_here_only(community: object, emoji: Emoji) -> bool | None:
        return emoji.custom_id == "111111111111111111"

    async with console_session(db) as s:
        monkeypatch.setattr(s.console, "emoji_available", known_here_only)
        await s.run(f'{TEACHER}\n/signup create title:"Trip" slots:"<:ours:111111111111111111> Driver; '
                    '<:theirs:222222222222222222> Helper"')
    assert s.last("only Ms Lee").text.startswith("The emoji theirs is not available in this community")
    assert s.find("#") == []


async def test_sign_ups_close_by_themselves_at_the_closing_time(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f'{TEACHER}\n/signup create title:"Fair" slots:"🍪 Baker x3" when:"in 3 days" '
                    'closes:"in 2 hours"\nas Ana\nreact #1 🍪\nadvance 3h\nas Ben\nreact #1 🍪')
        card = s.entries[0]
    assert "Sign-ups are closed." in card.text and "Ana" in card.text and "Ben" not in card.text
    assert s.last("DM → Ben").text == 'Sign-ups for "Fair" are closed, so I removed your reaction.'


async def test_a_button_press_is_answered_privately_and_pressing_again_cancels(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f'{TEACHER}\n/signup create title:"Library" slots:"Monday x1; Tuesday x1"\n'
                    "as Ana\nclick #1 Monday\nclick #1 Monday")
    assert [e.text for e in s.find("only Ana")] == ['You\'re signed up for Monday on "Library". Thank you!',
                                                   'You\'re no longer signed up for Monday on "Library".']
    assert s.find("DM → Ana") == []


async def test_erasure_after_the_event_keeps_the_place_counted_but_anonymous(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f'{TEACHER}\n/signup create title:"Fair" slots:"🍪 Baker x2" when:"in 2 days"\n'
                    "as Ana\nreact #1 🍪\nas Ben\nreact #1 🍪\nadvance 3d")
        async with db.read() as session:
            ana = await session.scalar(select(Member.id).where(Member.display_name == "Ana"))
        assert ana is not None
        await PrivacyService(s.core).erase(ana)
        await s.run(f"{TEACHER}\n/signup roster id:1")
        async with db.read() as session:
            claims = (await session.scalars(select(Claim).order_by(Claim.id))).all()
    assert [(c.member_id is None, c.status) for c in claims] == [(True, "confirmed"), (False, "confirmed")]
    roster = s.find("DM → Ms Lee")[-1].files[0].content.decode()
    assert "Ana" not in roster and "(erased),Baker,confirmed" in roster


async def test_a_family_that_leaves_frees_its_place_ahead_for_the_waitlist(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f'{TEACHER}\n{CREATE}\nas Ana\nreact #1 🚌\nas Ben\nreact #1 🚌\nas Cleo\nreact #1 🚌')
        ana = s.console.person_named("Ana")
        async with db.read() as session:
            member_id = await session.scalar(select(Member.id).where(Member.display_name == "Ana"))
        assert ana is not None and member_id is not None
        await PrivacyService(s.core).member_left(member_id)
        await s.core.settle()
    assert "Good news" in s.last("DM → Cleo").text
    assert "🚌 Chaperone — 2/2: Ben, Cleo" in s.entries[0].text


async def test_a_cancelled_sign_up_promotes_nobody_and_cannot_be_moved(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f'{TEACHER}\n/signup create title:"Fair" slots:"🍪 Baker x1" when:"in 3 days"\n'
                    "as Ana\nreact #1 🍪\nas Ben\nreact #1 🍪\n"
                    f"{TEACHER}\n/signup cancel id:1\nas Ana\nunreact #1 🍪\n"
                    f'{TEACHER}\n/signup edit id:1 when:"in 4 days"')
    assert not [e for e in s.find("DM → Ben") if e.text.startswith("Good news")]
    assert s.last("only Ms Lee").text == "Sign-up #1 was cancelled; create a new one instead."


async def test_reminder_held_by_quiet_hours_past_the_event_start_is_dropped(db: Database) -> None:
    async with console_session(db) as s:  # Monday 08:00 in New York
        await s.run(f'{TEACHER}\n/signup create title:"Bake sale" slots:"🍪 Baker x1" when:"Tuesday 6:30am" '
                    'reminders:"1h"\nas Maria\nreact #1 🍪\nadvance 2d')  # 05:30: quiet until 07:00
        async with db.read() as session:
            statuses = (await session.scalars(select(OutboxEntry.status).where(
                OutboxEntry.topic == "signup.reminder"))).all()
    assert [e.text for e in s.entries if "Reminder" in e.text] == []
    assert list(statuses) == ["expired"]


async def test_digest_readers_reminder_in_their_quiet_hours_lands_in_their_digest(db: Database) -> None:
    async with console_session(db) as s:  # Monday 08:00 in New York; the digest goes out at 18:00
        await s.run(f'{TEACHER}\n/signup create title:"Bake sale" slots:"🍪 Baker x1" when:"Tuesday 6:30pm" '
                    'reminders:"2h"\nas Maria\n/delivery mode:digest\n/quiet-hours hours:"09:00-19:00"\n'
                    "react #1 🍪\nadvance 2d")  # 16:30: quiet until 19:00, after the start
    reminders = [e.text for e in s.find("DM → Maria") if "Reminder" in e.text]
    assert len(reminders) == 1
    assert "Today's messages from school (1)" in reminders[0]
    assert 'Reminder: you signed up for 🍪 Baker on "Bake sale", Tuesday 8 September 2026, 18:30' in reminders[0]


async def test_notice_and_reminder_jobs_queued_by_an_earlier_release_still_reach_the_family(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f'{TEACHER}\n/signup create title:"Bake sale" slots:"🍪 Baker x1" when:"Friday 9am"\n'
                    "as Maria\nreact #1 🍪")
        async with db.write() as session:
            signup = await session.scalar(select(Signup))
            claim = await session.scalar(select(Claim))
            assert signup is not None and claim is not None
            old = {"signup": signup.id, "member": claim.member_id}
            await s.core.schedule(session, "signup.notice", {**old, "slot": claim.slot_id, "kind": "promoted"},
                                  s.clock.now(), dedupe_key="old-notice")
            await s.core.schedule(session, "signup.remind-one", old, s.clock.now(), dedupe_key="old-remind")
            await s.core.schedule(session, "signup.cancelled", old, s.clock.now(), dedupe_key="old-cancelled")
        await s.core.settle()
    texts = [e.text for e in s.find("DM → Maria")]
    assert sorted(texts[1:]) == sorted([  # independent jobs due at one moment: any order
        'Good news: a place opened and you are now signed up for 🍪 Baker on "Bake sale"!',
        'Reminder: you signed up for 🍪 Baker on "Bake sale", Friday 11 September 2026, 09:00 (America/New_York).',
        '"Bake sale" was cancelled. Thank you for volunteering!'])
