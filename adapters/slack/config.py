"""The Slack adapter's settings (``[slack]``), secrets (``SLACK_*``) and what it cannot start
without (a token or OAuth's client settings, the signing secret in HTTP mode, the app-level
token in Socket Mode). Found by bot/discovery.py; imports no SDK."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.config import ConfigError, check_http_url

if TYPE_CHECKING:
    from bot.config import Config, Secrets

#: read from the environment only, never from the file
SECRETS = {
    "slack_bot_token": "SLACK_BOT_TOKEN",
    "slack_signing_secret": "SLACK_SIGNING_SECRET",
    "slack_app_token": "SLACK_APP_TOKEN",
    "slack_client_secret": "SLACK_CLIENT_SECRET",
}


def _check_https_url(value: str, example: str) -> str:
    """Slack calls request URLs over HTTPS only: an http:// address would be refused when the
    manifest is pasted, far from the line that caused it."""
    checked = check_http_url(value, example)
    if not checked.lower().startswith("https://"):
        raise ValueError(f"an https:// URL (Slack calls only HTTPS addresses), such as \"{example}\"")
    return checked


def _check_api_base_url(value: str) -> str:
    """The Web API's base URL ends with a slash: the SDK appends method names to it."""
    checked = check_http_url(value, "https://slack.com/api/")
    return checked if checked.endswith("/") else checked + "/"


def _check_command_prefix(value: str) -> str:
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,11}|", value):
        raise ValueError("up to 12 lowercase letters, digits, - or _ (such as \"hr-\"), or \"\" for none")
    return value


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)

    mode: Literal["http", "socket"] = "http"
    host: str = "127.0.0.1"
    port: int = Field(default=3000, ge=0, le=65535)
    public_url: str = "https://homeroom.example.org"
    #: Slack's Web API (GovSlack: "https://slack-gov.com/api/")
    api_base_url: str = "https://slack.com/api/"
    #: put before every slash command ("hr-" makes /poll /hr-poll), so names never clash
    #: with another app's in the same workspace
    command_prefix: str = ""
    teacher_users: list[str] = Field(default_factory=list)
    committee_users: list[str] = Field(default_factory=list)
    admin_users: list[str] = Field(default_factory=list)
    #: many workspaces from one deployment: installed through /slack/install (OAuth), each
    #: workspace's bot token kept in the database; SLACK_BOT_TOKEN is then not used
    oauth: bool = False
    #: the app's Client ID (api.slack.com/apps > Basic Information); its secret comes from
    #: SLACK_CLIENT_SECRET
    client_id: str = ""

    _public = field_validator("public_url")(
        classmethod(lambda cls, v: _check_https_url(v, "https://homeroom.example.org")))
    _api = field_validator("api_base_url")(classmethod(lambda cls, v: _check_api_base_url(v)))
    _prefix = field_validator("command_prefix")(classmethod(lambda cls, v: _check_command_prefix(v)))


def configured(secrets: Secrets) -> bool:
    """Started when no ``--adapter`` is given: a bot token, or OAuth's client secret (many
    workspaces, each with its own token in the database)."""
    return bool(secrets.slack_bot_token or secrets.slack_client_secret)


def check_requirements(config: Config, secrets: Secrets) -> None:
    """What the adapter cannot start without, named the way an operator sets it."""
    settings: Section = config.section("slack")
    if settings.oauth:
        if settings.mode != "http":
            raise ConfigError("slack.oauth: needs slack.mode \"http\" (Slack sends installs to /slack/oauth_redirect)")
        if not settings.client_id:
            raise ConfigError("slack.client_id: a value is required when slack.oauth is true (api.slack.com/apps > "
                              "Basic Information > App Credentials)")
        if not secrets.slack_client_secret:
            raise ConfigError("SLACK_CLIENT_SECRET: environment variable required when slack.oauth is true")
        if "public_url" not in settings.model_fields_set:
            raise ConfigError("slack.public_url: a value is required when slack.oauth is true (Slack sends each "
                              "install back to <public_url>/slack/oauth_redirect)")
    elif not secrets.slack_bot_token:
        raise ConfigError("SLACK_BOT_TOKEN: environment variable required for the slack adapter")
    if settings.mode == "http" and not secrets.slack_signing_secret:
        raise ConfigError("SLACK_SIGNING_SECRET: environment variable required when slack.mode is \"http\"")
    if settings.mode == "socket" and not secrets.slack_app_token:
        raise ConfigError("SLACK_APP_TOKEN: environment variable required when slack.mode is \"socket\"")
