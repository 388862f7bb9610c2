"""Alembic owns the schema: migrations build an empty database and match the models."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from bot.db.base import Base
from bot.db.engine import Database
from bot.db.migrate import current_revision, head_revision, upgrade
from bot.db.registry import import_all_models


async def _empty(db: Database) -> None:
    import_all_models()
    async with db.engine.begin() as conn:
        await conn.run_sync(Base.metadata.drop_all)
        await conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")


@pytest.fixture(autouse=True)
async def _restore_schema(db: Database) -> AsyncIterator[None]:
    """Leave the shared test database as the other tests expect it: built from the models."""
    yield
    await _empty(db)
    await db.create_all()


async def test_upgrade_builds_every_table_on_an_empty_database(db: Database) -> None:
    await _empty(db)
    await upgrade(db)
    async with db.engine.connect() as conn:
        tables = await conn.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    assert {t.name for t in Base.metadata.sorted_tables} <= tables
    assert await current_revision(db) == head_revision()


async def test_upgrade_twice_is_harmless(db: Database) -> None:
    await _empty(db)
    await upgrade(db)
    await upgrade(db)
    assert await current_revision(db) == head_revision()


async def test_migrations_match_the_models(db: Database) -> None:
    await _empty(db)
    await upgrade(db)

    def diff(sync_conn: object) -> list[object]:
        context = MigrationContext.configure(sync_conn, opts={"compare_type": False})  # type: ignore[arg-type]
        return compare_metadata(context, Base.metadata)

    async with db.engine.connect() as conn:
        differences = await conn.run_sync(diff)
    assert differences == [], "models changed without a migration: run python -m bot.db.autogen"
