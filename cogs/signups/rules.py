"""The rules for one family's claim or cancellation on a sign-up, whatever brought it (a
reaction, a button, a select menu, a resync): closed sign-ups and emoji that are not slots
are refused with a reason, a button pressed again cancels, and the ledger
(:class:`cogs.signups.store.Ledger`) applies capacity, waitlists and the per-family cap.

A place on a waitlist is a hope, not a place: a family whose places are all taken by
waitlists may still take a slot that has room, and gives up the waitlist place it no longer
needs (whoever in the family held it is told so). "Family" is whoever shares the per-family
limit (``core.families.sign_up_peers``: co-parents of one household, by default), so a
co-parent's waitlist place counts, and is given up, like one's own. Refusals are worded
for the way the family acted: a reaction is taken back by removing it, a button or menu
choice by pressing it again."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from bot.i18n import N_, P_
from cogs.signups.models import Slot
from cogs.signups.store import FAMILY_HOLDS, PER_FAMILY_LIMIT, Change, Ledger, Place, Refused

NOT_A_SLOT = N_("{emoji} is not one of the slots on \"{title}\"; I removed it.")
CLOSED = N_("Sign-ups for \"{title}\" are closed, so I removed your reaction.")
CLOSED_PRESS = N_("Sign-ups for \"{title}\" are closed.")
PER_FAMILY_LIMIT_PRESS = P_("You can sign up for at most {count} slot on \"{title}\"; press your slot again (or "
                            "choose it again in the menu) to give it up first.",
                            "You can sign up for at most {count} slots on \"{title}\"; press one of your slots "
                            "again (or choose it again in the menu) to give it up first.")
#: the kind of change told to a family member whose waitlist place another gave up
GIVEN_UP = "given_up"
#: a refusal worded for a reaction -> the same refusal for a button press or menu choice
PRESS_WORDING = {CLOSED: CLOSED_PRESS, PER_FAMILY_LIMIT: PER_FAMILY_LIMIT_PRESS}


@dataclass
class Outcome:
    """What one claim/cancel did: the changes, or why nothing changed."""

    changes: list[Change] = field(default_factory=list)
    refusal: Refused | None = None


def decide(ledger: Ledger, slot: Slot | None, member_id: int, *, add: bool | None, now: datetime,
           emoji_display: str = "") -> Outcome:
    """The rules for one family's claim or cancellation, applied to a loaded ledger."""
    signup = ledger.signup
    if slot is None:
        if add:
            return Outcome(refusal=Refused(NOT_A_SLOT, emoji=emoji_display, title=signup.title))
        return Outcome()
    if add is None:
        add = not ledger.holds(slot, member_id)
    if not add:
        if signup.status == "cancelled":  # everyone was told; nobody is promoted into nothing
            return Outcome()
        return Outcome(ledger.release(slot, member_id))
    if signup.status != "open" or (signup.closes_at is not None and signup.closes_at <= now):
        return Outcome(refusal=Refused(CLOSED, title=signup.title))
    try:
        return Outcome(ledger.claim(slot, member_id, now))
    except Refused as refused:
        if refused.reason not in (PER_FAMILY_LIMIT, FAMILY_HOLDS):
            return Outcome(refusal=refused)
        given_up = _waitlist_places_to_give_up(ledger, slot, member_id)
        if given_up is None:
            return Outcome(refusal=refused)
    changes: list[Change] = []
    for place in given_up:
        assert place.member_id is not None
        released = ledger.release(Slot(id=place.slot_id, signup_id=signup.id, capacity=0), place.member_id)
        # a co-parent's place given up for this claim: they are told why, not that they left
        changes += released if place.member_id == member_id else [replace(c, kind=GIVEN_UP) for c in released]
    return Outcome([*changes, *ledger.claim(slot, member_id, now)])


def _waitlist_places_to_give_up(ledger: Ledger, slot: Slot, member_id: int) -> list[Place] | None:
    """The family's newest waitlist places to give up so that ``member_id`` can take a place
    on ``slot`` now, or None when that is not possible (``slot`` is full too, someone in the
    family is already on it, or the family's confirmed places alone reach the limit)."""
    if ledger.confirmed(slot.id) >= slot.capacity:  # (a ledger holds only some of the places: count)
        return None  # it would only be one more waitlist place
    family = ledger.peers.get(member_id, frozenset({member_id})) | {member_id}
    held = [p for p in ledger.places if p.member_id in family]
    by_slot: dict[int, list[Place]] = {}
    for place in held:
        by_slot.setdefault(place.slot_id, []).append(place)
    if slot.id in by_slot:
        return None
    # a slot the family only waits on, newest first; giving it up frees one of the family's slots
    waiting = sorted((places for places in by_slot.values() if all(p.status == "waitlisted" for p in places)),
                     key=lambda places: max(p.queue_key() for p in places), reverse=True)
    excess = len(by_slot) + 1 - ledger.signup.per_family
    if excess <= 0 or len(waiting) < excess:
        return None
    return [place for places in waiting[:excess] for place in places]
