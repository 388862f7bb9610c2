"""Who "one booking each" counts, and who hears about a booking.

A conference holds one booking per child: a guardian with two children in the class books a
time for each, co-parents of one child share that child's one booking (either may change or
cancel it), and a guardian an admin restricted for a child can neither book for that child
nor hear about its booking. People linked to no child (a class without households, or a
family not yet linked) hold one booking each, as themselves. The children come from the
core's family directory (``core.families``), so this module never names the feature that
models them.

An event's RSVP is still one answer per person (:func:`person_key`): adults and children are
counted on the answer itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.api.families import Families
from bot.db.models import Member

CHILD = "child:"
PERSON = "member:"


@dataclass(frozen=True, slots=True)
class Holder:
    """What one booking is for: a child (``child_id``) or a person. ``label`` is what the
    teacher's schedule shows (the child's label, or the person's name)."""

    key: str
    label: str
    child_id: int | None = None


def person_key(member: Member) -> str:
    """The key of one person's own booking or answer."""
    return f"{PERSON}{member.id}"


def person_holder(member: Member) -> Holder:
    return Holder(person_key(member), member.display_name or f"member {member.id}")


def child_id_of(key: str) -> int | None:
    """The child a holder key names, if it names one."""
    number = key[len(CHILD):] if key.startswith(CHILD) else ""
    return int(number) if number.isdigit() else None


async def holders_of(families: Families, session: AsyncSession, member: Member) -> list[Holder]:
    """What ``member`` may book for: each of their children (restricted links left out, by
    label), except those staff said they may not book for; themselves when they are linked to
    no child; nothing when every child they are linked to is one an admin restricted them from
    (they are told nothing about it)."""
    children = await families.children_of(session, member.id)
    if children:  # a guardian staff said may not book for a child books nothing for it
        return [Holder(f"{CHILD}{child.id}", child.label, child.id) for child in children if child.may_book]
    for family in await families.families(session, member.community_id):
        child_id = child_id_of(family.key)
        if child_id is not None and await families.restricted_for(session, member.id, child_id):
            return []
    return [person_holder(member)]


async def readers(families: Families, session: AsyncSession, child_id: int | None, booker: Member | None) -> list[
        Member]:
    """Who hears about a booking (confirmation, reminders, changes): every guardian of its
    child who receives notices, never a restricted one; for a person's own booking, that
    person."""
    if child_id is None:
        return [booker] if booker is not None else []
    return await families.guardians_of(session, child_id)


async def may_see(families: Families, session: AsyncSession, child_id: int | None, booker_id: int,
                  member: Member) -> bool:
    """Whether ``member`` may be shown a booking (its calendar file): its booker, or a
    guardian of its child; never one restricted for that child."""
    if child_id is None:
        return member.id == booker_id
    if await families.restricted_for(session, member.id, child_id):
        return False
    return member.id == booker_id or any(c.id == child_id for c in await families.children_of(session, member.id))
