"""Onboarding: a newcomer is asked, once and privately, which language they read.

Everything this feature needs lives in this folder: its configuration section
``[onboarding]`` (``config.py``) and the welcome and the menu's handler (``cog.py``); it keeps
no table of its own (the delivery outbox remembers who was welcomed).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.api.services import Services
    from cogs.onboarding.cog import OnboardingCog


def setup(core: Services) -> OnboardingCog:
    from cogs.onboarding.cog import OnboardingCog

    return OnboardingCog(core)
