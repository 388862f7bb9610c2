"""The Discord adapter's settings (``[discord]``), secret (``DISCORD_TOKEN``) and what it
cannot start without. Found by bot/discovery.py; imports no SDK, so checking a configuration
never loads discord.py."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bot.config import ConfigError, check_http_url

if TYPE_CHECKING:
    from bot.config import Config, Secrets

#: read from the environment only, never from the file
SECRETS = {"discord_token": "DISCORD_TOKEN"}


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)

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
        return check_http_url(v, "https://discord.com/api/v10").rstrip("/")

    @field_validator("gateway_url")
    @classmethod
    def _gateway_url(cls, v: str) -> str:
        parts = urlsplit(v.strip())
        if parts.scheme not in ("ws", "wss") or not parts.hostname:
            raise ValueError("a ws:// or wss:// URL with a host, such as \"wss://gateway.discord.gg/\"")
        return v.strip()

    @model_validator(mode="after")
    def _shards(self) -> Section:
        if self.shard_ids and not self.shard_count:
            raise ValueError("shard_count set with shard_ids (the number of shards across every process)")
        wrong = [i for i in self.shard_ids if i >= self.shard_count] if self.shard_ids else []
        if wrong:
            raise ValueError(f"every shard id below shard_count {self.shard_count} (got {wrong[0]})")
        return self


def configured(secrets: Secrets) -> bool:
    """Started when no ``--adapter`` is given: a token is set."""
    return bool(secrets.discord_token)


def check_requirements(config: Config, secrets: Secrets) -> None:
    """What the adapter cannot start without, named the way an operator sets it."""
    if not secrets.discord_token:
        raise ConfigError("DISCORD_TOKEN: environment variable required for the discord adapter")
    settings: Section = config.section("discord")
    thread_relay = config.relay.mode == "thread" or any(
        c.relay_mode == "thread" for c in config.communities.values())
    if thread_relay and not settings.message_content_intent:
        raise ConfigError("discord.message_content_intent: must be true when the relay mode is \"thread\" on "
                          "Discord (answers written in a thread are message text; switch on the Message "
                          "Content intent in the developer portal too), or use relay mode \"dm\"")
