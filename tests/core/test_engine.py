"""The database layer on PostgreSQL when the server drops its connections (a restart, a
failover): pooled connections are not pinged on every checkout, so the first use of a dead
one must be retried on a fresh connection instead of failing a family's action."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.engine import Database, nullpool_engine
from bot.db.models import ProcessedEvent
from bot.db.processed import record_event_keys
from tests.conftest import PG_ADMIN_URL


@pytest.fixture
async def pg_db(pg_database_url: str) -> AsyncIterator[Database]:
    database = Database(pg_database_url)
    try:
        yield database
    finally:
        await database.dispose()


async def drop_every_connection_to(db: Database) -> None:
    """What a server restart does to the pool: every open connection is gone."""
    admin = nullpool_engine(PG_ADMIN_URL)
    async with admin.connect() as conn:
        await conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                "WHERE datname = :name AND pid <> pg_backend_pid()"),
                           {"name": db.engine.url.database})
    await admin.dispose()


async def warm(db: Database) -> None:
    async with db.read() as session:
        await session.execute(select(1))


async def test_a_write_after_the_server_dropped_the_pool_is_retried_on_a_fresh_connection(pg_db: Database) -> None:
    await warm(pg_db)
    await drop_every_connection_to(pg_db)

    async def work(session: AsyncSession) -> set[str]:
        return await record_event_keys(session, ["after-restart"], datetime.now(UTC))

    assert await pg_db.write_retrying(work) == {"after-restart"}


async def test_a_read_after_the_server_dropped_the_pool_is_retried_on_a_fresh_connection(pg_db: Database) -> None:
    async def record(session: AsyncSession) -> set[str]:
        return await record_event_keys(session, ["before-restart-read"], datetime.now(UTC))

    await pg_db.write_retrying(record)
    await warm(pg_db)
    await drop_every_connection_to(pg_db)

    async def count(session: AsyncSession) -> int:
        return int(await session.scalar(select(func.count()).select_from(ProcessedEvent)
                                        .where(ProcessedEvent.key == "before-restart-read")) or 0)

    assert await pg_db.read_retrying(count) == 1
