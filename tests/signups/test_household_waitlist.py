"""The "a waitlist place gives way to a free slot" rule counts a household as one family (on
the console, SQLite and PostgreSQL): a co-parent's waitlist place is given up when the other
takes a free slot, and they are told why; co-parents in two households stay two families."""

from __future__ import annotations

from sqlalchemy import select

from adapters.console import ConsoleSession, console_session
from bot.db.engine import Database
from bot.db.models import Member
from cogs.signups.models import Claim, Slot

TEACHER = "as Ms Lee role=teacher,admin"
CARD = '/signup create title:"Zoo trip" slots:"🚌 Chaperone x1; 🍪 Snacks x1" when:"Friday 9am"'
BUTTONS = '/signup create title:"Library" slots:"Monday x1; Tuesday x1"'
GIVEN_UP = ('Someone in your family took a free place on "{title}", so your place on the waitlist for {slot} was '
            'given up (places count for the whole family).')


async def class_with_sam(s: ConsoleSession, *, one_household: bool, card: str) -> None:
    """Sam's guardians Maria and Luis (one household, or two), and Ana; the sign-up is card #N."""
    lines = [TEACHER, "/help", "as Maria", "/help", "as Luis", "/help", "as Ana", "/help", TEACHER,
             "/family link child:Sam guardian:Maria", "/family link child:Sam guardian:Luis"]
    if one_household:
        lines.append("/family household guardian:Luis with:Maria")
    await s.run("\n".join([*lines, card]))


async def places_of(db: Database, name: str) -> dict[str, str]:
    async with db.read() as session:
        rows = (await session.execute(select(Slot.label, Claim.status).join(Slot, Slot.id == Claim.slot_id)
                                      .join(Member, Member.id == Claim.member_id)
                                      .where(Member.display_name == name))).all()
    return {label: status for label, status in rows}


async def test_a_co_parents_waitlist_place_gives_way_when_the_other_takes_a_free_slot(db: Database) -> None:
    async with console_session(db) as s:
        await class_with_sam(s, one_household=True, card=CARD)
        card = s.find("#general", "Zoo trip")[0]
        await s.run(f"as Ana\nreact #{card.number} 🚌\nas Luis\nreact #{card.number} 🚌\n"
                    f"as Maria\nreact #{card.number} 🍪")
        luis = s.console.person_named("Luis").user  # type: ignore[union-attr]
        bus = next(users for emoji, users in s.entries[card.number - 1].reactions.values() if emoji.display == "🚌")
    assert await places_of(db, "Maria") == {"Snacks": "confirmed"}
    assert await places_of(db, "Luis") == {}
    assert luis not in bus  # the reaction that no longer holds a place is taken back
    assert s.last("DM → Luis").text == GIVEN_UP.format(title="Zoo trip", slot="🚌 Chaperone")
    assert s.last("DM → Maria").text == 'You\'re signed up for 🍪 Snacks on "Zoo trip". Thank you!'


async def test_a_co_parents_waitlist_place_gives_way_to_a_button_press_too(db: Database) -> None:
    async with console_session(db) as s:
        await class_with_sam(s, one_household=True, card=BUTTONS)
        card = s.find("#general", "Library")[0]
        await s.run(f"as Ana\nclick #{card.number} Monday\nas Luis\nclick #{card.number} Monday\n"
                    f"as Maria\nclick #{card.number} Tuesday")
        assert s.last("only Maria").text == 'You\'re signed up for Tuesday on "Library". Thank you!'
    assert await places_of(db, "Luis") == {}
    assert s.last("DM → Luis").text == GIVEN_UP.format(title="Library", slot="Monday")


async def test_a_household_with_a_confirmed_place_is_still_refused_a_second(db: Database) -> None:
    async with console_session(db) as s:
        await class_with_sam(s, one_household=True, card=BUTTONS)
        card = s.find("#general", "Library")[0]
        await s.run(f"as Luis\nclick #{card.number} Monday\nas Maria\nclick #{card.number} Tuesday")
        assert s.last("only Maria").text.startswith('Someone in your family already holds a place on "Library"')
    assert await places_of(db, "Luis") == {"Monday": "confirmed"}
    assert await places_of(db, "Maria") == {}


async def test_co_parents_in_two_households_keep_their_own_waitlist_places(db: Database) -> None:
    async with console_session(db) as s:
        await class_with_sam(s, one_household=False, card=BUTTONS)
        card = s.find("#general", "Library")[0]
        await s.run(f"as Ana\nclick #{card.number} Monday\nas Luis\nclick #{card.number} Monday\n"
                    f"as Maria\nclick #{card.number} Tuesday")
    assert await places_of(db, "Luis") == {"Monday": "waitlisted"}
    assert await places_of(db, "Maria") == {"Tuesday": "confirmed"}
