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
from functools import cache
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator

from bot.api.settings_time import check_clock

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


def _check_range(value: str) -> str:
    parts = value.split("-")
    if len(parts) != 2:
        raise ValueError("a range of two times as HH:MM-HH:MM, such as \"21:00-07:00\"")
    for part in parts:
        check_clock(part.strip())
    return value


def check_http_url(value: str, example: str) -> str:
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
        return check_http_url(v, "http://libretranslate:5000") if v.strip() else ""


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
    """Overrides for one community, keyed "<adapter>:<community id>"."""

    default_language: str | None = None
    timezone: str | None = None
    translation_provider: Literal["google", "deepl", "microsoft", "libre", "mymemory"] | None = None
    announcement_channel: str | None = None
    staff_channel: str | None = None
    committee_channel: str | None = None
    digest_time: str | None = None
    relay_mode: Literal["dm", "thread"] | None = None


class HttpSection(_Section):
    """The operator's endpoints /healthz and /metrics (bot/runtime/http_server.py)."""

    #: "auto": on when a platform adapter runs, off for the embedded adapter alone
    enabled: bool | Literal["auto"] = "auto"
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=1, le=65535)

    def serves(self, adapters: list[str], embedded: str | None) -> bool:
        return adapters != [embedded] if self.enabled == "auto" else bool(self.enabled)


class CogsSection(_Section):
    """Which features run: every folder under cogs/ is loaded unless it is switched off here."""

    disabled: list[str] = Field(default_factory=list)


class Config(_Section):
    """The whole configuration. The core's sections are declared here; an adapter or a cog
    declares its own section in its ``config.py`` (a ``Section`` model), validated as the
    configuration is built (:func:`section_model`) and read with :meth:`section`."""

    model_config = ConfigDict(extra="allow", frozen=True, strict=False)

    homeroom: HomeroomSection = Field(default_factory=HomeroomSection)
    database: DatabaseSection = Field(default_factory=DatabaseSection)
    channels: ChannelsSection = Field(default_factory=ChannelsSection)
    translation: TranslationSection = Field(default_factory=TranslationSection)
    announcements: AnnouncementsSection = Field(default_factory=AnnouncementsSection)
    attachments: AttachmentsSection = Field(default_factory=AttachmentsSection)
    signups: SignupsSection = Field(default_factory=SignupsSection)
    relay: RelaySection = Field(default_factory=RelaySection)
    retention: RetentionSection = Field(default_factory=RetentionSection)
    jobs: JobsSection = Field(default_factory=JobsSection)
    communities: dict[str, CommunitySection] = Field(default_factory=dict)
    http: HttpSection = Field(default_factory=HttpSection)
    cogs: CogsSection = Field(default_factory=CogsSection)
    _sections: dict[str, BaseModel] = PrivateAttr(default_factory=dict)

    def model_post_init(self, context: Any, /) -> None:
        """Each section no core model names is validated by the adapter or cog that declares
        it, so ``Config.model_validate`` and a file check the same way (one ConfigError line)."""
        for name, value in (self.model_extra or {}).items():
            model = section_model(name)
            if model is None:
                if _SECRET_WORDS.search(name):
                    raise ConfigError(f"{name}: secrets are not read from the config file; set the environment "
                                      f"variable instead (see config.example.toml)")
                raise ConfigError(f"{name}: unknown key{_suggest(name, list(Config.model_fields) + section_names())}")
            if isinstance(value, BaseModel) and isinstance(value, model):
                self._sections[name] = value
                continue
            if not isinstance(value, dict):
                raise ConfigError(f"{name}: expected a table ([{name}])")
            try:
                self._sections[name] = model.model_validate(value)
            except ValidationError as exc:
                raise ConfigError(_describe(exc.errors()[0], root=model, prefix=name)) from None

    def community(self, key: str) -> CommunitySection:
        return self.communities.get(key, CommunitySection())

    def section(self, name: str) -> Any:
        """An adapter's or a cog's own section (``[<name>]``), validated; its defaults when the
        file has none."""
        found = self._sections.get(name)
        if found is None:
            model = section_model(name)
            if model is None:
                raise KeyError(f"no adapter or cog declares a [{name}] configuration section")
            found = self._sections[name] = model()
        return found

    def with_section(self, name: str, value: BaseModel) -> Config:
        """A copy of this configuration with ``[<name>]`` replaced (a test, a benchmark, or a
        script run that keeps its files to itself)."""
        if not isinstance(value, section_model(name) or ()):
            raise KeyError(f"no adapter or cog declares a [{name}] configuration section of that type")
        copied = self.model_copy()
        copied._sections = {**self._sections, name: value}
        return copied


#: the core's own secrets; each adapter and each cog adds its own (``SECRETS`` in its ``config.py``)
CORE_SECRETS = {
    "deepl_api_key": "DEEPL_API_KEY",
    "microsoft_translator_key": "MICROSOFT_TRANSLATOR_KEY",
    "libretranslate_api_key": "LIBRETRANSLATE_API_KEY",
}


@cache
def secret_variables() -> dict[str, str]:
    """Every secret by attribute name, with the environment variable it is read from: the
    core's, then each adapter's and each cog's (a switched-off cog's too, so a deployment
    that turns a feature back on needs no other change)."""
    from bot.discovery import adapter_config, adapter_names, cog_config, cog_names

    found = dict(CORE_SECRETS)
    modules = [adapter_config(name) for name in adapter_names()] + [cog_config(name) for name in cog_names()]
    for module in modules:
        for name, variable in getattr(module, "SECRETS", {}).items():
            if name in found or variable in found.values():
                raise ConfigError(f"{module.__name__}: the secret {name} ({variable}) is declared twice")
            found[name] = variable
    return found


class Secrets:
    """Secrets read from the environment only, by the names the core, each adapter and each cog
    declare (``Secrets(deepl_api_key=...)``, ``secrets.deepl_api_key``, a cog's
    ``core.secrets.smtp_password``). Read-only; ``repr`` never shows a value, so a secret that
    reaches a log line by accident shows as ``***``."""

    __slots__ = ("_values",)
    _values: dict[str, str | None]

    def __init__(self, **values: str | None) -> None:
        known = secret_variables()
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise TypeError(f"no adapter or cog declares a secret called {unknown[0]!r}")
        object.__setattr__(self, "_values", {name: values.get(name) or None for name in known})

    @classmethod
    def environment(cls) -> dict[str, str]:
        """``{secret: ENVIRONMENT_VARIABLE}`` for every declared secret."""
        return dict(secret_variables())

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Secrets:
        env = os.environ if environ is None else environ
        return cls(**{name: (env.get(var) or None) for name, var in secret_variables().items()})

    def __getattr__(self, name: str) -> str | None:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(f"no adapter or cog declares a secret called {name!r}") from None

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("secrets are read-only")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secrets) and self._values == other._values

    def __hash__(self) -> int:
        return hash(tuple(sorted(self._values.items())))

    def __reduce__(self) -> tuple[Any, ...]:
        return (_secrets, (dict(self._values),))

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={'***' if value else None}" for name, value in self._values.items())
        return f"Secrets({shown})"

    __str__ = __repr__


def _secrets(values: dict[str, str | None]) -> Secrets:
    return Secrets(**values)


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


def _declared_section(module: Any, owner: str) -> type[BaseModel] | None:
    model = getattr(module, "Section", None)
    if model is None and owner == "adapter":
        return None
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        raise ConfigError(f"{module.__name__}: a{'n' if owner == 'adapter' else ''} {owner}'s config module must "
                          f"define `Section`, a pydantic model")
    return model


def cog_section_model(name: str) -> type[BaseModel] | None:
    """The ``Section`` model a cog declares in its ``config.py``, or None when it has none."""
    import importlib

    from bot.discovery import cog_submodule

    module_name = cog_submodule(name, "config")
    if module_name is None:
        return None
    return _declared_section(importlib.import_module(module_name), "cog")


def adapter_section_model(name: str) -> type[BaseModel] | None:
    """The ``Section`` model an adapter declares in its ``config.py``, or None when it has none."""
    from bot.discovery import adapter_config

    module = adapter_config(name)
    return _declared_section(module, "adapter") if module is not None else None


def section_model(name: str) -> type[BaseModel] | None:
    """The model of ``[<name>]``: the adapter's or the cog's of that name (never both)."""
    adapter, cog = adapter_section_model(name), cog_section_model(name)
    if adapter is not None and cog is not None:
        raise ConfigError(f"[{name}]: declared by both the adapter and the cog called {name}; rename one of them")
    return adapter or cog


def section_names() -> list[str]:
    """Every adapter and cog that declares a section of its own."""
    from bot.discovery import adapter_names, cog_names

    return [name for name in (*adapter_names(), *cog_names()) if section_model(name) is not None]


def parse_config(data: dict[str, Any]) -> Config:
    """Validate a parsed TOML document; the first problem becomes a ConfigError line.
    A section no core model names belongs to the adapter or cog of that name, which validates it."""
    section_names()  # every declaration is sound (no name both an adapter's and a cog's), file or not
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_describe(exc.errors()[0])) from None
    from bot.discovery import cog_names

    unknown = sorted(set(config.cogs.disabled) - set(cog_names()))
    if unknown:
        raise ConfigError(f"cogs.disabled: no feature is called '{unknown[0]}'"
                          f"{_suggest(unknown[0], list(cog_names()))}")
    return config


def find_config_path(explicit: str | None, environ: dict[str, str] | None = None) -> Path | None:
    """--config PATH, else $HOMEROOM_CONFIG, else ./homeroom.toml if present, else None
    (the built-in defaults: the embedded adapter on SQLite)."""
    env = os.environ if environ is None else environ
    if explicit:
        return Path(explicit)
    if env.get(CONFIG_ENV):
        return Path(env[CONFIG_ENV])
    default = Path(DEFAULT_CONFIG_NAME)
    return default if default.exists() else None


def load_config(path: Path | None) -> Config:
    if path is None:
        return parse_config({})
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
    """The values Homeroom cannot start without, named the way an operator sets them: each
    chosen adapter's own (``check_requirements`` in its ``config.py``), then the core's."""
    from bot.discovery import adapter_config, adapter_names

    for adapter in adapters:
        check = getattr(adapter_config(adapter), "check_requirements", None)
        if check is not None:
            check(config, secrets)
    providers = {config.translation.provider} | {
        c.translation_provider for c in config.communities.values() if c.translation_provider
    }
    if "libre" in providers and not config.translation.libre_url:
        raise ConfigError("translation.libre_url: a value is required when the provider is \"libre\"")
    if "deepl" in providers and not secrets.deepl_api_key:
        raise ConfigError("DEEPL_API_KEY: environment variable required for the deepl provider")
    if "microsoft" in providers and not secrets.microsoft_translator_key:
        raise ConfigError("MICROSOFT_TRANSLATOR_KEY: environment variable required for the microsoft provider")
    known = adapter_names()
    for key, community in config.communities.items():
        adapter, _, community_id = key.partition(":")
        if adapter not in known or not re.fullmatch(r"[\w.-]+", community_id):
            raise ConfigError(f"communities.{key}: expected \"<adapter>:<community id>\" with an adapter of "
                              f"{', '.join(known)}")
        if community.timezone:
            try:
                _check_zone(community.timezone)
            except ValueError as exc:
                raise ConfigError(f"communities.{key}.timezone: expected {exc}") from None


def check_cog_requirements(config: Config, secrets: Secrets) -> None:
    """What each switched-on cog cannot start without (``check_requirements`` in its
    ``config.py``), checked with the adapters' before anything starts: a switched-off cog
    asks for nothing."""
    from bot.discovery import cog_config, cog_names

    disabled = set(config.cogs.disabled)
    for name in cog_names():
        check = getattr(cog_config(name), "check_requirements", None) if name not in disabled else None
        if check is not None:
            check(config, secrets)


def default_adapters(secrets: Secrets) -> list[str]:
    """Every platform adapter whose secrets are set (``configured`` in its ``config.py``);
    with none, the embedded adapter, which needs no tokens."""
    from bot.discovery import adapter_config, embedded_adapter, platform_adapters

    chosen = []
    for adapter in platform_adapters():
        configured = getattr(adapter_config(adapter), "configured", None)
        if configured is not None and configured(secrets):
            chosen.append(adapter)
    embedded = embedded_adapter()
    return chosen or ([embedded] if embedded else [])
