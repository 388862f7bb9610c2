"""/healthz and /metrics: what an operator's monitoring reads, from the running bot."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from adapters.console.harness import console_session
from bot.db.engine import Database
from bot.runtime.http_server import health, metrics_text
from tests.net import free_port
from tests.operations.run import ROOT, homeroom, write_config


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found



async def test_healthy_when_the_database_answers_and_every_platform_is_ready(db: Database) -> None:
    async with console_session(db) as s:
        ready, report = await health(s.core)
    assert ready
    assert report == {"database": "ok", "jobs": {"due": 0, "oldest_due_seconds": 0.0},
                      "platforms": {"console": "ready"}, "status": "ok"}


async def test_not_ready_while_a_platform_has_not_connected(db: Database) -> None:
    async with console_session(db, ready=False) as s:
        ready, report = await health(s.core)
    assert not ready
    assert report["platforms"] == {"console": "connecting"} and report["status"] == "unavailable"


async def test_not_ready_after_a_platform_connection_is_lost(db: Database) -> None:
    async with console_session(db) as s:
        s.core.platform_lost("console")
        ready, report = await health(s.core)
    assert not ready and report["platforms"] == {"console": "lost"}


async def test_not_ready_when_the_database_is_down(db: Database, tmp_path: Path) -> None:
    async with console_session(db) as s:
        s.core.db = Database(f"sqlite+aiosqlite:///{tmp_path / 'missing' / 'gone.db'}")
        ready, report = await health(s.core)
    assert not ready
    assert report["database"].startswith("unavailable (")
    assert report["status"] == "unavailable"


async def test_due_jobs_show_as_the_backlog(db: Database) -> None:
    async with console_session(db) as s:
        async with db.write() as session:
            await s.core.schedule(session, "nothing.handles.this", {}, s.core.clock.now())
        s.core.clock.advance(timedelta(seconds=90))
        _, report = await health(s.core)
    assert report["jobs"] == {"due": 1, "oldest_due_seconds": 90.0}


async def test_metrics_parse_and_count_a_delivered_announcement(db: Database) -> None:
    async with console_session(db) as s:
        await s.run('as Maria\n/delivery dm\nas Ms Lee role=teacher\n/announce text:"Picture day"')
        await s.core.settle()
        text = (await metrics_text(s.core)).decode()
    samples = _samples(text)
    assert samples[("homeroom_deliveries_total", (("mode", "dm"), ("result", "sent")))] == 1.0
    assert samples[("homeroom_events_total", (("kind", "CommandInvoked"),))] == 2.0  # /delivery and /announce
    assert samples[("homeroom_handler_seconds_count", (("kind", "CommandInvoked"),))] == 2.0
    assert samples[("homeroom_jobs_due", ())] == 0.0


async def test_metrics_show_the_translation_service_figures(db: Database) -> None:
    from adapters.console.harness import DEFAULT_START
    from bot.config import Config, Secrets
    from bot.translation.service import TranslationService
    from bot.util.clock import ManualClock

    service = TranslationService(Config().translation, Secrets(), db, ManualClock(DEFAULT_START), config=Config())
    async with console_session(db, translator=service) as s:
        text = (await metrics_text(s.core)).decode()
    samples = _samples(text)
    assert samples[("homeroom_translation_provider_calls_total", ())] == 0.0
    assert ("homeroom_translation_seconds_count", ()) in samples


def test_port_in_use_stops_start_up_in_one_line(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        config = write_config(tmp_path, f"[http]\nenabled = true\nport = {port}\n")
        result = homeroom(["--config", str(config), "run", "--script", "-"], cwd=tmp_path, stdin="")
    assert result.returncode == 2, result.stderr
    assert len(result.stderr_lines) == 1 and f"http.port: cannot listen on 127.0.0.1:{port}" in result.stderr


def test_the_running_process_answers_healthz_and_metrics(tmp_path: Path) -> None:
    port = free_port()
    config = write_config(tmp_path, f"[http]\nenabled = true\nport = {port}\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD", "SLACK"))}
    process = subprocess.Popen([sys.executable, "-m", "bot", "--config", str(config), "run"], cwd=tmp_path,
                               env={**env, "PYTHONPATH": str(ROOT)}, stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        report = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and report is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
                    report = (answer.status, json.loads(answer.read()))
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as answer:
            metrics = answer.read().decode()
    finally:
        process.communicate(input="", timeout=60)
    assert report == (200, {"database": "ok", "jobs": {"due": 0, "oldest_due_seconds": 0.0},
                            "platforms": {"console": "ready"}, "status": "ok"})
    assert ("homeroom_jobs_due", ()) in _samples(metrics)
    assert process.returncode == 0
