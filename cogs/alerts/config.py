"""The ``[alerts]`` section."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    #: minutes after an alert before it is sent again to families who have not pressed "Got it"
    follow_up_minutes: int = Field(default=15, ge=1, le=24 * 60)
    #: at most one alert per community in this many minutes (an admin may override)
    rate_limit_minutes: int = Field(default=10, ge=0, le=24 * 60)
    #: how long the confirm button of a draft alert stays valid
    confirm_minutes: int = Field(default=10, ge=1, le=24 * 60)
