"""The organiser's roster: a CSV of who holds which place (name, slot, status, time of
sign-up) and nothing else — no contact data, no platform ids. Names are the ones Homeroom
shows on the card; a place kept after its holder erased their data reads as erased."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Member
from cogs.signups.models import Claim, Slot

HEADER = ["name", "slot", "status", "signed_up_at"]
ERASED_NAME = "(erased)"


async def roster_rows(session: AsyncSession, signup_id: int) -> list[tuple[str, str, str, str]]:
    """Slot by slot: confirmed first, then the waitlist in order."""
    rows = (await session.execute(
        select(Member.display_name, Slot.label, Claim.status, Claim.claimed_at)
        .select_from(Claim).join(Slot, Slot.id == Claim.slot_id).outerjoin(Member, Member.id == Claim.member_id)
        .where(Claim.signup_id == signup_id)
        .order_by(Slot.position, Claim.status, Claim.claimed_at, Claim.id))).all()
    return [(_safe(name if name is not None else ERASED_NAME), _safe(label), status, at.isoformat())
            for name, label, status, at in rows]


def _safe(cell: str) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas; a name must never do that."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


def roster_csv(rows: list[tuple[str, str, str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")
