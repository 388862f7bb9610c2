"""Databases for bot processes under test: an empty PostgreSQL database of its own, which the
process migrates at start as on a first start, dropped afterwards."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from bot.db.engine import nullpool_engine
from tests.conftest import PG_ADMIN_URL, _pg_reason, _port_answers, run_sync


@contextmanager
def empty_postgres_database() -> Iterator[str]:
    """The URL of a new, empty database; skips without a server (fails under CI=true when one
    answers but cannot be used)."""
    reason = _pg_reason()
    if reason is not None:
        if os.environ.get("CI") == "true" and _port_answers():
            pytest.fail(f"CI=true and a server answers on 127.0.0.1:5432, so PostgreSQL tests must run: {reason}")
        pytest.skip(reason)
    name = f"homeroom_e2e_{uuid.uuid4().hex[:10]}"

    async def admin(sql: str) -> None:
        engine = nullpool_engine(PG_ADMIN_URL)
        try:
            async with engine.connect() as conn:
                await conn.execution_options(isolation_level="AUTOCOMMIT")
                await conn.exec_driver_sql(sql)
        finally:
            await engine.dispose()

    run_sync(admin(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{PG_ADMIN_URL.rpartition('/')[0]}/{name}"
    finally:
        run_sync(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
