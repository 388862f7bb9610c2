"""Retention: nothing is kept forever. A daily job removes what is older than the policy in
``[retention]``; ``homeroom privacy report`` shows what is held and what the next purge
removes (docs/privacy.md states the policy for families)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import RetentionSection
from bot.db.base import Base
from bot.db.models import AuditEntry, Job, ProcessedEvent
from bot.db.purge import purge_targets
from bot.db.registry import import_all_models

if TYPE_CHECKING:
    from bot.runtime.core import Core


def cutoffs(policy: RetentionSection, now: datetime) -> dict[str, datetime]:
    """The oldest moment kept, per kind of data."""
    return {
        "questions": now - timedelta(days=policy.questions_days),
        "deliveries": now - timedelta(days=policy.deliveries_days),
        "translation_cache": now - timedelta(days=policy.translation_cache_days),
        "audit": now - timedelta(days=policy.audit_days),
        "processed_events": now - timedelta(days=policy.processed_events_days),
    }


async def _purge_core(session: AsyncSession, limits: dict[str, datetime], *, dry_run: bool) -> dict[str, int]:
    from bot.translation.models import CachedTranslation

    targets = {
        "translation_cache": (CachedTranslation, CachedTranslation.last_used_at < limits["translation_cache"]),
        "audit": (AuditEntry, AuditEntry.at < limits["audit"]),
        "processed_events": (ProcessedEvent, ProcessedEvent.processed_at < limits["processed_events"]),
        "finished_jobs": (Job, Job.status.in_(("done", "cancelled", "failed")) & (Job.run_at < limits["deliveries"])),
    }
    return await purge_targets(session, targets, dry_run=dry_run)


async def purge(core: Core) -> dict[str, int]:
    """Remove everything older than the policy; returns rows removed per kind."""
    limits = cutoffs(core.config.retention, core.clock.now())

    async def work(session: AsyncSession) -> dict[str, int]:
        counts = await _purge_core(session, limits, dry_run=False)
        for cog in core.cogs:
            counts.update(await cog.purge_expired(session, limits))
        return counts

    counts = await core.db.write_retrying(work)
    forget = getattr(core.translator, "forget_memory", None)
    if forget is not None:
        forget()
    return counts


async def held_and_expiring(core: Core) -> tuple[dict[str, int], dict[str, int]]:
    limits = cutoffs(core.config.retention, core.clock.now())
    import_all_models()
    async with core.db.read() as session:
        held = {table.name: int(await session.scalar(select(func.count()).select_from(table)) or 0)
                for table in Base.metadata.sorted_tables}
        expiring = await _purge_core(session, limits, dry_run=True)
        for cog in core.cogs:
            expiring.update(await cog.count_expired(session, limits))
    return held, expiring


async def privacy_report(core: Core) -> str:
    """The text of ``homeroom privacy report`` (the composition root builds the core it reads)."""
    held, expiring = await held_and_expiring(core)
    policy = core.config.retention
    lines = ["What Homeroom holds (rows per table):"]
    lines += [f"  {name:32} {count}" for name, count in held.items()]
    lines.append("")
    lines.append(f"Retention policy (days): questions {policy.questions_days}, deliveries {policy.deliveries_days}, "
                 f"translation cache {policy.translation_cache_days}, audit {policy.audit_days}, "
                 f"event ids {policy.processed_events_days}; daily purge at {policy.purge_time}.")
    lines.append("The next purge removes:")
    lines += [f"  {kind:32} {count}" for kind, count in sorted(expiring.items())]
    return "\n".join(lines)
