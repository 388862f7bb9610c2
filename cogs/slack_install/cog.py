"""Housekeeping of the Slack install tables: every visit to the install page leaves a
one-time state row (slack_sdk's state store), and only the states that complete an install
are consumed. The rest expire after ten minutes but would stay forever; the daily retention
purge removes them (and ``homeroom privacy report`` counts them first)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.api.cog import Cog
from cogs.slack_install.models import slack_oauth_states

#: the kind the purge reports (``homeroom privacy report``: "The next purge removes")
EXPIRED_STATES = "slack_install_states"


class SlackInstallCog(Cog):
    name = "slack_install"

    def expired_rows(self, cutoffs: dict[str, datetime]) -> dict[str, tuple[Any, Any]]:
        # slack_sdk stores expire_at as naive UTC (its normalize_datetime_for_db)
        now = self.core.clock.now().astimezone(UTC).replace(tzinfo=None)
        return {EXPIRED_STATES: (slack_oauth_states, slack_oauth_states.c.expire_at <= now)}
