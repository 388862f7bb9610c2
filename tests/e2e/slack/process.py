"""The real ``homeroom run --adapter slack`` process against the fake Slack, and Slack's side
of the conversation: requests signed the way Slack signs them (v0 HMAC-SHA256 of
``v0:<timestamp>:<body>`` with the signing secret), posted to the process over HTTP.

Nothing in the process is patched: the configuration points ``[slack] api_base_url`` and the
translation provider at the fake, exactly as an operator would point them at GovSlack or a
LibreTranslate server.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import requests
from slack_sdk.signature import SignatureVerifier

from tests.e2e.slack.fake_slack import APP_TOKEN, BOT_TOKEN, CHANNELS, SIGNING_SECRET, TEAM, FakeSlack

ROOT = Path(__file__).resolve().parents[3]
#: generous bounds for a loaded CI machine; waits end as soon as the condition holds
START_TIMEOUT = 90.0
WAIT_TIMEOUT = 30.0
_LISTENING = re.compile(r"slack: listening on [\d.]+:(\d+)")


def eventually(check: Callable[[], Any], what: str, timeout: float = WAIT_TIMEOUT) -> Any:
    """The first truthy value of ``check()``, polled until ``timeout``; fails naming ``what``."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)


def homeroom_command() -> list[str]:
    """The installed ``homeroom`` script next to this interpreter, as an operator runs it."""
    script = Path(sys.executable).with_name("homeroom")
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot"]


class SlackProcess:
    """One ``homeroom run --adapter slack`` process; its log lines are collected as they come."""

    def __init__(self, folder: Path, fake: FakeSlack, *, database_url: str, mode: str = "http",
                 config: str = "", slack: str = "", env: dict[str, str] | None = None,
                 http_port: int | None = None) -> None:
        self.folder = folder
        self.fake = fake
        self.mode = mode
        self.config_path = folder / "homeroom.toml"
        self.config_path.write_text(_config(fake, database_url, mode, slack, http_port) + config, encoding="utf-8")
        self.lines: list[str] = []
        self.port: int | None = None
        environ = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "HOMEROOM_"))}
        environ.update({"SLACK_BOT_TOKEN": BOT_TOKEN, "PYTHONUNBUFFERED": "1"})
        environ.update({"SLACK_SIGNING_SECRET": SIGNING_SECRET} if mode == "http" else {"SLACK_APP_TOKEN": APP_TOKEN})
        environ.update(env or {})
        self.proc = subprocess.Popen([*homeroom_command(), "--config", str(self.config_path), "run", "--adapter",
                                      "slack"], cwd=folder, env=environ, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))
            found = _LISTENING.search(line)
            if found:
                self.port = int(found.group(1))

    @property
    def log(self) -> str:
        return "\n".join(self.lines)

    def wait_for_log(self, text: str, timeout: float = WAIT_TIMEOUT) -> str:
        def find() -> str | None:
            if self.proc.poll() is not None and not self._reader.is_alive():
                raise AssertionError(f"homeroom exited ({self.proc.returncode}) before logging {text!r}:\n{self.log}")
            return next((line for line in list(self.lines) if text in line), None)

        return str(eventually(find, f"log line {text!r}", timeout))

    def wait_ready(self) -> None:
        if self.mode == "http":
            self.wait_for_log("slack: listening on", START_TIMEOUT)
        else:
            self.wait_for_log("has been established", START_TIMEOUT)

    @property
    def url(self) -> str:
        assert self.port is not None
        return f"http://127.0.0.1:{self.port}/slack/events"

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self._reader.join(10)
        return self.proc.returncode


def _quiet_hours_far_from_now() -> str:
    """One minute of quiet hours twelve hours from now (UTC): the process runs on the real
    clock, and a DM held for quiet hours would look like a DM never sent."""
    from datetime import UTC, datetime, timedelta

    start = datetime.now(UTC) + timedelta(hours=12)
    return f"{start:%H:%M}-{start + timedelta(minutes=1):%H:%M}"


def _config(fake: FakeSlack, database_url: str, mode: str, slack: str, http_port: int | None = None) -> str:
    # the operator's /healthz and /metrics: off unless a test asks for a port of its own
    http = f"port = {http_port}" if http_port else "enabled = false"
    return f"""[homeroom]
log_level = "INFO"
timezone = "UTC"
quiet_hours = "{_quiet_hours_far_from_now()}"

[database]
url = "{database_url}"

[slack]
mode = "{mode}"
port = 0
api_base_url = "{fake.api_url}"
{slack}

[translation]
provider = "libre"
libre_url = "{fake.url}"
timeout_seconds = 5

[jobs]
poll_seconds = 0.2

[http]
{http}

[signups]
card_edit_delay_seconds = 0.2

"""


# ----- Slack's requests to the app --------------------------------------------------------------

def signed_headers(body: str, content_type: str, *, age: int = 0, secret: str = SIGNING_SECRET) -> dict[str, str]:
    timestamp = str(int(time.time()) - age)
    return {"Content-Type": content_type, "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": SignatureVerifier(secret).generate_signature(timestamp=timestamp, body=body)}


class Slack:
    """What Slack sends to an app in HTTP mode: slash commands (form-encoded), Events API
    callbacks (JSON, redelivered with X-Slack-Retry-Num), and interactivity payloads
    (``payload=<json>``, form-encoded)."""

    def __init__(self, process: SlackProcess) -> None:
        self.process = process
        self.fake = process.fake
        self.http = requests.Session()

    def post(self, body: str, headers: dict[str, str]) -> requests.Response:
        return self.http.post(self.process.url, data=body.encode(), headers=headers, timeout=30)

    def command_body(self, user: str, command: str, text: str = "", *, channel: str = "general",
                     response_url: str | None = None) -> dict[str, str]:
        channel_id = CHANNELS.get(channel, channel)
        return {"token": "deprecated", "team_id": TEAM, "team_domain": "school", "channel_id": channel_id,
                "channel_name": "directmessage" if channel_id.startswith("D") else channel, "user_id": user,
                "user_name": self.fake.users[user]["name"], "command": command, "text": text, "api_app_id": "A0E2E",
                "is_enterprise_install": "false",
                "response_url": response_url or f"{self.fake.url}response/{user}-{uuid.uuid4().hex[:8]}",
                "trigger_id": f"{int(time.time())}.{uuid.uuid4().int % 10**12}.{uuid.uuid4().hex}"}

    def command(self, user: str, command: str, text: str = "", **kwargs: Any) -> requests.Response:
        body = urlencode(self.command_body(user, command, text, **kwargs))
        return self.post(body, signed_headers(body, "application/x-www-form-urlencoded"))

    def event_body(self, event: dict[str, Any], event_id: str | None = None) -> dict[str, Any]:
        return {"token": "deprecated", "team_id": TEAM, "api_app_id": "A0E2E", "type": "event_callback",
                "event_id": event_id or f"Ev{uuid.uuid4().hex[:10].upper()}", "event_time": int(time.time()),
                "authorizations": [{"team_id": TEAM, "user_id": "UBOT", "is_bot": True}], "event": event}

    def event(self, event: dict[str, Any], *, event_id: str | None = None, retry: int | None = None,
              reason: str = "http_timeout") -> requests.Response:
        body = json.dumps(self.event_body(event, event_id))
        headers = signed_headers(body, "application/json")
        if retry is not None:
            headers.update({"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": reason})
        return self.post(body, headers)

    def interactive(self, payload: dict[str, Any]) -> requests.Response:
        body = urlencode({"payload": json.dumps(payload)})
        return self.post(body, signed_headers(body, "application/x-www-form-urlencoded"))

    def block_action(self, user: str, channel: str, ts: str, action_id: str, value: str, *,
                     kind: str = "button") -> requests.Response:
        action: dict[str, Any] = {"type": kind, "action_id": action_id, "block_id": "b", "action_ts": str(time.time())}
        if kind == "static_select":
            action["selected_option"] = {"text": {"type": "plain_text", "text": value}, "value": value}
        else:
            action["value"] = value
        return self.interactive({
            "type": "block_actions", "team": {"id": TEAM, "domain": "school"},
            "user": {"id": user, "username": self.fake.users[user]["name"], "team_id": TEAM},
            "api_app_id": "A0E2E", "token": "deprecated", "trigger_id": f"trig.{uuid.uuid4().hex}",
            "container": {"type": "message", "message_ts": ts, "channel_id": channel, "is_ephemeral": False},
            "channel": {"id": channel}, "message": {"ts": ts, "type": "message"},
            "response_url": f"{self.fake.url}response/{user}-{uuid.uuid4().hex[:8]}", "actions": [action]})

    def view_submission(self, user: str, view: dict[str, Any], values: dict[str, str], *,
                        view_id: str = "V0001") -> requests.Response:
        state = {block: {"value": {"type": "plain_text_input", "value": value}} for block, value in values.items()}
        return self.interactive({
            "type": "view_submission", "team": {"id": TEAM, "domain": "school"},
            "user": {"id": user, "username": self.fake.users[user]["name"], "team_id": TEAM},
            "api_app_id": "A0E2E", "token": "deprecated", "trigger_id": f"trig.{uuid.uuid4().hex}",
            "view": {**view, "id": view_id, "hash": uuid.uuid4().hex[:8], "state": {"values": state}}})

    def dm(self, user: str, text: str) -> requests.Response:
        ts = f"{int(time.time())}.{uuid.uuid4().int % 10**6:06d}"
        return self.event({"type": "message", "channel_type": "im", "channel": f"D{user}", "user": user,
                           "text": text, "ts": ts, "event_ts": ts})

    def react(self, user: str, channel: str, ts: str, name: str, *, event_id: str | None = None,
              retry: int | None = None) -> requests.Response:
        if retry is None:
            self.fake.react(channel, ts, name, user)
        return self.event({"type": "reaction_added", "user": user, "reaction": name, "item_user": "UBOT",
                           "item": {"type": "message", "channel": channel, "ts": ts},
                           "event_ts": f"{time.time():.6f}"}, event_id=event_id, retry=retry)


# ----- databases ------------------------------------------------------------------------------------

@contextlib.contextmanager
def database(backend: str, folder: Path) -> Iterator[str]:
    """An empty database for one process (its migrations run at start): a SQLite file, or a
    PostgreSQL database of its own, dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{folder / 'homeroom.db'}"
        return
    from tests.e2e.databases import empty_postgres_database

    with empty_postgres_database() as url:
        yield url


def remove_tree(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
