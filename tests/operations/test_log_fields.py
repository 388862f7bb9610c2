"""JSON logs carry the context a line was written in: the platform, community and event being
handled, or the job being run, and how long it took — ids only, never names or texts."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from adapters.console.harness import console_session
from bot.db.engine import Database
from bot.util.logging_setup import ContextFilter, JsonFormatter, log_context


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(ContextFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    before = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield stream
    root.removeHandler(handler)
    root.setLevel(before)


def _entries(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.startswith("{")]


def test_a_line_inside_a_context_carries_its_fields(json_lines: io.StringIO) -> None:
    with log_context(platform="discord", community="discord:1"), log_context(event="e-1"):
        logging.getLogger("anything").warning("something happened")
    [entry] = [e for e in _entries(json_lines) if e["message"] == "something happened"]
    assert (entry["platform"], entry["community"], entry["event"]) == ("discord", "discord:1", "e-1")


def test_a_line_outside_any_context_has_only_the_basic_fields(json_lines: io.StringIO) -> None:
    logging.getLogger("anything").warning("plain")
    [entry] = [e for e in _entries(json_lines) if e["message"] == "plain"]
    assert set(entry) == {"time", "level", "logger", "message"}


async def test_each_handled_event_is_logged_with_its_context_and_duration(db: Database,
                                                                          json_lines: io.StringIO) -> None:
    async with console_session(db) as s:
        await s.run("as Maria\n/help")
    [handled] = [e for e in _entries(json_lines) if e["message"] == "handled CommandInvoked"]
    assert handled["platform"] == "console" and handled["kind"] == "CommandInvoked"
    assert str(handled["community"]).startswith("console:") and handled["event"]
    assert isinstance(handled["duration_ms"], float)
    assert "Maria" not in json.dumps(handled)


async def test_a_failing_job_is_logged_with_its_id_and_kind(db: Database, json_lines: io.StringIO) -> None:
    async with console_session(db) as s:
        async def broken(ctx: object) -> None:
            raise RuntimeError("boom")

        s.core.jobs.register("test.broken", broken)
        async with db.write() as session:
            await s.core.schedule(session, "test.broken", {}, s.core.clock.now())
        await s.core.settle()
    [failed] = [e for e in _entries(json_lines)
                if str(e["message"]).startswith("job ") and "failed on attempt" in str(e["message"])]
    assert failed["job_kind"] == "test.broken" and isinstance(failed["job"], int)
    assert "RuntimeError: boom" in str(failed["exception"])
