"""Reactions on one sign-up card share transactions (:class:`bot.util.batching.GroupCommit`).

A new card draws its reactions in a burst, and every change on one sign-up is serialised by
the lock on its row. So reactions on one card that queue up while a transaction runs go into
the next one together: it records the events' keys, locks the sign-up once, loads the places
involved once, applies each reaction in arrival order with the same rules as a single change
(:func:`cogs.signups.rules.decide`), and writes places and queues the notices with the delivery service.

Per reaction nothing changes: its key is recorded in the same transaction as its effect (a
redelivery gets :class:`~bot.api.context.DuplicateEvent`), and each affected family's notice is
queued there too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from bot.api.context import DuplicateEvent
from bot.api.emoji import Emoji
from bot.api.services import Services
from bot.db.models import Member
from bot.db.processed import record_event_keys
from bot.util.batching import GroupCommit
from cogs.signups import notices
from cogs.signups.rules import Outcome, decide
from cogs.signups.store import Change, Ledger, Refused, lock_signup

if TYPE_CHECKING:
    from cogs.signups.cog import SignupsCog


@dataclass(frozen=True)
class ReactionRequest:
    """One family's reaction added (``add``) or removed on a card."""

    event_key: str
    #: the family's row as their event found it (their notices need no second read)
    member: Member
    emoji: Emoji
    add: bool
    now: datetime

    @property
    def member_id(self) -> int:
        return self.member.id


class ReactionBatcher:
    def __init__(self, cog: SignupsCog, *, max_batch: int = 64) -> None:
        self.cog = cog
        self.core: Services = cog.core
        self._group: GroupCommit[int, ReactionRequest, Outcome] = GroupCommit(self._run, max_batch=max_batch)

    async def submit(self, signup_id: int, request: ReactionRequest) -> Outcome:
        """Apply one reaction (with whatever else is queued on this card) and return what it
        did. Raises :class:`DuplicateEvent` for a key already recorded."""
        return await self._group.submit(signup_id, request)

    async def _run(self, signup_id: int, batch: list[ReactionRequest]) -> Sequence[Outcome | Exception]:
        return await self.core.db.write_retrying(lambda session: self._apply(session, signup_id, batch))

    async def _apply(self, session: AsyncSession, signup_id: int,
                     batch: list[ReactionRequest]) -> list[Outcome | Exception]:
        recorded = await record_event_keys(session, [r.event_key for r in batch], self.core.clock.now())
        results: list[Outcome | Exception] = []
        live: list[ReactionRequest] = []
        for request in batch:
            if request.event_key in recorded:
                recorded.discard(request.event_key)  # a twin inside this batch is a duplicate too
                live.append(request)
                results.append(Outcome())
            else:
                results.append(DuplicateEvent(request.event_key))
        if not live:
            return results
        signup = await lock_signup(session, signup_id)
        if signup is None:
            return results
        slots = {r.emoji.key: await self.cog.slot_by_key(session, signup_id, r.emoji.key) for r in live}
        members = [r.member_id for r in live]
        ledger = await Ledger.load(session, signup, [s.id for s in slots.values() if s is not None], members,
                                   since=min(r.now for r in live),
                                   peers=await self.core.families.sign_up_peers(session, signup.community_id, members))
        changes: list[tuple[str, Change]] = []
        refusals: list[tuple[ReactionRequest, Refused]] = []
        for index, request in enumerate(batch):
            if isinstance(results[index], Exception):
                continue
            outcome = decide(ledger, slots[request.emoji.key], request.member_id, add=request.add,
                             now=request.now, emoji_display=request.emoji.display)
            results[index] = outcome
            changes += [(request.event_key, change) for change in outcome.changes]
            if outcome.refusal is not None:
                refusals.append((request, outcome.refusal))
        await ledger.flush(session)
        await notices.queue_notices(self.core, session, signup_id, changes,  # in arrival order
                                    slots=[s for s in slots.values() if s is not None],
                                    members=[r.member for r in live])
        for request, refusal in refusals:
            # Keyed by what the family is told and the places they hold, not by the event: a
            # second add of the same emoji (👍 beside 👍🏽, a super reaction beside a normal one)
            # is refused the same way and must not say it twice; once their places change, a
            # new refusal is news again.
            held = sorted(p.slot_id for p in ledger.places if p.member_id == request.member_id)
            cause = notices.refusal_cause(signup_id, request.member_id, request.emoji.key, refusal.reason, held)
            await notices.queue_refusal(self.core, session, signup_id, request.member_id, refusal.reason,
                                        refusal.params, cause, member=request.member)
        return results

