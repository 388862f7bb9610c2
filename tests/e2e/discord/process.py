"""The real ``homeroom run --adapter discord`` process, pointed at the fake Discord by its
documented ``[discord] api_base_url`` and ``gateway_url`` settings, and the waits tests use
while it works (no timing is asserted: a wait only bounds how long a test may hang)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

from tests.e2e.discord.fake import GUILD_ID, FakeDiscord
from tests.net import free_port

T = TypeVar("T")
#: the longest a test waits for something the bot should do (a bound on a hang, not a goal)
PATIENCE_SECONDS = 60.0


def wait_for(what: Callable[[], T], *, timeout: float = PATIENCE_SECONDS, describe: str = "") -> T:
    """``what()`` once it is truthy; fails the test with ``describe`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = what()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {describe or what}")
        time.sleep(0.05)


def quiet(fake: FakeDiscord, *, for_seconds: float = 1.0, timeout: float = PATIENCE_SECONDS) -> None:
    """Wait until the bot has sent nothing for ``for_seconds``: what it was going to send
    for the events so far has been sent (used before asserting that something did not happen)."""
    deadline = time.monotonic() + timeout
    count, since = len(fake.requests), time.monotonic()
    while time.monotonic() - since < for_seconds:
        time.sleep(0.05)
        if len(fake.requests) != count:
            count, since = len(fake.requests), time.monotonic()
        if time.monotonic() > deadline:
            raise AssertionError("the bot never went quiet")



def _far_from_now() -> str:
    """Quiet hours a minute long, twelve hours away (UTC): nothing in a test is held."""
    start = datetime.now(UTC) + timedelta(hours=12)
    end = start + timedelta(minutes=1)
    return f"{start:%H:%M}-{end:%H:%M}"


class BotProcess:
    def __init__(self, fake: FakeDiscord, workdir: Path, database_url: str, extra_config: str = "") -> None:
        self.fake = fake
        self.extra_config = extra_config
        self.workdir = workdir
        self.database_url = database_url
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = workdir / "homeroom.log"
        self.http_port = free_port()

    def config(self) -> str:
        return f"""
[homeroom]
timezone = "UTC"
quiet_hours = "{_far_from_now()}"

[database]
url = "{self.database_url}"

[translation]
provider = "libre"
libre_url = "{self.fake.base_url}"
timeout_seconds = 30
retries = 0

[signups]
card_edit_delay_seconds = 0

[http]
port = {self.http_port}

[discord]
sync = "guild"
guild_ids = [{GUILD_ID}]
dm_per_minute = 3000
api_base_url = "{self.fake.api_url}"
gateway_url = "{self.fake.gateway_url}"
{self.extra_config}"""

    def start(self) -> None:
        path = self.workdir / "homeroom.toml"
        path.write_text(self.config(), encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_", "HOMEROOM_"))}
        env.update(DISCORD_TOKEN="fake-token-e2e", PYTHONUNBUFFERED="1")
        homeroom = Path(sys.executable).with_name("homeroom")
        command = [str(homeroom)] if homeroom.exists() else [sys.executable, "-m", "bot"]
        self.log = self.log_path.open("ab")
        self.process = subprocess.Popen([*command, "run", "--adapter", "discord", "--config", str(path)],
                                        cwd=self.workdir, env=env, stdin=subprocess.DEVNULL, stdout=self.log,
                                        stderr=subprocess.STDOUT)
        identified = self.fake.identifies + 1
        wait_for(lambda: self.fake.identifies >= identified or self.process.poll() is not None,  # type: ignore[union-attr]
                 timeout=60, describe="the bot to IDENTIFY")
        assert self.process.poll() is None, f"the bot exited:\n{self.output()}"

    def output(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def terminate(self, timeout: float = 30.0) -> int:
        """SIGTERM, as a service manager stops it; the exit code."""
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError(f"the bot did not stop within {timeout} s of SIGTERM:\n{self.output()}") from None
        finally:
            self.log.close()
