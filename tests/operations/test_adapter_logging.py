"""Each adapter names its platform library's noisy loggers and the warnings that do not apply
to Homeroom; the command line's logging set-up honours them, and the core names none."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Iterator

import pytest

from bot.cli import _configure_logging
from bot.config import Config

NAMED = ("discord.http", "slack_sdk", "slack_bolt")


@pytest.fixture
def configured() -> Iterator[logging.Handler]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    levels = {name: logging.getLogger(name).level for name in NAMED}
    _configure_logging(Config(), argparse.Namespace(log_level="DEBUG", log_format="text"))
    yield root.handlers[0]
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, before in levels.items():
        logging.getLogger(name).setLevel(before)


def _record(logger: str, message: str) -> logging.LogRecord:
    return logging.LogRecord(logger, logging.WARNING, __file__, 1, message, None, None)


def test_platform_library_request_logs_stay_at_warning_even_at_debug(configured: logging.Handler) -> None:
    assert logging.getLogger().level == logging.DEBUG
    assert {name: logging.getLogger(name).level for name in NAMED} == dict.fromkeys(NAMED, logging.WARNING)


def test_the_voice_warning_of_the_discord_library_is_dropped(configured: logging.Handler) -> None:
    assert not configured.filter(_record("discord.client", "PyNaCl is not installed, voice will NOT be supported"))


def test_other_warnings_of_the_same_library_are_kept(configured: logging.Handler) -> None:
    assert configured.filter(_record("discord.gateway", "Shard ID None heartbeat blocked for more than 10 seconds."))
    assert configured.filter(_record("bot.runtime.jobs", "voice will NOT be supported"))
