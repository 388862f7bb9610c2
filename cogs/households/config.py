"""The ``[households]`` configuration section."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    #: days a join code stays valid
    code_days: int = Field(default=30, ge=1, le=365)
    #: failed /join attempts one person may make in an hour
    join_attempts_per_hour: int = Field(default=5, ge=1, le=100)
    #: what a sign-up's "per family" limit counts: a household, a child, or a person
    signup_limit: Literal["household", "child", "person"] = "household"
