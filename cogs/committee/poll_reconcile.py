"""Catching up on votes cast by reaction while the bot was offline.

Platforms do not replay reactions made while a bot was disconnected, so at start-up (once
per process, however often the platform says it is ready) every open poll voted by reaction
is compared with its card: a vote whose reaction is gone is withdrawn, a reaction with no
vote becomes one. Order policy for a single-choice poll: a vote already recorded stands if
its reaction is still there; otherwise the member's first reaction in the card's option order
counts. Nothing is sent to voters (votes are never confirmed one by one); the card is redrawn.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from sqlalchemy import delete, select

from bot.api.refs import ChannelRef, MessageRef, UserRef
from bot.db.models import Community, Member
from cogs.committee.models import Poll, Vote
from cogs.committee.poll_store import NUMBER_KEYS, lock_poll

if TYPE_CHECKING:
    from cogs.committee.polls import PollsCog

log = logging.getLogger(__name__)


class PollReconciler:
    def __init__(self, cog: PollsCog) -> None:
        self.cog = cog
        self.core = cog.core

    async def on_platform_ready(self, platform: str) -> None:
        async with self.core.db.read() as session:
            polls = list((await session.execute(
                select(Poll, Community).join(Community, Community.id == Poll.community_id).where(
                    Community.platform == platform, Poll.status == "open", Poll.mode == "reactions",
                    Poll.anonymous.is_(False), Poll.message_id.is_not(None)).order_by(Poll.id))).all())
        for poll, community in polls:
            try:
                await self.reconcile(poll, community)
            except Exception:
                log.exception("start-up reconciliation of poll %s failed", poll.id)

    async def reconcile(self, poll: Poll, community: Community) -> int:
        """Apply the votes missed on one poll; returns how many votes changed."""
        outbound = self.core.outbound(community.platform)
        card = MessageRef(ChannelRef(community.platform, poll.channel_id, self.core.community_ref(community)),
                          poll.message_id or "")
        async with self.core.db.read() as session:  # the database first, then the platform
            recorded = list((await session.execute(
                select(Vote.id, Vote.option_index, Member.user_id).join(Member, Member.id == Vote.member_id)
                .where(Vote.poll_id == poll.id))).all())
        try:
            current = await outbound.read_reactions(card)
        except LookupError:
            log.warning("poll %s: its card is gone; nothing to reconcile", poll.id)
            return 0
        options = len(poll.options["labels"])
        reacting: dict[str, list[int]] = {}  # user id -> options reacted, in option order
        for index, key in enumerate(NUMBER_KEYS[:options]):
            for user in current.get(key, (None, []))[1]:
                reacting.setdefault(user.id, []).append(index)
        gone = [vote_id for vote_id, index, user_id in recorded if index not in reacting.get(user_id, [])]
        kept: dict[str, set[int]] = {}
        for vote_id, index, user_id in recorded:
            if vote_id not in gone:
                kept.setdefault(user_id, set()).add(index)
        new: list[tuple[str, int]] = []
        for user_id, indexes in reacting.items():
            if poll.multi:
                new += [(user_id, i) for i in indexes if i not in kept.get(user_id, set())]
            elif not kept.get(user_id):
                new.append((user_id, indexes[0]))
        members = {user_id: await self._member_id(community, user_id) for user_id, _ in new}
        changed = 0
        async with self.core.db.write() as session:
            locked = await lock_poll(session, poll.id)
            if locked is None or locked.status != "open":
                return 0
            if gone:
                await session.execute(delete(Vote).where(Vote.id.in_(gone)))
                changed += len(gone)
            for user_id, index in new:
                member_id = members.get(user_id)
                if member_id is None:
                    continue
                session.add(Vote(poll_id=poll.id, option_index=index, member_id=member_id))
                changed += 1
        if changed:
            self.cog.refresh(poll.id)
        return changed

    async def _member_id(self, community: Community, user_id: str) -> int | None:
        user = UserRef(community.platform, user_id)
        info = await self.core.outbound(community.platform).lookup_member(self.core.community_ref(community), user)
        if info is None or info.is_bot:
            return None
        return (await self.core.ensure_member_from(community, user, info)).id
