"""A waitlist place is a hope, not a place: a waitlisted family may take a slot with room,
and refusals speak of the way the family acted (a reaction, or a button)."""

from __future__ import annotations

from sqlalchemy import select

from adapters.console import console_session
from bot.db.engine import Database
from bot.db.models import Member
from cogs.signups.models import Claim, Slot

TEACHER = "as Ms Lee role=teacher"
CARD = '/signup create title:"Zoo trip" slots:"🚌 Chaperone x1; 🍪 Snacks x1" when:"Friday 9am"'
BUTTONS = '/signup create title:"Library" slots:"Monday x1; Tuesday x1"'


async def places_of(db: Database, name: str) -> dict[str, str]:
    async with db.read() as session:
        rows = (await session.execute(select(Slot.label, Claim.status).join(Slot, Slot.id == Claim.slot_id)
                                      .join(Member, Member.id == Claim.member_id)
                                      .where(Member.display_name == name))).all()
    return {label: status for label, status in rows}


async def test_a_waitlisted_family_takes_a_free_slot_by_reaction(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"{TEACHER}\n{CARD}\nas Ana\nreact #1 🚌\nas Maria\nreact #1 🚌\nreact #1 🍪")
        card = s.entries[0]
        maria = s.console.person_named("Maria").user  # type: ignore[union-attr]
        bus = next(users for emoji, users in card.reactions.values() if emoji.display == "🚌")
    assert await places_of(db, "Maria") == {"Snacks": "confirmed"}
    assert maria not in bus  # the waitlist reaction she gave up is taken back
    dms = [e.text for e in s.find("DM → Maria")]
    assert dms[-2:] == ['You left the waitlist for 🚌 Chaperone on "Zoo trip".',
                        'You\'re signed up for 🍪 Snacks on "Zoo trip". Thank you!']
    assert not any("at most" in text for text in dms)


async def test_a_waitlisted_family_takes_a_free_slot_by_button(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"{TEACHER}\n{BUTTONS}\nas Ana\nclick #1 Monday\nas Maria\nclick #1 Monday\nclick #1 Tuesday")
    assert await places_of(db, "Maria") == {"Tuesday": "confirmed"}
    assert [e.text for e in s.find("only Maria")][-2:] == [
        'You left the waitlist for Monday on "Library".',
        'You\'re signed up for Tuesday on "Library". Thank you!']


async def test_a_family_at_its_limit_with_a_confirmed_place_is_refused_in_button_words(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"{TEACHER}\n{BUTTONS}\nas Maria\nclick #1 Monday\nclick #1 Tuesday")
    refusal = s.last("only Maria").text
    assert refusal == ('You can sign up for at most 1 slot on "Library"; press your slot again '
                       '(or choose it again in the menu) to give it up first.')
    assert "reaction" not in refusal and "emoji" not in refusal
    assert await places_of(db, "Maria") == {"Monday": "confirmed"}


async def test_a_waitlisted_family_is_still_refused_a_second_full_slot(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"{TEACHER}\n{BUTTONS}\nas Ana\nclick #1 Monday\nas Ben\nclick #1 Tuesday\n"
                    "as Maria\nclick #1 Monday\nclick #1 Tuesday")
    assert await places_of(db, "Maria") == {"Monday": "waitlisted"}
    assert "at most 1 slot on" in s.last("only Maria").text
