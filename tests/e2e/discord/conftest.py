"""One fake Discord and one bot process per test module (tests in a module use people and
sign-ups of their own, so they stay independent while sharing the process start)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.discord.fake import FakeDiscord
from tests.e2e.discord.process import BotProcess
from tests.e2e.discord.room import Room


def start_room(workdir: Path, database_url: str | None = None) -> tuple[FakeDiscord, BotProcess]:
    fake = FakeDiscord()
    fake.start()
    bot = BotProcess(fake, workdir, database_url or f"sqlite+aiosqlite:///{workdir / 'homeroom.db'}")
    bot.start()
    return fake, bot


@pytest.fixture(scope="module")
def room(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Room]:
    fake, bot = start_room(tmp_path_factory.mktemp("discord-e2e"))
    try:
        yield Room(fake, bot)
    finally:
        bot.terminate()
        fake.stop()
