"""One fake Discord and one bot process per test module (tests in a module use people and
sign-ups of their own, so they stay independent while sharing the process start)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.discord.fake import FakeDiscord
from tests.e2e.discord.process import BotProcess
from tests.e2e.discord.room import Room


def start_room(workdir: Path, database_url: str | None = None, *, heartbeat_interval_ms: int | None = None,
               extra_config: str = "") -> tuple[FakeDiscord, BotProcess]:
    fake = FakeDiscord()
    if heartbeat_interval_ms is not None:
        fake.heartbeat_interval_ms = heartbeat_interval_ms
    fake.start()
    bot = BotProcess(fake, workdir, database_url or f"sqlite+aiosqlite:///{workdir / 'homeroom.db'}", extra_config)
    bot.start()
    return fake, bot


@pytest.fixture(scope="module")
def room(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Room]:
    """A module may set HEARTBEAT_INTERVAL_MS (what HELLO says) and EXTRA_CONFIG (TOML)."""
    fake, bot = start_room(tmp_path_factory.mktemp("discord-e2e"),
                           heartbeat_interval_ms=getattr(request.module, "HEARTBEAT_INTERVAL_MS", None),
                           extra_config=getattr(request.module, "EXTRA_CONFIG", ""))
    try:
        yield Room(fake, bot)
    finally:
        bot.terminate()
        fake.stop()
