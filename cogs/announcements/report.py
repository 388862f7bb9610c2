"""The teacher's view of one announcement: who has seen it and where deliveries stand.

Families are counted as the core's family directory defines them (``core.families``): a
child with two guardians in two homes is one family, seen when either guardian saw it."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.api.families import Families, member_names
from bot.api.roles import Role
from bot.db.members import members_with_role
from bot.db.models import Member
from bot.delivery import Outcome
from cogs.announcements.models import Acknowledgement, Announcement


async def families(session: AsyncSession, community_id: int) -> list[Member]:
    """Members holding only the family role, still in the community (the engagement report's
    people; the status counts families through the family directory)."""
    return await members_with_role(session, community_id, Role.FAMILY)


async def status_lines(session: AsyncSession, announcement: Announcement, default_language: str,
                       outcome: Outcome, directory: Families) -> dict[str, object]:
    """Numbers and names for the status report (the cog localises the sentences)."""
    audience = await directory.audience(session, announcement.community_id)
    families = [f for f in await directory.families(session, announcement.community_id)
                if f.member_ids != (announcement.author_member_id,)]
    acked = set((await session.scalars(select(Acknowledgement.member_id).where(
        Acknowledgement.announcement_id == announcement.id))).all())
    names = await member_names(session, {m for f in families for m in f.member_ids})
    counts = outcome.counts
    languages = Counter((m.language or default_language) for m in audience)
    seen = [f for f in families if acked & set(f.member_ids)]

    def family_name(family_key: str, label: str, member_ids: tuple[int, ...]) -> str:
        if label:
            return label
        return ", ".join(names.get(m, f"member {m}") for m in member_ids) or family_key

    return {
        "seen": len(seen),
        "total": len(families),
        "not_seen": [family_name(f.key, f.label, f.member_ids) for f in families if f not in seen],
        "seen_by": [f"{f.label} ({', '.join(names[m] for m in f.member_ids if m in acked)})"
                    for f in seen if f.label],
        "delivered": counts.get("sent", 0),
        "waiting": counts.get("waiting", 0) + counts.get("pending", 0) + counts.get("sending", 0)
        - outcome.in_digest,
        "digest": outcome.in_digest,
        "failed": counts.get("failed", 0),
        "unreachable": counts.get("unreachable", 0),
        "unreachable_names": outcome.unreachable + outcome.failed,
        "languages": ", ".join(f"{code} {n}" for code, n in sorted(languages.items())),
    }
