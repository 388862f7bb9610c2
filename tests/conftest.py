"""Shared fixtures: a fresh database per test on SQLite and on PostgreSQL.

PostgreSQL tests use a throwaway database created for this test run (random name, dropped
at the end). Without a server they skip with the reason; with CI=true they must run, so an
unreachable server fails the run instead of silently skipping.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.db.base import Base
from bot.db.engine import Database, nullpool_engine
from bot.db.registry import import_all_models

PG_ADMIN_URL = os.environ.get("HOMEROOM_TEST_PG_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
BACKENDS = ["sqlite", "postgresql"]


def run_sync(coro: Any) -> Any:
    """Run a coroutine to completion from sync code, even inside a running event loop
    (session fixtures are first requested from async tests)."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def _port_answers(host: str = "127.0.0.1", port: int = 5432) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def _pg_reason() -> str | None:
    async def probe() -> None:
        engine = nullpool_engine(PG_ADMIN_URL)
        try:
            async with engine.connect() as conn:
                await conn.exec_driver_sql("SELECT 1")
        finally:
            await engine.dispose()

    try:
        run_sync(asyncio.wait_for(probe(), timeout=5))
    except Exception as exc:
        return f"PostgreSQL not reachable at {PG_ADMIN_URL.split('@')[-1]} ({type(exc).__name__})"
    return None


@pytest.fixture(scope="session")
def pg_database_url() -> Iterator[str]:
    """A PostgreSQL database of this test run's own, with every table created."""
    reason = _pg_reason()
    if reason is not None:
        if os.environ.get("CI") == "true" and _port_answers():
            pytest.fail(f"CI=true and a server answers on 127.0.0.1:5432, so PostgreSQL tests must run: {reason}")
        pytest.skip(reason)
    name = f"homeroom_test_{uuid.uuid4().hex[:10]}"
    base, _, _ = PG_ADMIN_URL.rpartition("/")
    url = f"{base}/{name}"

    async def create() -> None:
        admin = nullpool_engine(PG_ADMIN_URL)
        async with admin.connect() as conn:
            await conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        await admin.dispose()
        db = Database(url)
        await db.create_all()
        await db.dispose()

    async def drop() -> None:
        admin = nullpool_engine(PG_ADMIN_URL)
        async with admin.connect() as conn:
            await conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.dispose()

    run_sync(create())
    try:
        yield url
    finally:
        run_sync(drop())


async def _truncate_all(db: Database) -> None:
    import_all_models()
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    async with db.engine.begin() as conn:
        await conn.exec_driver_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")


@pytest.fixture(autouse=True)
def _machine_translated_ui(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Feature tests read the bot's words through the marking fake translator ("[es] ..."),
    so assertions show which text was translated; tests marked ``catalogs`` use the real
    gettext catalogs."""
    if request.node.get_closest_marker("catalogs") is None:
        monkeypatch.setattr("bot.i18n.load_catalogs", lambda *args, **kwargs: {})


@pytest.fixture(autouse=True)
def _welcome_only_where_asked(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """The newcomer's welcome is on by default. A feature's test asserts on exactly what that
    feature sends, so it runs as a school that switched the welcome off; tests marked
    ``onboarding`` (the welcome's own, the demo scripts, the README example) run with the
    default. A configuration that names ``[onboarding]`` itself always wins."""
    if request.node.get_closest_marker("onboarding") is not None:
        return
    from bot import config as config_module
    from cogs.onboarding.config import Section

    class WelcomeOff(Section):
        welcome_new_members: bool = False

    original = config_module.section_model
    monkeypatch.setattr(config_module, "section_model",
                        lambda name: WelcomeOff if name == "onboarding" else original(name))


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def db(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[Database]:
    """An empty database with every table, on the backend of this parametrisation."""
    if backend == "sqlite":
        database = Database(f"sqlite+aiosqlite:///{tmp_path / 'homeroom.db'}")
        await database.create_all()
    else:
        url = request.getfixturevalue("pg_database_url")
        database = Database(url)
        await _truncate_all(database)
    try:
        yield database
    finally:
        await database.dispose()


@pytest.fixture
async def sqlite_db(tmp_path: Path) -> AsyncIterator[Database]:
    """SQLite only, for tests about behaviour that does not depend on the backend."""
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'homeroom.db'}")
    await database.create_all()
    try:
        yield database
    finally:
        await database.dispose()
