"""The in-process Discord driver most tests here share: discord.py against the fake REST API,
on SQLite, with a fake translator."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from adapters.console.harness import DEFAULT_START
from bot.app import build_core
from bot.config import Config, Secrets
from bot.db.engine import Database
from bot.testing import FakeTranslator
from bot.util.clock import ManualClock
from tests.discord.harness import DiscordDriver


@pytest.fixture
async def driver(sqlite_db: Database) -> AsyncIterator[DiscordDriver]:
    core = build_core(Config(), secrets=Secrets(discord_token="fake"), db=sqlite_db, clock=ManualClock(DEFAULT_START),
                      translator=FakeTranslator())
    harness = DiscordDriver(core)
    await harness.start()
    yield harness
    await harness.stop()
