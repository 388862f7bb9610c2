"""The ``[onboarding]`` section of the configuration."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    #: a new family gets, once, a private welcome asking which language they read, then how
    #: announcements reach them and their quiet hours
    welcome_new_members: bool = True
