"""The ``[conferences]`` configuration section."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.api.durations import parse_duration


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    #: most slots one conference may have
    max_slots: int = Field(default=200, ge=1, le=1000)
    #: slot length when the teacher gives neither ``length:`` nor a step
    default_length: str = "15m"
    #: reminders before each booked slot, to the family and the teacher
    reminders: str = "24h,1h"
    #: a reminder that quiet hours would hold past the start goes just before they begin
    #: when that is at most this long before the start, otherwise at its time despite them
    before_quiet_hours: str = "3h"

    @field_validator("default_length", "before_quiet_hours")
    @classmethod
    def _length(cls, value: str) -> str:
        if parse_duration(value) is None:
            raise ValueError("expected a duration such as \"15m\"")
        return value

    @field_validator("reminders")
    @classmethod
    def _reminders(cls, value: str) -> str:
        parts = [p.strip() for p in value.split(",") if p.strip()]
        if value.strip().lower() != "off" and any(parse_duration(p) is None for p in parts):
            raise ValueError("expected durations such as \"24h,1h\" (or \"off\")")
        return value
