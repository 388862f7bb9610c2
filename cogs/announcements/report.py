"""The teacher's view of one announcement: who has seen it and where deliveries stand."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Member
from bot.delivery import Outcome
from bot.members import members_with_role
from bot.roles import Role
from cogs.announcements.models import Acknowledgement, Announcement


async def families(session: AsyncSession, community_id: int) -> list[Member]:
    """Members an announcement is for: families still in the community (anyone holding
    another role — a teacher who owns the server, an admin, the committee — is not one)."""
    return await members_with_role(session, community_id, Role.FAMILY)


async def status_lines(session: AsyncSession, announcement: Announcement, default_language: str,
                       outcome: Outcome) -> dict[str, object]:
    """Numbers and names for the status report (the cog localises the sentences)."""
    audience = await families(session, announcement.community_id)
    acked = set((await session.scalars(select(Acknowledgement.member_id).where(
        Acknowledgement.announcement_id == announcement.id))).all())
    counts = outcome.counts
    languages = Counter((m.language or default_language) for m in audience)
    not_seen = [m.display_name or f"member {m.id}" for m in audience if m.id not in acked]
    return {
        "seen": sum(1 for m in audience if m.id in acked),
        "total": len(audience),
        "not_seen": not_seen,
        "delivered": counts.get("sent", 0),
        "waiting": counts.get("waiting", 0) + counts.get("pending", 0) + counts.get("sending", 0)
        - outcome.in_digest,
        "digest": outcome.in_digest,
        "failed": counts.get("failed", 0),
        "unreachable": counts.get("unreachable", 0),
        "unreachable_names": outcome.unreachable + outcome.failed,
        "languages": ", ".join(f"{code} {n}" for code, n in sorted(languages.items())),
    }
