"""Configuration: read once at start-up, validated, then passed in (never imported as a global).

Files are TOML (``./homeroom.toml``, ``--config PATH`` or ``$HOMEROOM_CONFIG``); secrets come
only from environment variables (:class:`Secrets`). Any mistake becomes one
:class:`ConfigError` line that names the key and what is expected, so an operator never
sees a traceback for a typo.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from dataclasses import dataclass
from datetime import time
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator, model_validator

DEFAULT_CONFIG_NAME = "homeroom.toml"
CONFIG_ENV = "HOMEROOM_CONFIG"


class ConfigError(Exception):
    """One line naming the key and what is expected."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)


def _check_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError("an IANA time zone such as \"America/New_York\"") from exc
    return value


def check_clock(value: str) -> str:
    """A validator for a time-of-day setting (core or a cog's section)."""
    if not re.fullmatch(r"([01]?\d|2[0-3]):[0-5]\d", value):
        raise ValueError("a time of day as HH:MM, such as \"18:00\"")
    return value


def _check_range(value: str) -> str:
    parts = value.split("-")
    if len(parts) != 2:
        raise ValueError("a range of two times as HH:MM-HH:MM, such as \"21:00-07:00\"")
    for part in parts:
        check_clock(part.strip())
    return value


def _check_http_url(value: str, example: str) -> str:
    """An absolute http(s) URL with a host: anything else would fail only at the first
    request, far from the configuration line that caused it."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(value.strip())
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"an http:// or https:// URL with a host, such as \"{example}\"")
    return value.strip()


def parse_clock(value: str) -> time:
    hour, minute = value.split(":")
    return time(int(hour), int(minute))


class HomeroomSection(_Section):
    """Defaults for every community; a community may override them under [communities]."""

    default_language: str = "en"
    timezone: str = "America/New_York"
    quiet_hours: str = "21:00-07:00"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["text", "json"] = "text"

    _zone = field_validator("timezone")(classmethod(lambda cls, v: _check_zone(v)))
    _quiet = field_validator("quiet_hours")(classmethod(lambda cls, v: _check_range(v)))


class DatabaseSection(_Section):
    url: str = "sqlite+aiosqlite:///./homeroom.db"
    echo: bool = False
    pool_size: int = Field(default=5, ge=1, le=100)

    @field_validator("url")
    @classmethod
    def _known_driver(cls, v: str) -> str:
        if not (v.startswith("sqlite+aiosqlite://") or v.startswith("postgresql+asyncpg://")):
            raise ValueError("a URL starting with sqlite+aiosqlite:// or postgresql+asyncpg://")
        return v


class ChannelsSection(_Section):
    """Channel names the bot uses in each community (without the #)."""

    announcements: str = "announcements"
    general: str = "general"
    committee: str = "committee"
    staff: str = "staff"


class ConsoleSection(_Section):
    community_name: str = "Room 12"
    history_file: str = ""
    #: where the console records each direct message it delivered, by delivery key, so a
    #: restart after a crash never delivers one twice ("" keeps the record in memory)
    journal_file: str = ""
    #: folder where the console writes the files the bot sends (a roster, a chart) so a
    #: person can open them ("" means homeroom-files beside the journal, or ./homeroom-files)
    files_dir: str = ""


class TranslationSection(_Section):
    provider: Literal["google", "deepl", "microsoft", "libre", "mymemory"] = "google"
    timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    max_concurrency: int = Field(default=16, ge=1, le=64)
    retries: int = Field(default=3, ge=0, le=10)
    breaker_failures: int = Field(default=5, ge=1, le=100)
    breaker_reset_seconds: float = Field(default=60.0, gt=0, le=3600)
    cache_memory_entries: int = Field(default=5000, ge=0, le=1_000_000)
    libre_url: str = ""
    microsoft_region: str = ""
    deepl_free_api: bool = True
    detection_min_relative_distance: float = Field(default=0.25, ge=0, le=1)

    @field_validator("libre_url")
    @classmethod
    def _libre_url(cls, v: str) -> str:
        return _check_http_url(v, "http://libretranslate:5000") if v.strip() else ""


class AnnouncementsSection(_Section):
    digest_time: str = "18:00"

    _digest = field_validator("digest_time")(classmethod(lambda cls, v: check_clock(v)))


class AttachmentsSection(_Section):
    """Files shared with a command (a flyer on /announce): checked before anything is posted."""

    max_bytes: int = Field(default=10 * 1024 * 1024, ge=1, le=1024 * 1024 * 1024)
    types: list[str] = Field(default_factory=lambda: ["image/png", "image/jpeg", "image/gif", "image/webp",
                                                      "application/pdf"], min_length=1)


class SignupsSection(_Section):
    reminders: str = "24h,1h"
    card_edit_delay_seconds: float = Field(default=2.0, ge=0, le=60)
    max_capacity: int = Field(default=500, ge=1, le=10_000)


class RelaySection(_Section):
    mode: Literal["dm", "thread"] = "dm"
    questions_per_hour: int = Field(default=5, ge=1, le=1000)


class DiscordSection(_Section):
    sync: Literal["guild", "global", "off"] = "global"
    guild_ids: list[int] = Field(default_factory=list)
    sharded: bool = False
    #: with several processes: how many shards in all (0: as many as Discord recommends) and
    #: which of them this process runs (empty: all). Each process gets its own shard_ids.
    shard_count: int = Field(default=0, ge=0, le=10000)
    shard_ids: list[int] = Field(default_factory=list)
    teacher_roles: list[str] = Field(default_factory=lambda: ["Teacher"])
    committee_roles: list[str] = Field(default_factory=lambda: ["Committee"])
    admin_roles: list[str] = Field(default_factory=lambda: ["Admin"])
    #: Discord publishes one hard number for a bot's REST traffic, 50 requests per second across
    #: all routes (developer docs, "Rate Limits": the global limit; 3,000 a minute is the cap
    #: here), and no DM rate: its anti-spam systems quarantine bots that DM many people fast.
    #: One DM a second uses at most 2 of those 50 requests (a first DM opens the channel),
    #: leaves the rest to interactions, posts and edits, and reaches 500 families in ~8.5 min.
    dm_per_minute: int = Field(default=60, ge=1, le=3000)
    #: the privileged Server Members intent: hear when someone leaves the server
    members_intent: bool = False
    #: the privileged Message Content intent: read teachers' answers written in relay threads
    message_content_intent: bool = False
    #: where Discord's REST API and gateway are (a proxy in front of Discord, or a test
    #: double); the defaults are Discord's own
    api_base_url: str = "https://discord.com/api/v10"
    gateway_url: str = "wss://gateway.discord.gg/"

    @field_validator("api_base_url")
    @classmethod
    def _api_base_url(cls, v: str) -> str:
        return _check_http_url(v, "https://discord.com/api/v10").rstrip("/")

    @field_validator("gateway_url")
    @classmethod
    def _gateway_url(cls, v: str) -> str:
        from urllib.parse import urlsplit

        parts = urlsplit(v.strip())
        if parts.scheme not in ("ws", "wss") or not parts.hostname:
            raise ValueError("a ws:// or wss:// URL with a host, such as \"wss://gateway.discord.gg/\"")
        return v.strip()


    @model_validator(mode="after")
    def _shards(self) -> DiscordSection:
        if self.shard_ids and not self.shard_count:
            raise ValueError("shard_count set with shard_ids (the number of shards across every process)")
        wrong = [i for i in self.shard_ids if i >= self.shard_count] if self.shard_ids else []
        if wrong:
            raise ValueError(f"every shard id below shard_count {self.shard_count} (got {wrong[0]})")
        return self


def _check_https_url(value: str, example: str) -> str:
    """Slack calls request URLs over HTTPS only: an http:// address would be refused when the
    manifest is pasted, far from the line that caused it."""
    checked = _check_http_url(value, example)
    if not checked.lower().startswith("https://"):
        raise ValueError(f"an https:// URL (Slack calls only HTTPS addresses), such as \"{example}\"")
    return checked


def _check_api_base_url(value: str) -> str:
    """The Web API's base URL ends with a slash: the SDK appends method names to it."""
    checked = _check_http_url(value, "https://slack.com/api/")
    return checked if checked.endswith("/") else checked + "/"


def _check_command_prefix(value: str) -> str:
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,11}|", value):
        raise ValueError("up to 12 lowercase letters, digits, - or _ (such as \"hr-\"), or \"\" for none")
    return value


class SlackSection(_Section):
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


class RetentionSection(_Section):
    """How long personal data is kept, in days (see docs/privacy.md)."""

    questions_days: int = Field(default=365, ge=1, le=3650)
    deliveries_days: int = Field(default=365, ge=1, le=3650)
    translation_cache_days: int = Field(default=90, ge=1, le=3650)
    audit_days: int = Field(default=365, ge=1, le=3650)
    processed_events_days: int = Field(default=7, ge=1, le=365)
    purge_time: str = "03:00"

    _purge = field_validator("purge_time")(classmethod(lambda cls, v: check_clock(v)))


class JobsSection(_Section):
    poll_seconds: float = Field(default=1.0, gt=0, le=60)
    lease_seconds: float = Field(default=120.0, gt=0, le=3600)
    max_attempts: int = Field(default=6, ge=1, le=100)
    batch_size: int = Field(default=20, ge=1, le=1000)


class CommunitySection(_Section):
    """Overrides for one community, keyed "<platform>:<id>" (e.g. "discord:123456")."""

    default_language: str | None = None
    timezone: str | None = None
    translation_provider: Literal["google", "deepl", "microsoft", "libre", "mymemory"] | None = None
    announcement_channel: str | None = None
    staff_channel: str | None = None
    committee_channel: str | None = None
    digest_time: str | None = None
    relay_mode: Literal["dm", "thread"] | None = None


class HttpSection(_Section):
    """The operator's endpoints /healthz and /metrics (bot/http_server.py)."""

    #: "auto": on when a platform adapter runs, off for the console alone
    enabled: bool | Literal["auto"] = "auto"
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=1, le=65535)

    def serves(self, adapters: list[str], embedded: str) -> bool:
        return adapters != [embedded] if self.enabled == "auto" else bool(self.enabled)


class CogsSection(_Section):
    """Which features run: every folder under cogs/ is loaded unless it is switched off here."""

    disabled: list[str] = Field(default_factory=list)


class Config(_Section):
    """The whole configuration. The core's sections are declared here; a cog declares its own
    section in its ``config.py`` (a ``Section`` model), validated by :func:`parse_config`."""

    model_config = ConfigDict(extra="allow", frozen=True, strict=False)

    homeroom: HomeroomSection = Field(default_factory=HomeroomSection)
    database: DatabaseSection = Field(default_factory=DatabaseSection)
    channels: ChannelsSection = Field(default_factory=ChannelsSection)
    console: ConsoleSection = Field(default_factory=ConsoleSection)
    translation: TranslationSection = Field(default_factory=TranslationSection)
    announcements: AnnouncementsSection = Field(default_factory=AnnouncementsSection)
    attachments: AttachmentsSection = Field(default_factory=AttachmentsSection)
    signups: SignupsSection = Field(default_factory=SignupsSection)
    relay: RelaySection = Field(default_factory=RelaySection)
    discord: DiscordSection = Field(default_factory=DiscordSection)
    slack: SlackSection = Field(default_factory=SlackSection)
    retention: RetentionSection = Field(default_factory=RetentionSection)
    jobs: JobsSection = Field(default_factory=JobsSection)
    communities: dict[str, CommunitySection] = Field(default_factory=dict)
    http: HttpSection = Field(default_factory=HttpSection)
    cogs: CogsSection = Field(default_factory=CogsSection)
    _cog_sections: dict[str, BaseModel] = PrivateAttr(default_factory=dict)

    def community(self, key: str) -> CommunitySection:
        return self.communities.get(key, CommunitySection())

    def section(self, name: str) -> Any:
        """A cog's own section (``[<name>]``), validated; its defaults when the file has none."""
        found = self._cog_sections.get(name)
        if found is None:
            model = cog_section_model(name)
            if model is None:
                raise KeyError(f"no cog declares a [{name}] configuration section")
            found = self._cog_sections[name] = model()
        return found


@dataclass(frozen=True)
class Secrets:
    """Secrets read from the environment only. ``repr`` never shows a value, so a secret
    that reaches a log line by accident shows as ``***``."""

    discord_token: str | None = None
    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_client_secret: str | None = None
    deepl_api_key: str | None = None
    microsoft_translator_key: str | None = None
    libretranslate_api_key: str | None = None

    ENV = {
        "discord_token": "DISCORD_TOKEN",
        "slack_bot_token": "SLACK_BOT_TOKEN",
        "slack_signing_secret": "SLACK_SIGNING_SECRET",
        "slack_app_token": "SLACK_APP_TOKEN",
        "slack_client_secret": "SLACK_CLIENT_SECRET",
        "deepl_api_key": "DEEPL_API_KEY",
        "microsoft_translator_key": "MICROSOFT_TRANSLATOR_KEY",
        "libretranslate_api_key": "LIBRETRANSLATE_API_KEY",
    }

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Secrets:
        env = os.environ if environ is None else environ
        return cls(**{name: (env.get(var) or None) for name, var in cls.ENV.items()})

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={'***' if getattr(self, name) else None}" for name in self.ENV)
        return f"Secrets({shown})"

    __str__ = __repr__


_SECRET_WORDS = re.compile(r"(token|secret|password|api_key|apikey)$")


def _suggest(word: str, options: list[str]) -> str:
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _fields_at(path: tuple[Any, ...], root: type[BaseModel] | None = None) -> list[str]:
    model: Any = root or Config
    for part in path:
        if isinstance(part, int) or model is None:
            return []
        info = model.model_fields.get(str(part))
        if info is None:
            return []
        annotation = info.annotation
        model = annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None
        if str(part) == "communities":
            return []
    return list(model.model_fields) if model is not None else []


def _describe(error: dict[str, Any], root: type[BaseModel] | None = None, prefix: str = "") -> str:
    loc = tuple(error.get("loc", ()))
    key = ".".join(str(p) for p in (prefix, *loc) if p != "")
    kind = error.get("type", "")
    if kind == "extra_forbidden":
        parent, leaf = loc[:-1], str(loc[-1])
        if _SECRET_WORDS.search(leaf):
            return (f"{key}: secrets are not read from the config file; set the environment "
                    f"variable instead (see config.example.toml)")
        options = _fields_at(parent, root) if parent else list((root or Config).model_fields)
        if root is None and len(parent) >= 2 and parent[0] == "communities":
            options = list(CommunitySection.model_fields)
        return f"{key}: unknown key{_suggest(leaf, options)}"
    if kind == "missing":
        return f"{key}: a value is required"
    message = str(error.get("msg", "invalid value"))
    message = message.removeprefix("Value error, ").removeprefix("Input should be ")
    given = error.get("input")
    shown = f" (got {given!r})" if isinstance(given, str | int | float | bool) else ""
    return f"{key}: expected {message[0].lower() + message[1:]}{shown}"


def cog_section_model(name: str) -> type[BaseModel] | None:
    """The ``Section`` model a cog declares in its ``config.py``, or None when it has none."""
    import importlib

    from bot.discovery import cog_submodule

    module_name = cog_submodule(name, "config")
    if module_name is None:
        return None
    model = getattr(importlib.import_module(module_name), "Section", None)
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        raise ConfigError(f"{module_name}: a cog's config module must define `Section`, a pydantic model")
    return model


def parse_config(data: dict[str, Any]) -> Config:
    """Validate a parsed TOML document; the first problem becomes a ConfigError line.
    A section no core model names belongs to the cog of that name, which validates it."""
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_describe(exc.errors()[0])) from None
    from bot.discovery import cog_names

    for name, value in (config.model_extra or {}).items():
        model = cog_section_model(name)
        if model is None:
            if _SECRET_WORDS.search(name):
                raise ConfigError(f"{name}: secrets are not read from the config file; set the environment "
                                  f"variable instead (see config.example.toml)")
            options = list(Config.model_fields) + [n for n in cog_names() if cog_section_model(n)]
            raise ConfigError(f"{name}: unknown key{_suggest(name, options)}")
        if not isinstance(value, dict):
            raise ConfigError(f"{name}: expected a table ([{name}])")
        try:
            config._cog_sections[name] = model.model_validate(value)
        except ValidationError as exc:
            raise ConfigError(_describe(exc.errors()[0], root=model, prefix=name)) from None
    unknown = sorted(set(config.cogs.disabled) - set(cog_names()))
    if unknown:
        raise ConfigError(f"cogs.disabled: no feature is called '{unknown[0]}'"
                          f"{_suggest(unknown[0], list(cog_names()))}")
    return config


def find_config_path(explicit: str | None, environ: dict[str, str] | None = None) -> Path | None:
    """--config PATH, else $HOMEROOM_CONFIG, else ./homeroom.toml if present, else None
    (the embedded default: console adapter on SQLite)."""
    env = os.environ if environ is None else environ
    if explicit:
        return Path(explicit)
    if env.get(CONFIG_ENV):
        return Path(env[CONFIG_ENV])
    default = Path(DEFAULT_CONFIG_NAME)
    return default if default.exists() else None


def load_config(path: Path | None) -> Config:
    if path is None:
        return Config()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{path}: configuration file not found") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read configuration file ({exc.strerror})") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: the file is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    return parse_config(data)


def check_adapter_requirements(config: Config, secrets: Secrets, adapters: list[str]) -> None:
    """The values an adapter cannot start without, named the way an operator sets them."""
    if "discord" in adapters and not secrets.discord_token:
        raise ConfigError("DISCORD_TOKEN: environment variable required for the discord adapter")
    if "discord" in adapters and not config.discord.message_content_intent:
        thread_relay = config.relay.mode == "thread" or any(
            c.relay_mode == "thread" for c in config.communities.values())
        if thread_relay:
            raise ConfigError("discord.message_content_intent: must be true when the relay mode is \"thread\" on "
                              "Discord (answers written in a thread are message text; switch on the Message "
                              "Content intent in the developer portal too), or use relay mode \"dm\"")
    if "slack" in adapters:
        if config.slack.oauth:
            if config.slack.mode != "http":
                raise ConfigError("slack.oauth: needs slack.mode \"http\" "
                                  "(Slack sends installs to /slack/oauth_redirect)")
            if not config.slack.client_id:
                raise ConfigError("slack.client_id: a value is required when slack.oauth is true (api.slack.com/apps > "
                                  "Basic Information > App Credentials)")
            if not secrets.slack_client_secret:
                raise ConfigError("SLACK_CLIENT_SECRET: environment variable required when slack.oauth is true")
        elif not secrets.slack_bot_token:
            raise ConfigError("SLACK_BOT_TOKEN: environment variable required for the slack adapter")
        if config.slack.mode == "http" and not secrets.slack_signing_secret:
            raise ConfigError("SLACK_SIGNING_SECRET: environment variable required when slack.mode is \"http\"")
        if config.slack.mode == "socket" and not secrets.slack_app_token:
            raise ConfigError("SLACK_APP_TOKEN: environment variable required when slack.mode is \"socket\"")
    providers = {config.translation.provider} | {
        c.translation_provider for c in config.communities.values() if c.translation_provider
    }
    if "libre" in providers and not config.translation.libre_url:
        raise ConfigError("translation.libre_url: a value is required when the provider is \"libre\"")
    if "deepl" in providers and not secrets.deepl_api_key:
        raise ConfigError("DEEPL_API_KEY: environment variable required for the deepl provider")
    if "microsoft" in providers and not secrets.microsoft_translator_key:
        raise ConfigError("MICROSOFT_TRANSLATOR_KEY: environment variable required for the microsoft provider")
    for key, community in config.communities.items():
        if not re.fullmatch(r"(discord|slack|console):[\w.-]+", key):
            raise ConfigError(f"communities.{key}: expected a key like \"discord:123456\" or \"slack:T0123\"")
        if community.timezone:
            try:
                _check_zone(community.timezone)
            except ValueError as exc:
                raise ConfigError(f"communities.{key}.timezone: expected {exc}") from None


def default_adapters(secrets: Secrets) -> list[str]:
    """With no tokens the console is the embedded default; otherwise every platform with one."""
    chosen = []
    if secrets.discord_token:
        chosen.append("discord")
    if secrets.slack_bot_token or secrets.slack_client_secret:  # a token, or OAuth's many workspaces
        chosen.append("slack")
    return chosen or ["console"]
