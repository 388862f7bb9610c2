"""The surveys' second revision on SQLite and PostgreSQL: a named answer given before
households counted once is its person's own household's answer, and still counts; each survey
gets a key of its own for its household codes."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import MetaData
from sqlalchemy.engine import Connection

from bot.db.engine import Database
from bot.db.migrate import upgrade
from bot.db.registry import import_all_models


def _drop_every_table(connection: Connection) -> None:
    present = MetaData()
    present.reflect(connection)
    present.drop_all(connection)


@pytest.fixture(autouse=True)
async def _restore_schema(db: Database) -> AsyncIterator[None]:
    """Start from nothing, and leave the shared test database built from the models."""
    import_all_models()
    async with db.engine.begin() as conn:
        await conn.run_sync(_drop_every_table)
    yield
    async with db.engine.begin() as conn:
        await conn.run_sync(_drop_every_table)
    await db.create_all()


async def test_a_named_answer_from_before_counts_for_its_persons_own_household(db: Database) -> None:
    await upgrade(db, "0001_surveys")
    async with db.engine.begin() as conn:
        for statement in (
            "INSERT INTO communities (id, platform, external_id, name, default_language, timezone, settings, "
            "created_at) VALUES (1, 'console', 'school', 'School', 'en', 'UTC', '{}', '2026-09-01 12:00:00')",
            "INSERT INTO members (id, community_id, user_id, display_name, delivery, dms_closed, is_bot, "
            "joined_at) VALUES (7, 1, 'u7', 'Ana', 'channel', false, false, '2026-09-01 12:00:00')",
            "INSERT INTO surveys (id, community_id, question, options, language, anonymous, by_language, counts, "
            "status, channel_id, created_at) VALUES (2, 1, 'Which day?', '{\"labels\": [\"Mon\", \"Fri\"]}', 'en', "
            "false, false, '{}', 'open', 'announcements', '2026-09-01 12:00:00')",
            "INSERT INTO survey_answers (survey_id, member_id, option_index, language, at) "
            "VALUES (2, 7, 1, '', '2026-09-01 12:00:00')",
        ):
            await conn.exec_driver_sql(statement)
    await upgrade(db)
    async with db.engine.begin() as conn:
        answers = (await conn.exec_driver_sql("SELECT household, member_id, option_index FROM survey_answers")).all()
        secrets = (await conn.exec_driver_sql("SELECT secret FROM surveys")).all()
    assert [tuple(row) for row in answers] == [("member:7", 7, 1)]
    assert [len(row[0]) for row in secrets] == [64]  # a key of its own for its household codes
