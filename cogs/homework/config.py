"""The ``[homework]`` section of the configuration."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.api.settings_time import check_clock


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    #: when families are reminded, the evening before the due day (HH:MM, the class's time zone)
    reminder_time: str = "18:00"
    #: how far ahead a due date may be, in days (a typo such as "2062" is refused, not kept)
    horizon_days: int = Field(default=365, ge=1, le=3650)
    #: how many assignments /homework list shows
    list_limit: int = Field(default=15, ge=1, le=50)

    _clock = field_validator("reminder_time")(classmethod(lambda cls, v: check_clock(v)))
