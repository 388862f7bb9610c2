"""The Slack adapter against the fake Web API, signed requests to bolt, on both databases."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from bot.app import build_core
from bot.config import Config, Secrets
from bot.db.engine import Database
from bot.testing import FakeTranslator
from bot.util.clock import ManualClock
from tests.slack.harness import SECRET, SlackDriver

START = datetime(2026, 9, 7, 12, 0, tzinfo=UTC)  # 08:00 in New York


@pytest.fixture
async def slack(db: Database) -> AsyncIterator[SlackDriver]:
    """One workspace with a bot token; the clock stands still at :data:`START`."""
    core = build_core(Config(), secrets=Secrets(slack_bot_token="xoxb-test", slack_signing_secret=SECRET), db=db,
                      clock=ManualClock(START), translator=FakeTranslator())
    driver = SlackDriver(core)
    await driver.start()
    yield driver
    await driver.stop()
