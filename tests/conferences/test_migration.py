"""The conferences migration to bookings per child carries existing per-person bookings over
(SQLite and PostgreSQL): a guardian of one child becomes that child's booking, co-parents who
had each booked keep both times (the earliest is the child's), and a guardian of several
children or a person with none keeps their own booking."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import MetaData
from sqlalchemy.engine import Connection

from bot.db.engine import Database
from bot.db.migrate import current_revision, head_revision, upgrade
from bot.db.registry import import_all_models

T = "'2026-09-01 12:00:00'"


def _drop_every_table(connection: Connection) -> None:
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


async def test_existing_bookings_become_the_childs_where_the_child_is_known(db: Database) -> None:
    await _empty(db)
    await upgrade(db, "0002_conferences")
    await upgrade(db, "0001_households")
    people = {1: "Maria", 2: "Luis", 3: "Ana", 4: "Pat", 5: "Kim"}
    statements = [
        "INSERT INTO communities (id, platform, external_id, name, default_language, timezone, settings, created_at) "
        f"VALUES (1, 'console', 'school', 'School', 'en', 'UTC', '{{}}', {T})",
        *(f"INSERT INTO members (id, community_id, user_id, display_name, delivery, dms_closed, is_bot, joined_at, "
          f"platform_roles, granted_roles) VALUES ({n}, 1, 'u{n}', '{name}', 'dm', false, false, {T}, '[]', '[]')"
          for n, name in people.items()),
        "INSERT INTO conferences (id, community_id, title, availability, language, timezone, location, link, "
        f"length_minutes, channel_id, status, created_at) VALUES (1, 1, 'Autumn', '', 'en', 'UTC', '', '', 15, "
        f"'general', 'open', {T})",
        *(f"INSERT INTO conference_slots (id, conference_id, starts_at, ends_at, status) VALUES ({n}, 1, "
          f"'2026-09-08 1{n}:00:00', '2026-09-08 1{n}:15:00', 'open')" for n in range(1, 6)),
        *(f"INSERT INTO household_children (id, community_id, label, created_at) VALUES ({n}, 1, '{label}', {T})"
          for n, label in ((1, "Sam"), (2, "Alex"), (3, "Leo"))),
        # Sam: Maria and Luis; Kim: Alex and Leo; Pat is restricted for Leo, so has no child to book for
        *(f"INSERT INTO household_guardians (id, child_id, member_id, receives, may_book, restricted, class_wide, "
          f"created_at) VALUES ({n}, {child}, {member}, true, true, {restricted}, true, {T})"
          for n, (child, member, restricted) in enumerate(((1, 1, "false"), (1, 2, "false"), (2, 5, "false"),
                                                           (3, 5, "false"), (3, 4, "true")), start=1)),
        *(f"INSERT INTO conference_bookings (id, conference_id, slot_id, holder, member_id, label, created_at, "
          f"updated_at) VALUES ({n}, 1, {n}, 'member:{member}', {member}, '{people[member]}', "
          f"'2026-09-02 0{n}:00:00', '2026-09-02 0{n}:00:00')"
          for n, member in ((1, 1), (2, 2), (3, 3), (4, 4), (5, 5))),
    ]
    async with db.engine.begin() as conn:
        for statement in statements:
            await conn.exec_driver_sql(statement)
    await upgrade(db)
    assert await current_revision(db) == head_revision()
    async with db.engine.connect() as conn:
        rows = (await conn.exec_driver_sql(
            "SELECT id, holder, child_id, label, member_id FROM conference_bookings ORDER BY id")).all()
    assert [tuple(row) for row in rows] == [
        (1, "child:1", 1, "Sam", 1),       # Maria booked first for Sam
        (2, "member:2", None, "Luis", 2),  # Luis had booked too: his time stays, as his own
        (3, "member:3", None, "Ana", 3),   # no child
        (4, "member:4", None, "Pat", 4),   # restricted for the only child linked: not carried to it
        (5, "member:5", None, "Kim", 5),   # two children: which one is not known
    ]
