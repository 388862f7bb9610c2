"""The ``[onboarding]`` section of the configuration."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    #: a newcomer gets, once, a private welcome asking which language they read
    welcome_new_members: bool = False
