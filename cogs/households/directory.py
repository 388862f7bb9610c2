"""The households' answer to the core's "who are the families" (:class:`bot.api.families.Families`):
a child is a family, whatever the number of guardians and homes; people linked to no child
stay one family each; a restricted guardian reads nothing about that child."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.api.families import Child as ChildRef
from bot.api.families import Families, Family
from bot.api.roles import Role
from bot.db.members import members_with_role
from bot.db.models import Member
from cogs.households.models import Child, GuardianLink, HouseholdMember

if TYPE_CHECKING:
    from bot.api.services import Services


class HouseholdFamilies(Families):
    def __init__(self, core: Services) -> None:
        self.core = core

    async def _links(self, session: AsyncSession, community_id: int) -> list[tuple[GuardianLink, Child, Member]]:
        return list((await session.execute(
            select(GuardianLink, Child, Member).join(Child, Child.id == GuardianLink.child_id)
            .join(Member, Member.id == GuardianLink.member_id)
            .where(Child.community_id == community_id).order_by(Child.label, GuardianLink.id))).all())

    async def families(self, session: AsyncSession, community_id: int) -> list[Family]:
        links = await self._links(session, community_id)
        children = list((await session.scalars(select(Child).where(Child.community_id == community_id)
                                               .order_by(Child.label))).all())
        readers: dict[int, list[int]] = {child.id: [] for child in children}
        linked: set[int] = set()
        for link, child, member in links:
            linked.add(member.id)
            if link.receives and not link.restricted and member.left_at is None and not member.is_bot:
                readers[child.id].append(member.id)
        found = [Family(f"child:{child.id}", child.label, tuple(readers[child.id])) for child in children]
        for member in await members_with_role(session, community_id, Role.FAMILY):
            if member.id not in linked:
                found.append(Family(f"member:{member.id}", "", (member.id,)))
        return found

    async def audience(self, session: AsyncSession, community_id: int) -> list[Member]:
        """Family-role members linked to no child, and each guardian who reads for a child
        (``receives``, not restricted) or whom an admin restricted but left class-wide news."""
        people = {m.id: m for m in await members_with_role(session, community_id, Role.FAMILY)}
        reads: dict[int, bool] = {}
        barred: dict[int, bool] = {}
        still_told: dict[int, bool] = {}
        members: dict[int, Member] = {}
        for link, _child, member in await self._links(session, community_id):
            members[member.id] = member
            reads[member.id] = reads.get(member.id, False) or (link.receives and not link.restricted)
            barred[member.id] = barred.get(member.id, False) or (link.restricted and not link.class_wide)
            still_told[member.id] = still_told.get(member.id, False) or (link.restricted and link.class_wide)
        for member_id, member in members.items():
            included = reads[member_id] or (still_told[member_id] and not barred[member_id])
            if included and member.left_at is None and not member.is_bot:
                people[member_id] = member
            else:
                people.pop(member_id, None)
        return sorted(people.values(), key=lambda m: m.id)

    async def sign_up_peers(self, session: AsyncSession, community_id: int,
                            member_ids: Iterable[int]) -> dict[int, frozenset[int]]:
        ids = sorted(set(member_ids))
        scope = self.core.config.section("households").signup_limit
        if scope == "person" or not ids:
            return {member_id: frozenset({member_id}) for member_id in ids}
        if scope == "household":
            homes = dict((await session.execute(select(HouseholdMember.member_id, HouseholdMember.household_id)
                                                .where(HouseholdMember.member_id.in_(ids)))).all())
            together: dict[int, set[int]] = {}
            if homes:
                for member_id, home in (await session.execute(select(
                        HouseholdMember.member_id, HouseholdMember.household_id)
                        .where(HouseholdMember.household_id.in_(set(homes.values()))))).all():
                    together.setdefault(home, set()).add(member_id)
            return {m: frozenset(together[homes[m]]) if m in homes else frozenset({m}) for m in ids}
        children = (await session.execute(select(GuardianLink.member_id, GuardianLink.child_id).where(
            GuardianLink.member_id.in_(ids), GuardianLink.restricted.is_(False)))).all()
        of_child: dict[int, set[int]] = {}
        if children:
            for member_id, child_id in (await session.execute(select(GuardianLink.member_id, GuardianLink.child_id)
                                        .where(GuardianLink.child_id.in_({c for _, c in children}),
                                               GuardianLink.restricted.is_(False)))).all():
                of_child.setdefault(child_id, set()).add(member_id)
        peers = {m: {m} for m in ids}
        for member_id, child_id in children:
            peers[member_id] |= of_child.get(child_id, set())
        return {m: frozenset(p) for m, p in peers.items()}

    async def household_keys(self, session: AsyncSession, community_id: int,
                             member_ids: Iterable[int]) -> dict[int, str]:
        """Guardians who live together (``/family household``, a co-parent linked ``with:``)
        share their household's key; anyone else is a household of their own."""
        ids = sorted(set(member_ids))
        homes = dict((await session.execute(select(HouseholdMember.member_id, HouseholdMember.household_id)
                                            .where(HouseholdMember.member_id.in_(ids)))).all()) if ids else {}
        return {m: f"household:{homes[m]}" if m in homes else f"member:{m}" for m in ids}

    async def children_of(self, session: AsyncSession, member_id: int) -> list[ChildRef]:
        rows = (await session.execute(select(Child.id, Child.label, GuardianLink.may_book).join(
            GuardianLink, GuardianLink.child_id == Child.id).where(
            GuardianLink.member_id == member_id, GuardianLink.restricted.is_(False)).order_by(Child.label))).all()
        return [ChildRef(row.id, row.label, row.may_book) for row in rows]

    async def guardians_of(self, session: AsyncSession, child_id: int) -> list[Member]:
        return list((await session.scalars(select(Member).join(GuardianLink, GuardianLink.member_id == Member.id)
                                           .where(GuardianLink.child_id == child_id,
                                                  GuardianLink.restricted.is_(False),
                                                  GuardianLink.receives.is_(True),
                                                  Member.left_at.is_(None)).order_by(Member.id))).all())

    async def restricted_for(self, session: AsyncSession, member_id: int, child_id: int) -> bool:
        return bool(await session.scalar(select(GuardianLink.restricted).where(
            GuardianLink.member_id == member_id, GuardianLink.child_id == child_id)))
