"""Privacy requests answered by the core for every cog at once: export everything held
about a member, and erase it everywhere.

Each cog declares the models holding member data (``personal_data_models``) and implements
``export_member`` / ``delete_member``; the core adds what it owns itself: the member row,
audit entries (identity replaced by an anonymous marker, the fact of the access kept),
cached translations of the member's own words, and pending jobs addressed to them.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import AuditEntry, Community, Job, Member

if TYPE_CHECKING:
    from bot.runtime.core import Core

log = logging.getLogger(__name__)

ERASED_LABEL = "erased-member"
#: Core models that hold member data and are handled here, not by a cog.
CORE_PERSONAL_MODELS: tuple[str, ...] = ("members", "audit_entries", "translation_cache", "jobs")


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


class PrivacyService:
    def __init__(self, core: Core) -> None:
        self.core = core

    async def export(self, member_id: int) -> dict[str, Any]:
        """Everything Homeroom holds about one member, grouped by feature."""
        async with self.core.db.read() as session:
            member = await session.get(Member, member_id)
            if member is None:
                raise LookupError(member_id)
            community = await session.get(Community, member.community_id)
            document: dict[str, Any] = {
                "generated_at": self.core.clock.now().isoformat(),
                "community": {"platform": community.platform if community else "",
                              "name": community.name if community else ""},
            }
            for cog in self.core.cogs:
                data = await cog.export_member(session, member)
                if data:
                    document[cog.name] = data
            access = (await session.scalars(select(AuditEntry).where(
                AuditEntry.subject_member_id == member.id).order_by(AuditEntry.at))).all()
            document["access_log"] = [{"action": a.action, "subject": f"{a.subject_type} {a.subject_id}".strip(),
                                       "at": a.at.isoformat()} for a in access]
            from bot.translation.models import CachedTranslation

            cached = (await session.scalars(select(CachedTranslation).where(
                CachedTranslation.owner_member_id == member.id))).all()
            document["translations_of_your_messages"] = [{"language": c.target, "text": c.text,
                                                          "created_at": c.created_at.isoformat()} for c in cached]
        return _jsonable(document)

    @staticmethod
    def to_json(document: dict[str, Any]) -> bytes:
        return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")

    async def erase(self, member_id: int) -> None:
        """Erase a member's personal data in one transaction, cogs first, then the core's."""
        async def work(session: AsyncSession) -> None:
            member = await session.get(Member, member_id)
            if member is None:
                return
            for cog in self.core.cogs:
                await cog.delete_member(session, member)
            await self._erase_core(session, member)

        await self.core.db.write_retrying(work)
        forget = getattr(self.core.translator, "forget_memory", None)
        if forget is not None:
            forget()
        log.info("member %s erased", member_id)

    async def _erase_core(self, session: AsyncSession, member: Member) -> None:
        from bot.translation.models import CachedTranslation

        await session.execute(update(AuditEntry).where(AuditEntry.actor_member_id == member.id)
                              .values(actor_member_id=None, actor_label=ERASED_LABEL))
        await session.execute(update(AuditEntry).where(AuditEntry.subject_member_id == member.id)
                              .values(subject_member_id=None))
        await session.execute(delete(CachedTranslation).where(CachedTranslation.owner_member_id == member.id))
        pending = (await session.scalars(select(Job).where(Job.status == "pending"))).all()
        for job in pending:
            if member.id in (job.payload.get("member"), job.payload.get("member_id")):
                job.status = "cancelled"
        await session.delete(member)

    async def member_left(self, member_id: int) -> None:
        """Cancel what was still going to a member who left; their data then follows the
        retention policy."""
        async def work(session: AsyncSession) -> None:
            member = await session.get(Member, member_id)
            if member is None or member.left_at is not None:
                return
            member.left_at = self.core.clock.now()
            for cog in self.core.cogs:
                await cog.on_member_left(session, member)

        await self.core.db.write_retrying(work)
