"""Processed event keys: how a redelivered event (a platform retry, a replay after a
restart, a twin from another process) is recognised and applied at most once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.engine import insert_for
from bot.db.models import ProcessedEvent


async def record_event_keys(session: AsyncSession, keys: list[str], at: datetime) -> set[str]:
    """Record event keys as processed inside the caller's transaction; return the ones this
    call recorded. A key already there (or recorded first by a concurrent twin: PostgreSQL
    waits for the twin's commit) is left out: that delivery is a duplicate."""
    unique = list(dict.fromkeys(keys))
    if not unique:
        return set()
    builder = insert_for(session.bind.dialect.name)
    # One cached statement sent with many parameter sets (SQLAlchemy batches them into one
    # INSERT ... VALUES ... RETURNING), not a statement compiled anew for each batch size.
    table = ProcessedEvent.__table__
    statement = builder(table).on_conflict_do_nothing(index_elements=["key"]).returning(table.c.key)
    inserted = await session.execute(statement, [{"key": key, "processed_at": at} for key in unique])
    return {key for (key,) in inserted}
