"""Onboarding: a newcomer is asked, once and privately, which language they read.

Everything this feature needs lives in this folder: its configuration section
``[onboarding]`` (``config.py``) and the welcome and the menu's handler (``cog.py``); it keeps
no table of its own (the delivery outbox remembers who was welcomed).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.runtime.core import Core
    from cogs.onboarding.cog import OnboardingCog


def setup(core: Core) -> OnboardingCog:
    from cogs.onboarding.cog import OnboardingCog

    return OnboardingCog(core)
