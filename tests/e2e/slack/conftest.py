"""One fake Slack and one real ``homeroom`` process per test module and database backend:
a process start costs seconds, so the tests of a module share it and use people of their own
(user ids are per test), which keeps what one test sees apart from the next."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.slack.fake_slack import FakeSlack
from tests.e2e.slack.process import Slack, SlackProcess, database


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeSlack]:
    server = FakeSlack()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def process(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SlackProcess]:
    """The process of this module and backend, with a fake Slack of its own (so nothing one
    backend's run left in the fake is seen by the other's)."""
    folder: Path = tmp_path_factory.mktemp(f"slack-{request.param}")
    config = getattr(request.module, "PROCESS_CONFIG", "")
    slack = getattr(request.module, "SLACK_CONFIG", "")
    own = FakeSlack()
    own.start()
    try:
        with database(request.param, folder) as url:
            started = SlackProcess(folder, own, database_url=url, config=config, slack=slack,
                                   env=getattr(request.module, "PROCESS_ENV", None))
            try:
                started.wait_ready()
                yield started
            finally:
                started.stop()
    finally:
        own.stop()


@pytest.fixture
def slack(process: SlackProcess) -> Slack:
    return Slack(process)
