"""Onboarding: a newcomer is asked, once and privately, which language they read."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.core import Core
    from cogs.onboarding.cog import OnboardingCog


def setup(core: Core) -> OnboardingCog:
    from cogs.onboarding.cog import OnboardingCog

    return OnboardingCog(core)
