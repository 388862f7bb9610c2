"""``homeroom run --adapter slack`` in Socket Mode: the process opens the websocket the fake
hands out from ``apps.connections.open``, receives ``hello`` and envelopes, acknowledges
each by its ``envelope_id``, reconnects when told to refresh, and, when it cannot connect,
says so in one line per attempt.

Socket Mode changes how requests arrive, not what is stored, so these run on SQLite; the
HTTP-mode module runs the same features on both databases.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.slack.fake_slack import CHANNELS, FakeSlack
from tests.e2e.slack.process import Slack, SlackProcess, database, eventually

TEACHER = "USOCKTEACH"
SLACK_CONFIG = f'teacher_users = ["{TEACHER}"]\n'


@pytest.fixture(scope="module")
def socket_process(fake: FakeSlack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SlackProcess]:
    folder = tmp_path_factory.mktemp("slack-socket")
    fake.add_user(TEACHER, "Mr Okafor")
    with database("sqlite", folder) as url:
        started = SlackProcess(folder, fake, database_url=url, mode="socket", slack=SLACK_CONFIG)
        try:
            started.wait_ready()
            yield started
        finally:
            started.stop()


@pytest.fixture
def slack(socket_process: SlackProcess) -> Slack:
    return Slack(socket_process)


def _family(fake: FakeSlack) -> str:
    user = f"U{uuid.uuid4().hex[:9].upper()}"
    fake.add_user(user, f"Family {user[-4:]}")
    return user


def _acked(fake: FakeSlack, envelope_id: str) -> list[dict[str, Any]]:
    return [a for a in list(fake.acks) if a["envelope_id"] == envelope_id]


def test_the_connection_starts_with_hello_from_a_url_issued_with_the_app_token(slack: Slack) -> None:
    opened = [c for c in slack.fake.calls if c.method == "apps.connections.open"]
    assert opened and opened[0].token.startswith("xapp-")
    assert slack.fake.open_sockets()
    assert "will be unused" not in slack.process.log


def test_a_slash_command_envelope_is_acknowledged_by_its_id_and_answered(slack: Slack) -> None:
    family = _family(slack.fake)
    envelope = slack.fake.send_envelope("slash_commands", slack.command_body(family, "/language", "name:français"))
    eventually(lambda: _acked(slack.fake, envelope), "the envelope's acknowledgement")
    [answer] = eventually(lambda: slack.fake.ephemerals(family), "the answer to /language")
    assert "français" in answer


def test_an_event_envelope_sent_again_is_handled_once(slack: Slack) -> None:
    slack.fake.send_envelope("slash_commands", slack.command_body(TEACHER, "/help"))  # the teacher is known
    eventually(lambda: slack.fake.ephemerals(TEACHER), "the teacher's /help")
    family = _family(slack.fake)
    slack.fake.send_envelope("slash_commands", slack.command_body(family, "/help"))  # joins the community
    eventually(lambda: slack.fake.ephemerals(family), "the family's /help")
    ts = f"{int(time.time())}.000{uuid.uuid4().int % 1000:03d}"
    body = slack.event_body({"type": "message", "channel_type": "im", "channel": f"D{family}", "user": family,
                             "text": "Is the bus late today?", "ts": ts, "event_ts": ts})
    first = slack.fake.send_envelope("events_api", body)
    again = slack.fake.send_envelope("events_api", body, retry_attempt=1, retry_reason="timeout")
    eventually(lambda: _acked(slack.fake, first) and _acked(slack.fake, again), "both acknowledgements")
    eventually(lambda: [p for p in slack.fake.posts(f"D{TEACHER}") if "Is the bus late today?" in p["text"]],
               "the question relayed to the teacher")
    time.sleep(1.0)  # room for a second copy, were there one
    assert len([p for p in slack.fake.posts(f"D{TEACHER}") if "Is the bus late today?" in p["text"]]) == 1


def test_a_button_press_envelope_reaches_the_feature(slack: Slack) -> None:
    text = f"Library day {uuid.uuid4().hex[:6]}"
    slack.fake.send_envelope("slash_commands", slack.command_body(TEACHER, "/announce", f'text:"{text}"'))
    post = eventually(lambda: next((p for p in slack.fake.posts(CHANNELS["announcements"]) if text in p["text"]),
                                   None), "the announcement")
    got_it = next(e for b in post["blocks"] for e in b.get("elements", [])
                  if e.get("type") == "button" and e["text"]["text"].startswith("Got it"))
    family = _family(slack.fake)
    payload = {"type": "block_actions", "team": {"id": "T0E2E"}, "user": {"id": family}, "api_app_id": "A0E2E",
               "trigger_id": "trig.1", "container": {"type": "message", "message_ts": post["_ts"],
                                                    "channel_id": CHANNELS["announcements"]},
               "channel": {"id": CHANNELS["announcements"]},
               "response_url": f"{slack.fake.url}response/{family}-1",
               "actions": [{"type": "button", "action_id": got_it["action_id"], "value": got_it["value"],
                            "action_ts": str(time.time())}]}
    envelope = slack.fake.send_envelope("interactive", payload)
    eventually(lambda: _acked(slack.fake, envelope), "the acknowledgement")
    [answer] = eventually(lambda: slack.fake.ephemerals(family), "the Got it answer")
    assert answer.startswith("Thank you!")


def test_a_disconnect_asking_for_a_refresh_makes_a_new_connection_that_is_served(slack: Slack) -> None:
    connections = len(slack.fake.sockets)
    urls = len(slack.fake.called("apps.connections.open"))
    slack.fake.send_disconnect("refresh_requested")
    eventually(lambda: len(slack.fake.sockets) > connections and slack.fake.sockets[-1] in slack.fake.open_sockets(),
               "a new connection")
    assert len(slack.fake.called("apps.connections.open")) > urls  # a fresh URL, not the old one again
    family = _family(slack.fake)
    envelope = slack.fake.send_envelope("slash_commands", slack.command_body(family, "/help"))
    eventually(lambda: _acked(slack.fake, envelope), "the acknowledgement on the new connection")
    assert eventually(lambda: slack.fake.ephemerals(family), "the answer on the new connection")


def test_socket_mode_that_cannot_connect_logs_one_line_per_attempt(tmp_path: Path) -> None:
    refusing = FakeSlack()
    refusing.refuse_socket = "internal_error"
    refusing.start()
    try:
        with database("sqlite", tmp_path) as url:
            started = SlackProcess(tmp_path, refusing, database_url=url, mode="socket")
            try:
                eventually(lambda: len([line for line in list(started.lines) if "cannot connect to Socket Mode"
                                        in line]) >= 2, "two connection attempts", timeout=90)
            finally:
                started.stop()
    finally:
        refusing.stop()
    attempts = [line for line in started.lines if "cannot connect to Socket Mode" in line]
    assert all("Slack answered internal_error" in line and "retrying" in line for line in attempts)
    assert "Traceback" not in started.log
    assert "Failed to retrieve WSS URL" not in started.log
    assert not any(line.startswith(("  File ", "    ")) for line in started.lines)


def test_an_app_token_slack_rejects_ends_the_start_with_one_line(tmp_path: Path) -> None:
    server = FakeSlack()
    server.start()
    try:
        with database("sqlite", tmp_path) as url:
            started = SlackProcess(tmp_path, server, database_url=url, mode="socket",
                                   env={"SLACK_APP_TOKEN": "xapp-revoked-long-ago"})
            code = started.proc.wait(90)
            started.stop()
    finally:
        server.stop()
    assert code == 2
    problems = [line for line in started.lines if line.startswith("homeroom:")]
    assert problems == ["homeroom: SLACK_APP_TOKEN: Slack did not accept the token (invalid_auth); create an "
                        "app-level token (xapp-...) with connections:write at api.slack.com/apps > Basic "
                        "Information > App-Level Tokens"]
    assert "xapp-revoked-long-ago" not in started.log
    assert [c.method for c in server.calls] == ["auth.test", "apps.connections.open"]
