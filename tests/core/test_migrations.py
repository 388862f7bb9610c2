"""Alembic owns the schema: migrations build an empty database and match the models."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData, inspect, select
from sqlalchemy.engine import Connection

from bot.api.roles import Role
from bot.db.base import Base
from bot.db.engine import Database
from bot.db.migrate import alembic_config, current_revision, head_revision, upgrade
from bot.db.models import Member
from bot.db.registry import import_all_models


def _drop_every_table(connection: Connection) -> None:
    """Every table the database holds, including those of older revisions the models no
    longer name (a downgrade brings them back)."""
    present = MetaData()
    present.reflect(connection)
    present.drop_all(connection)


async def _empty(db: Database) -> None:
    import_all_models()
    async with db.engine.begin() as conn:
        await conn.run_sync(_drop_every_table)


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
    assert differences == [], 'models changed without a migration: run python -m bot.db.autogen "what changed"'


async def test_a_database_built_by_the_first_release_upgrades_with_its_data(db: Database) -> None:
    await _empty(db)
    await upgrade(db, "0001")
    async with db.engine.begin() as conn:
        for statement in (
            "INSERT INTO communities (id, platform, external_id, name, default_language, timezone, settings, "
            "created_at) VALUES (1, 'console', 'school', 'School', 'en', 'UTC', '{}', '2026-09-01 12:00:00')",
            "INSERT INTO members (id, community_id, user_id, display_name, role, delivery, dms_closed, is_bot, "
            "joined_at) VALUES (7, 1, 'u7', 'Ana', 'family', 'channel', false, false, '2026-09-01 12:00:00')",
            "INSERT INTO signups (id, community_id, title, description, language, channel_id, mode, per_family, "
            "reminders, status, created_at) VALUES (3, 1, 'Fair', '', 'en', 'general', 'reactions', 1, '24h', "
            "'open', '2026-09-01 12:00:00')",
            "INSERT INTO signup_slots (id, signup_id, position, emoji_key, emoji_display, label, capacity) "
            "VALUES (5, 3, 0, 'b', 'b', 'Baker', 2)",
            "INSERT INTO signup_claims (signup_id, slot_id, member_id, status, claimed_at) "
            "VALUES (3, 5, 7, 'confirmed', '2026-09-01 12:00:00')",
        ):
            await conn.exec_driver_sql(statement)
    await upgrade(db)
    assert await current_revision(db) == head_revision()
    async with db.engine.begin() as conn:
        if db.is_sqlite:
            await conn.exec_driver_sql("PRAGMA foreign_keys=ON")
        await conn.exec_driver_sql("DELETE FROM members WHERE id = 7")
        rows = (await conn.exec_driver_sql("SELECT member_id, status FROM signup_claims")).all()
        platforms = (await conn.exec_driver_sql("SELECT count(*) FROM jobs WHERE platform IS NULL")).scalar()
    assert [tuple(row) for row in rows] == [(None, "confirmed")]  # the place outlives its holder
    assert platforms == 0


async def _downgrade(db: Database, revision: str) -> None:
    cfg = alembic_config(db.url)

    def _run(connection: Connection) -> None:
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, revision)

    async with db.engine.begin() as conn:
        await conn.run_sync(_run)


async def _members_before_role_sets(db: Database) -> None:
    """A database at 0002 with the old single-valued columns: a family, a teacher the
    platform made, a committee member granted /role who the platform makes a teacher."""
    await _empty(db)
    await upgrade(db, "0002")
    async with db.engine.begin() as conn:
        await conn.exec_driver_sql(
            "INSERT INTO communities (id, platform, external_id, name, default_language, timezone, settings, "
            "created_at) VALUES (1, 'console', 'school', 'School', 'en', 'UTC', '{}', '2026-09-01 12:00:00')")
        for member_id, role, platform_role in ((1, "family", None), (2, "family", "teacher"),
                                               (3, "committee", "teacher"), (4, "family", "family")):
            value = "NULL" if platform_role is None else f"'{platform_role}'"
            await conn.exec_driver_sql(
                "INSERT INTO members (id, community_id, user_id, display_name, role, platform_role, delivery, "
                f"dms_closed, is_bot, joined_at) VALUES ({member_id}, 1, 'u{member_id}', 'M{member_id}', '{role}', "
                f"{value}, 'channel', false, false, '2026-09-01 12:00:00')")


async def test_the_single_valued_roles_become_one_element_sets(db: Database) -> None:
    await _members_before_role_sets(db)
    await upgrade(db)
    async with db.read() as session:
        members = {m.id: (m.granted_roles, m.platform_roles) for m in await session.scalars(select(Member))}
    assert members == {1: (frozenset(), frozenset()), 2: (frozenset(), {Role.TEACHER}),
                       3: ({Role.COMMITTEE}, {Role.TEACHER}), 4: (frozenset(), frozenset())}


async def test_downgrading_the_role_sets_keeps_each_sets_highest_role(db: Database) -> None:
    await _members_before_role_sets(db)
    await upgrade(db)
    async with db.engine.begin() as conn:
        await conn.exec_driver_sql("UPDATE members SET platform_roles = '[\"admin\", \"teacher\"]' WHERE id = 1")
    await _downgrade(db, "0002")
    async with db.engine.connect() as conn:
        rows = (await conn.exec_driver_sql("SELECT id, role, platform_role FROM members ORDER BY id")).all()
    assert [tuple(row) for row in rows] == [(1, "family", "admin"), (2, "family", "teacher"),
                                            (3, "committee", "teacher"), (4, "family", None)]
