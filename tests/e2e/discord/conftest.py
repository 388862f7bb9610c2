"""One fake Discord and one bot process per test module (tests in a module use people and
sign-ups of their own, so they stay independent while sharing the process start). A module
lists the databases it runs on in ``BACKENDS`` (SQLite alone by default); on PostgreSQL the
process gets an empty database of its own and migrates it, as on a first start."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.e2e.databases import empty_postgres_database
from tests.e2e.discord.fake import FakeDiscord
from tests.e2e.discord.process import BotProcess
from tests.e2e.discord.room import Room


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "e2e_backend" in metafunc.fixturenames:
        metafunc.parametrize("e2e_backend", getattr(metafunc.module, "BACKENDS", ["sqlite"]), scope="module")


def start_room(workdir: Path, database_url: str | None = None, *, heartbeat_interval_ms: int | None = None,
               extra_config: str = "") -> tuple[FakeDiscord, BotProcess]:
    fake = FakeDiscord()
    if heartbeat_interval_ms is not None:
        fake.heartbeat_interval_ms = heartbeat_interval_ms
    fake.start()
    bot = BotProcess(fake, workdir, database_url or f"sqlite+aiosqlite:///{workdir / 'homeroom.db'}", extra_config)
    try:
        bot.start()
    except BaseException:
        fake.stop()
        raise
    return fake, bot


@pytest.fixture(scope="module")
def room(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, e2e_backend: str) -> Iterator[Room]:
    """A module may set HEARTBEAT_INTERVAL_MS (what HELLO says) and EXTRA_CONFIG (TOML)."""
    workdir = tmp_path_factory.mktemp(f"discord-e2e-{e2e_backend}")
    with empty_postgres_database() if e2e_backend == "postgresql" else _no_database() as url:
        fake, bot = start_room(workdir, url,
                               heartbeat_interval_ms=getattr(request.module, "HEARTBEAT_INTERVAL_MS", None),
                               extra_config=getattr(request.module, "EXTRA_CONFIG", ""))
        try:
            yield Room(fake, bot)
        finally:
            bot.terminate()
            fake.stop()
        assert "Traceback" not in bot.output(), f"the bot logged a traceback:\n{bot.output()[-4000:]}"


@contextmanager
def _no_database() -> Iterator[None]:
    yield None
