"""SIGTERM in the middle of a DM fan-out, as a service manager stops the bot: it stops
cleanly (no "Session is closed" traceback), and the next start finishes the fan-out with
every family getting the message exactly once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.discord.conftest import start_room
from tests.e2e.discord.fake import FakeDiscord
from tests.e2e.discord.process import BotProcess, wait_for
from tests.e2e.discord.room import Room

FAMILIES = 30
TEXT = "Early pick-up on Wednesday."
#: claims of a stopped process are taken over quickly (the default is two minutes)
EXTRA_CONFIG = "\n[jobs]\nlease_seconds = 3\npoll_seconds = 0.5\n"


@pytest.fixture
def stopping(tmp_path: Path) -> Iterator[tuple[FakeDiscord, BotProcess, Path]]:
    fake, bot = start_room(tmp_path, extra_config=EXTRA_CONFIG)
    try:
        yield fake, bot, tmp_path
    finally:
        if bot.process is not None and bot.process.poll() is None:
            bot.terminate()
        fake.stop()


def test_sigterm_during_a_fan_out_stops_cleanly_and_the_next_start_finishes_it_exactly_once(
        stopping: tuple[FakeDiscord, BotProcess, Path]) -> None:
    fake, bot, workdir = stopping
    room = Room(fake, bot)
    teacher = fake.person("Ms Fox", "Teacher")
    families = [fake.person(f"Parent {n}") for n in range(FAMILIES)]
    for interaction in [room.command(f, "delivery", mode="dm") for f in families]:
        room.answer(interaction)
    fake.dm_delay = 0.3  # a slow Discord: the fan-out is still going when SIGTERM comes
    room.command(teacher, "announce", text=TEXT)
    wait_for(lambda: sum(1 for f in families if room.dms_containing(f, TEXT)) >= 3,
             describe="the fan-out to be under way")

    assert bot.terminate() == 0
    output = bot.output()
    assert "Session is closed" not in output
    assert "Traceback" not in output
    reached = sum(1 for f in families if room.dms_containing(f, TEXT))
    assert reached < FAMILIES  # it really was stopped half-way

    fake.dm_delay = 0.0
    again = BotProcess(fake, workdir, bot.database_url, EXTRA_CONFIG)
    again.log_path = workdir / "homeroom-2.log"
    again.start()
    try:
        wait_for(lambda: all(room.dms_containing(f, TEXT) for f in families), timeout=60,
                 describe="every family's DM")
    finally:
        assert again.terminate() == 0
    # each family's own messages, exactly once across the two processes: the announcement and
    # the welcome they were sent when they first met the bot
    assert [len(room.dms_containing(f, TEXT)) for f in families] == [1] * FAMILIES
    assert all(len(room.dms_containing(f, "Welcome to Homeroom")) <= 1 for f in families)
    assert "Traceback" not in again.output()
