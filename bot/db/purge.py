"""Deleting (or counting) rows by kind, for the retention purge and the privacy report: the
core and every feature describe what expires as (table or model, condition) per kind."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession


async def purge_targets(session: AsyncSession, targets: dict[str, tuple[Any, ColumnElement[bool]]], *,
                        dry_run: bool = False) -> dict[str, int]:
    """Delete (or, ``dry_run``, count) each kind's rows matching its condition, in the given
    order (a feature lists children before the rows they point at): a feature's
    ``purge_expired`` and ``count_expired`` are this over the same targets."""
    counts: dict[str, int] = {}
    for kind, (model, condition) in targets.items():
        if dry_run:
            counts[kind] = int(await session.scalar(select(func.count()).select_from(model).where(condition)) or 0)
        else:
            result = await session.execute(delete(model).where(condition))
            counts[kind] = int(getattr(result, "rowcount", 0) or 0)
    return counts
