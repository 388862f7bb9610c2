"""Platform 429s on /metrics: discord.py and slack_sdk wait them out inside the SDKs, and the
adapters count each one (``homeroom_platform_rate_limited_total{platform, route}``) through
the SDKs' public signals. Counted against the e2e fakes, which answer 429 the way Discord and
Slack document it, and read back from a real process's /metrics."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from adapters.discord.ratelimits import LOGGER, RateLimitCounter, route_template
from adapters.slack.ratelimits import api_method
from bot.api.outbound import RATE_LIMITED
from bot.runtime.metrics import Metrics
from tests.e2e.discord.conftest import start_room
from tests.e2e.discord.process import wait_for
from tests.e2e.discord.room import Room
from tests.e2e.slack.fake_slack import CHANNELS, FakeSlack
from tests.e2e.slack.process import Slack, SlackProcess, eventually
from tests.net import free_port

TEACHER = "UTEACH429"
DISCORD_WARNING = "We are being rate limited. %s %s responded with 429. Retrying in %.2f seconds."


def rate_limited(port: int) -> dict[tuple[str, str], float]:
    """(platform, route) → count, as the process's /metrics shows it."""
    body = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text
    counts: dict[tuple[str, str], float] = {}
    for family in text_string_to_metric_families(body):
        for sample in family.samples:
            if sample.name == RATE_LIMITED:
                counts[(sample.labels["platform"], sample.labels["route"])] = sample.value
    return counts


# ----- the labels hold templates, never ids or tokens ------------------------------------------

def test_a_discord_route_label_replaces_ids_with_placeholders() -> None:
    url = "https://discord.com/api/v10/channels/1234567890123456/messages/98765432101234567"
    assert route_template("patch", url) == "PATCH /channels/{id}/messages/{id}"


def test_a_discord_route_label_never_holds_an_interaction_token() -> None:
    url = "http://127.0.0.1:5555/api/v10/webhooks/111222333444/aW50ZXJhY3Rpb246c2VjcmV0/messages/@original"
    assert route_template("PATCH", url) == "PATCH /webhooks/{id}/{token}/messages/@original"


def test_a_discord_route_label_never_holds_the_emoji_or_a_query() -> None:
    url = "https://discord.com/api/v10/channels/12/messages/34/reactions/%F0%9F%91%8D/@me?after=56"
    assert route_template("PUT", url) == "PUT /channels/{id}/messages/{id}/reactions/{emoji}/@me"


def test_a_slack_route_label_is_the_web_api_method() -> None:
    assert api_method("https://slack.com/api/chat.postMessage") == "chat.postMessage"
    assert api_method("http://127.0.0.1:4000/api/not a method") == "other"


# ----- discord.py's log line is counted even when the operator hides it ------------------------

@pytest.fixture
def quiet_discord_http() -> Iterator[logging.Logger]:
    logger = logging.getLogger(LOGGER)
    level = logger.level
    logger.setLevel(logging.ERROR)  # an operator running at ERROR
    try:
        yield logger
    finally:
        logger.setLevel(level)


def test_a_429_discord_py_logs_is_counted_though_the_operators_level_hides_it(
        quiet_discord_http: logging.Logger, caplog: pytest.LogCaptureFixture) -> None:
    metrics = Metrics()
    counter = RateLimitCounter(metrics)
    counter.install()
    try:
        with caplog.at_level(logging.DEBUG, logger="homeroom-unrelated"):
            quiet_discord_http.warning(DISCORD_WARNING, "POST", "https://discord.com/api/v10/channels/42/messages",
                                       0.5)
    finally:
        counter.uninstall()
    assert metrics.value(RATE_LIMITED, platform="discord", route="POST /channels/{id}/messages") == 1
    assert not [r for r in caplog.records if r.name == LOGGER]  # not shown: the operator chose ERROR
    assert quiet_discord_http.level == logging.ERROR  # and the level is the operator's again


# ----- a real process against the e2e fakes ----------------------------------------------------

@pytest.fixture(scope="module")
def discord_room(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Room]:
    fake, bot = start_room(tmp_path_factory.mktemp("discord-429"))
    try:
        yield Room(fake, bot)
    finally:
        bot.terminate()
        fake.stop()


def test_a_discord_per_route_429_shows_on_metrics_by_route(discord_room: Room) -> None:
    room = discord_room
    teacher = room.fake.person("Ms Okafor", "Teacher")
    route = ("discord", "POST /channels/{id}/messages")
    before = rate_limited(room.bot.http_port).get(route, 0)
    room.fake.limit_route("POST", "/channels/", times=1, retry_after=0.3)
    room.command(teacher, "announce", text="Library books are due Friday.")
    room.card("Library books are due Friday")
    assert rate_limited(room.bot.http_port).get(route, 0) == before + 1


def test_discord_global_429s_show_on_metrics_one_for_each(discord_room: Room) -> None:
    room = discord_room
    teacher = room.fake.person("Mr Haddad", "Teacher")
    before = sum(v for (platform, _), v in rate_limited(room.bot.http_port).items() if platform == "discord")
    refused = room.fake.global_429s
    room.fake.refuse_globally(2)
    room.command(teacher, "announce", text="Choir practice moved to Tuesday.")
    room.card("Choir practice moved to Tuesday")
    wait_for(lambda: room.fake.global_429s == refused + 2, describe="both global 429s")
    after = sum(v for (platform, _), v in rate_limited(room.bot.http_port).items() if platform == "discord")
    assert after == before + 2


@pytest.fixture(scope="module")
def slack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Slack]:
    folder: Path = tmp_path_factory.mktemp("slack-429")
    fake = FakeSlack()
    fake.start()
    process = SlackProcess(folder, fake, database_url=f"sqlite+aiosqlite:///{folder / 'homeroom.db'}",
                           slack=f'command_prefix = "hr-"\nteacher_users = ["{TEACHER}"]\n', http_port=free_port())
    try:
        process.wait_ready()
        yield Slack(process)
    finally:
        process.stop()
        fake.stop()


def _metrics_port(slack: Slack) -> int:
    line = slack.process.wait_for_log("health and metrics on")
    return int(line.split("/healthz")[0].rsplit(":", 1)[1])


def test_a_slack_429_shows_on_metrics_by_api_method(slack: Slack) -> None:
    port = _metrics_port(slack)
    route = ("slack", "chat.postMessage")
    before = rate_limited(port).get(route, 0)
    text = f"Field trip forms {uuid.uuid4().hex[:6]}"
    slack.fake.fail("chat.postMessage", "ratelimited", status=429, retry_after=1,
                    when=lambda args: text in str(args.get("text")))
    if TEACHER not in slack.fake.users:
        slack.fake.add_user(TEACHER, "Ms Rivera")
    assert slack.command(TEACHER, "/hr-announce", f'text:"{text}"').status_code == 200
    eventually(lambda: [p for p in slack.fake.posts(CHANNELS["announcements"]) if text in p["text"]],
               "the announcement after the 429")
    assert rate_limited(port).get(route, 0) == before + 1
