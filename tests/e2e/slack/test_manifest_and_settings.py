"""What an operator pastes into api.slack.com/apps (``homeroom slack manifest``) and the
``[slack]`` settings, through the real command line."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from adapters.slack.blocks import fallback_text
from adapters.slack.names import CommandNames
from bot.api.messages import Field, Message
from bot.config import ConfigError, parse_config
from tests.e2e.slack.process import homeroom_command


def _homeroom(folder: Path, config: str, *args: str) -> subprocess.CompletedProcess[str]:
    path = folder / "homeroom.toml"
    path.write_text(f'[database]\nurl = "sqlite+aiosqlite:///{folder / "homeroom.db"}"\n{config}', encoding="utf-8")
    return subprocess.run([*homeroom_command(), "--config", str(path), *args], cwd=folder, capture_output=True,
                          text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> dict:
    folder = tmp_path_factory.mktemp("manifest")
    done = _homeroom(folder, '[slack]\ncommand_prefix = "hr-"\npublic_url = "https://homeroom.school.example"\n',
                     "slack", "manifest")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_every_slash_command_in_the_manifest_carries_the_prefix(manifest: dict) -> None:
    commands = [c["command"] for c in manifest["features"]["slash_commands"]]
    assert "/hr-poll" in commands and "/hr-announce" in commands and "/hr-help" in commands
    assert all(c.startswith("/hr-") for c in commands), commands
    assert all(len(c) <= 32 for c in commands)  # Slack's limit on a command's name


def test_descriptions_name_the_commands_as_typed_with_the_prefix(manifest: dict) -> None:
    signup = next(c for c in manifest["features"]["slash_commands"] if c["command"] == "/hr-signup")
    assert signup["description"].startswith("Homeroom /hr-signup:")


def test_the_app_home_messages_tab_is_on_and_writable(manifest: dict) -> None:
    home = manifest["features"]["app_home"]
    assert home["messages_tab_enabled"] is True
    assert home["messages_tab_read_only_enabled"] is False


def test_every_request_url_is_the_https_public_address(manifest: dict) -> None:
    url = "https://homeroom.school.example/slack/events"
    assert manifest["settings"]["event_subscriptions"]["request_url"] == url
    assert manifest["settings"]["interactivity"]["request_url"] == url
    assert {c["url"] for c in manifest["features"]["slash_commands"]} == {url}


def test_a_public_url_that_is_not_https_is_one_configuration_line(tmp_path: Path) -> None:
    done = _homeroom(tmp_path, '[slack]\npublic_url = "http://homeroom.school.example"\n', "slack", "manifest")
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "homeroom: configuration error: slack.public_url: expected an https:// URL (Slack calls only HTTPS "
        "addresses), such as \"https://homeroom.example.org\" (got 'http://homeroom.school.example')"]
    assert done.stdout == ""


def test_a_command_prefix_slack_would_refuse_is_one_configuration_line(tmp_path: Path) -> None:
    done = _homeroom(tmp_path, '[slack]\ncommand_prefix = "HR "\n', "check-config")
    assert done.returncode == 2
    assert done.stderr.startswith("homeroom: configuration error: slack.command_prefix: expected up to 12 lowercase")


def test_the_api_base_url_gets_the_trailing_slash_the_sdk_needs() -> None:
    assert parse_config({"slack": {"api_base_url": "https://slack-gov.com/api"}}).section("slack").api_base_url == \
        "https://slack-gov.com/api/"


def test_an_api_base_url_without_a_host_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"slack\.api_base_url: expected an http:// or https:// URL"):
        parse_config({"slack": {"api_base_url": "slack.com/api"}})


def test_fallback_text_is_mrkdwn() -> None:
    text = fallback_text(Message(title="Field trip", text="Bring lunch", fields=(Field("When", "Friday"),)))
    assert text == "*Field trip*\nBring lunch\n*When*: Friday"


def test_command_references_get_the_prefix_but_urls_and_longer_words_do_not() -> None:
    names = CommandNames("hr-", ["poll", "help", "signup"])
    assert names.text("Type /help or /signup list. See https://x.example/help and /polls.") == \
        "Type /hr-help or /hr-signup list. See https://x.example/help and /polls."
    assert names.text('Use `/poll question:"Lunch?"`') == 'Use `/hr-poll question:"Lunch?"`'
    assert names.root_of("/hr-poll") == "poll"
