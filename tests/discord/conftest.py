"""The in-process Discord driver the tests here share: discord.py against the fake REST API,
with a fake translator, on SQLite (``driver``) or on whichever database a test needs
(:func:`started_driver`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from adapters.console.harness import DEFAULT_START
from bot.app import build_core
from bot.config import Config, Secrets
from bot.db.engine import Database
from bot.testing import FakeTranslator
from bot.util.clock import ManualClock
from tests.discord.harness import DiscordDriver


@asynccontextmanager
async def started_driver(db: Database, config: Config | None = None) -> AsyncIterator[DiscordDriver]:
    core = build_core(config or Config(), secrets=Secrets(discord_token="fake"), db=db,
                      clock=ManualClock(DEFAULT_START), translator=FakeTranslator())
    harness = DiscordDriver(core)
    await harness.start()
    try:
        yield harness
    finally:
        await harness.stop()


@pytest.fixture
async def driver(sqlite_db: Database) -> AsyncIterator[DiscordDriver]:
    async with started_driver(sqlite_db) as harness:
        yield harness
