"""The rules for one family's claim or cancellation on a sign-up, whatever brought it (a
reaction, a button, a select menu, a resync): closed sign-ups and emoji that are not slots
are refused with a reason, a button pressed again cancels, and the ledger
(:class:`cogs.signups.store.Ledger`) applies capacity, waitlists and the per-family cap."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.i18n import N_
from cogs.signups.models import Slot
from cogs.signups.store import Change, Ledger, Refused

NOT_A_SLOT = N_("{emoji} is not one of the slots on \"{title}\"; I removed it.")
CLOSED = N_("Sign-ups for \"{title}\" are closed, so I removed your reaction.")
CLOSED_PRESS = N_("Sign-ups for \"{title}\" are closed.")


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
        return Outcome(refusal=refused)
