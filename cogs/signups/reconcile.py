"""Catching up with reactions made while the bot was offline.

Platforms do not replay reactions added or removed while a bot is away, so at start-up and
after a lost platform session (once per session, whatever the number of ready events: the
core sees to that) and on ``/signup resync [id]`` the bot reads the current reactions of every open
reaction card and applies the difference with what the database holds.

Order policy for reactions made during downtime. The platform keeps no time for them
(Discord pages reactions by user id; Slack lists users in its own order), so:

1. Removals first: every recorded place whose reaction is gone is released, and the slot's
   waitlist is promoted — families already recorded (who reacted while the bot was up) keep
   their precedence over anyone who reacted during the downtime.
2. Then additions, slot by slot in card order, and within a slot in the order the platform
   lists the users. They all get the same claim time (the moment of reconciliation) and
   increasing row ids, so on the waitlist they come after everyone already recorded, in
   that listed order. With ``per_family`` limits, a family that reacted to several slots
   offline keeps the earliest slots in card order.
3. Reactions that cannot count (the sign-up closed by time, over the family's cap, an emoji
   that is not a slot) are removed where the platform allows it, and the family is told.

Each change is its own transaction under the sign-up lock (the same body as a live
reaction), so live reactions arriving meanwhile, or another process reconciling the same
card, can only make a change a no-op, never a double. Notices are keyed by the run, the
family and the slot: each affected family is told exactly once per change of its state;
refusals are keyed by sign-up, emoji and family, so a platform that cannot remove the
reaction (Slack) does not repeat the explanation on every resync.
"""

from __future__ import annotations

import logging
import uuid
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.api.emoji import Emoji
from bot.api.refs import UserRef
from bot.db.models import Community, Member
from cogs.signups import notices
from cogs.signups.card import slots_of
from cogs.signups.models import Claim, Signup, Slot

if TYPE_CHECKING:
    from cogs.signups.cog import SignupsCog

log = logging.getLogger(__name__)


class Reconciler:
    def __init__(self, cog: SignupsCog) -> None:
        self.cog = cog
        self.core = cog.core

    async def on_platform_ready(self, platform: str) -> None:
        async with self.core.db.read() as session:
            communities = list((await session.scalars(select(Community).where(Community.platform == platform)
                                                      .order_by(Community.id))).all())
        for community in communities:
            try:
                await self.reconcile(community)
            except Exception:
                log.exception("start-up reconciliation of sign-ups in community %s failed", community.id)

    async def reconcile(self, community: Community, only: int | None = None) -> int:
        """Apply what was missed on every open reaction card (or sign-up ``only``).
        Returns the number of changes of families' states applied."""
        query = select(Signup).where(Signup.community_id == community.id, Signup.status == "open",
                                     Signup.mode == "reactions", Signup.message_id.is_not(None)).order_by(Signup.id)
        if only is not None:
            query = query.where(Signup.id == only)
        async with self.core.db.read() as session:
            signups = list((await session.scalars(query)).all())
        run = uuid.uuid4().hex[:12]
        total = 0
        for signup in signups:
            total += await self._reconcile_one(community, signup, f"resync:{run}")
        return total

    async def _reconcile_one(self, community: Community, signup: Signup, cause: str) -> int:
        outbound = self.core.outbound(community.platform)
        card = self.cog.card_ref(community, signup)
        # The database first, then the platform: a reaction made in between is then on the
        # platform but not yet recorded (applying it again is a no-op), never recorded but
        # missing from an older read of the platform (which would release a live place).
        async with self.core.db.read() as session:
            slots = await slots_of(session, signup.id)
            recorded = list((await session.execute(
                select(Claim.slot_id, Member.user_id, Member.id).join(Member, Member.id == Claim.member_id)
                .where(Claim.signup_id == signup.id).order_by(Claim.claimed_at, Claim.id))).all())
        try:
            current = await outbound.read_reactions(card)
        except LookupError:
            log.warning("sign-up %s: its card is gone; nothing to reconcile", signup.id)
            return 0
        by_key = {slot.emoji_key: slot for slot in slots}
        total = 0
        # 1. removals (reactions gone while we were away), promoting those already waiting.
        for slot in slots:
            present = {user.id for user in current.get(slot.emoji_key, (None, []))[1]}
            for slot_id, user_id, member_id in recorded:
                if slot_id == slot.id and user_id not in present:
                    total += await self._apply(signup.id, slot, member_id, add=False, cause=cause)
        # 2. additions, slot by slot in card order, users in the platform's order.
        held = {(slot_id, user_id) for slot_id, user_id, _ in recorded}
        for slot in slots:
            emoji_users = current.get(slot.emoji_key)
            if emoji_users is None:
                continue
            emoji, users = emoji_users
            for user in users:
                if (slot.id, user.id) in held:
                    continue
                member = await self._member_for(community, user)
                if member is not None:
                    total += await self._apply(signup.id, slot, member.id, add=True, cause=cause,
                                               emoji=emoji, user=user)
        # 3. emoji that are not slots.
        for key, (emoji, users) in current.items():
            if key in by_key:
                continue
            for user in users:
                member = await self._member_for(community, user)
                if member is not None:
                    await self._apply(signup.id, None, member.id, add=True, cause=cause, emoji=emoji, user=user)
        self.cog.refresh_card(signup.id)
        return total

    async def _member_for(self, community: Community, user: UserRef) -> Member | None:
        info = await self.core.outbound(community.platform).lookup_member(self.core.community_ref(community), user)
        if info is None or info.is_bot:
            return None
        return await self.core.ensure_member_from(community, user, info)

    async def _apply(self, signup_id: int, slot: Slot | None, member_id: int, *, add: bool, cause: str,
                     emoji: Emoji | None = None, user: UserRef | None = None) -> int:
        now = self.core.clock.now()
        emoji_key = slot.emoji_key if slot is not None else (emoji.key if emoji else "")

        async def work(session: AsyncSession) -> tuple[int, bool]:
            outcome = await self.cog.apply(session, signup_id, slot, member_id, add=add, now=now,
                                           emoji_display=emoji.display if emoji else "")
            await notices.queue_changes(self.core, session, signup_id, outcome.changes, cause)
            if outcome.refusal is not None:
                await notices.queue_refusal(self.core, session, signup_id, member_id, outcome.refusal.reason,
                                            outcome.refusal.params,
                                            f"signup:refused:resync:{signup_id}:{emoji_key}:{member_id}")
            return len(outcome.changes), outcome.refusal is not None

        changed, refused = await self.core.db.write_retrying(work)
        if refused and emoji is not None and user is not None:
            async with self.core.db.read() as session:
                signup = await session.get(Signup, signup_id)
                community = await session.get(Community, signup.community_id) if signup else None
            if signup is not None and community is not None:
                outbound = self.core.outbound(community.platform)
                await self.cog.remove_reaction(outbound, self.cog.card_ref(community, signup), emoji, user)
        return changed
