"""The organiser's roster: a CSV of who holds which place (name, slot, status, time of
sign-up) and nothing else — no contact data, no platform ids. Names are the ones Homeroom
shows on the card; a place kept after its holder erased their data reads as erased. Times
are the school's local time, with their UTC offset, so a spreadsheet shows the hour the
organiser knows. Staff
(teachers, admins) also see the children each volunteer is a guardian of; nobody else does."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.api.families import Families
from bot.db.models import Member
from bot.util.spreadsheet import csv_bytes
from cogs.signups.models import Claim, Slot

HEADER = ["name", "slot", "status", "signed_up_at"]
ERASED_NAME = "(erased)"


async def roster_rows(session: AsyncSession, signup_id: int, zone: ZoneInfo,
                      families: Families | None = None) -> list[tuple[str, ...]]:
    """Slot by slot: confirmed first, then the waitlist in order; times in ``zone``; with
    ``families`` (staff only) a last column names each volunteer's children."""
    rows = (await session.execute(
        select(Member.display_name, Slot.label, Claim.status, Claim.claimed_at, Claim.member_id)
        .select_from(Claim).join(Slot, Slot.id == Claim.slot_id).outerjoin(Member, Member.id == Claim.member_id)
        .where(Claim.signup_id == signup_id)
        .order_by(Slot.position, Claim.status, Claim.claimed_at, Claim.id))).all()
    found: list[tuple[str, ...]] = []
    for name, label, status, at, member_id in rows:
        row: tuple[str, ...] = (name if name is not None else ERASED_NAME, label, status,
                                at.astimezone(zone).isoformat(timespec="minutes"))
        if families is not None:
            children = await families.children_of(session, member_id) if member_id is not None else []
            row += (", ".join(child.label for child in children),)
        found.append(row)
    return found


def roster_csv(rows: list[tuple[str, ...]], *, with_family: bool = False) -> bytes:
    return csv_bytes([*HEADER, "family"] if with_family else HEADER, rows)
