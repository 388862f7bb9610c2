"""The ``[email]`` section, its secrets and what it cannot start without. Secrets come from
the environment only: ``HOMEROOM_EMAIL_SECRET`` (signs the links in e-mails) and
``HOMEROOM_SMTP_PASSWORD`` (when the mail server wants a login); they become
``core.secrets.email_link_secret`` and ``core.secrets.smtp_password``."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.config import ConfigError

if TYPE_CHECKING:
    from bot.config import Config, Secrets

#: read from the environment only, never from the file
SECRETS = {
    "email_link_secret": "HOMEROOM_EMAIL_SECRET",
    "smtp_password": "HOMEROOM_SMTP_PASSWORD",
}
#: a shorter key would make the links in e-mails guessable
MIN_LINK_SECRET = 16


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    #: off until a school sets up its mail server
    enabled: bool = False
    smtp_host: str = "localhost"
    smtp_port: int = Field(default=587, ge=1, le=65535)
    #: "starttls" (port 587), "tls" (port 465) or "none" (a relay on the same machine)
    security: str = "starttls"
    username: str = ""
    from_address: str = "school@example.org"
    #: the address families' links point to: the bot's HTTP server as the internet sees it
    public_url: str = "http://localhost:8080"
    #: how long a "Got it" link keeps working, in days
    link_days: int = Field(default=14, ge=1, le=90)
    timeout_seconds: float = Field(default=15.0, gt=0, le=120)

    @field_validator("security")
    @classmethod
    def _security(cls, value: str) -> str:
        if value not in ("starttls", "tls", "none"):
            raise ValueError('"starttls", "tls" or "none"')
        return value

    @field_validator("public_url")
    @classmethod
    def _url(cls, value: str) -> str:
        if not re.fullmatch(r"https?://[^\s/]+(/\S*)?", value):
            raise ValueError('an absolute http(s) URL such as "https://homeroom.example.org"')
        return value.rstrip("/")


def check_requirements(config: Config, secrets: Secrets) -> None:
    """With e-mail on, links cannot be signed without the secret, and a login without its
    password would fail at the first e-mail, long after start-up."""
    settings: Section = config.section("email")
    if not settings.enabled:
        return
    if len(secrets.email_link_secret or "") < MIN_LINK_SECRET:
        raise ConfigError(f"HOMEROOM_EMAIL_SECRET: environment variable of at least {MIN_LINK_SECRET} characters "
                          f"required when email.enabled is true (it signs the links in e-mails)")
    if settings.username and not secrets.smtp_password:
        raise ConfigError("HOMEROOM_SMTP_PASSWORD: environment variable required when email.username is set")
