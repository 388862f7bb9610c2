"""Who the families of a community are, for features that count, limit or address them.

The core knows people (members); a class knows families. A feature asks this directory —
``core.families`` — instead of assuming that one member is one family: an announcement's
status counts families once however many guardians a child has, a sign-up's "one place per
family" holds for a whole household, and nothing about a child reaches a guardian an admin
has restricted. The default directory is the old rule, one family-role member is one
family with no children; a feature package that models guardians and children installs its
own by setting ``core.families`` when it is loaded (the core never names it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.api.roles import Role
from bot.db.members import members_with_role
from bot.db.models import Member


@dataclass(frozen=True, slots=True)
class Family:
    """One family as a teacher counts it. ``key`` is stable ("member:12", "child:3");
    ``label`` names it for staff only (a child's label, or "" for a one-person family);
    ``member_ids`` are the people who read for it (never a restricted guardian)."""

    key: str
    label: str
    member_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Child:
    """A child as a feature may name it: its id, the label the teacher chose, and whether
    this guardian may book conferences for the child (staff can say a guardian may not)."""

    id: int
    label: str
    may_book: bool = True


class Families:
    """The default: each member holding only the family role is one family; there are no
    children, so nothing is ever restricted."""

    async def families(self, session: AsyncSession, community_id: int) -> list[Family]:
        """Every family of the community, in a stable order."""
        return [Family(f"member:{m.id}", "", (m.id,)) for m in await members_with_role(session, community_id,
                                                                                        Role.FAMILY)]

    async def audience(self, session: AsyncSession, community_id: int) -> list[Member]:
        """The people a class-wide message to families goes to (each reads it in their own
        language and delivery mode)."""
        return await members_with_role(session, community_id, Role.FAMILY)

    async def sign_up_peers(self, session: AsyncSession, community_id: int,
                            member_ids: Iterable[int]) -> dict[int, frozenset[int]]:
        """For each member, everyone whose places count against the same "per family" limit
        on a sign-up (themselves included)."""
        return {member_id: frozenset({member_id}) for member_id in member_ids}

    async def household_keys(self, session: AsyncSession, community_id: int,
                             member_ids: Iterable[int]) -> dict[int, str]:
        """For each member, the home they answer for: people who live together share one
        stable key (a family survey counts their home once); a person in no household is a
        household of their own ("member:12")."""
        return {member_id: f"member:{member_id}" for member_id in member_ids}

    async def children_of(self, session: AsyncSession, member_id: int) -> list[Child]:
        """The children this member is a guardian of (restricted links excluded)."""
        return []

    async def guardians_of(self, session: AsyncSession, child_id: int) -> list[Member]:
        """The guardians who may receive messages about a child (restricted ones excluded)."""
        return []

    async def restricted_for(self, session: AsyncSession, member_id: int, child_id: int) -> bool:
        """Whether an admin restricted this member from anything about this child."""
        return False


async def member_names(session: AsyncSession, member_ids: Iterable[int]) -> dict[int, str]:
    """Display names by member id (for reports that name people)."""
    ids = sorted(set(member_ids))
    if not ids:
        return {}
    rows = (await session.execute(select(Member.id, Member.display_name).where(Member.id.in_(ids)))).all()
    return {row.id: row.display_name or f"member {row.id}" for row in rows}
