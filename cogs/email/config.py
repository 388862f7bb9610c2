"""The ``[email]`` section. Secrets come from the environment: ``HOMEROOM_SMTP_PASSWORD``
(when the server needs a login) and ``HOMEROOM_EMAIL_SECRET`` (signs the links in e-mails)."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, field_validator


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
