"""Housekeeping of the Slack install tables: every visit to the install page leaves a
one-time state row (slack_sdk's state store), and only the states that complete an install
are consumed. The rest expire after ten minutes but would stay forever; the daily retention
purge removes them (and ``homeroom privacy report`` counts them first)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cog import Cog
from cogs.slack_install.models import slack_oauth_states

#: the kind the purge reports (``homeroom privacy report``: "The next purge removes")
EXPIRED_STATES = "slack_install_states"


class SlackInstallCog(Cog):
    name = "slack_install"

    def _expired(self) -> object:
        # slack_sdk stores expire_at as naive UTC (its normalize_datetime_for_db)
        now = self.core.clock.now().astimezone(UTC).replace(tzinfo=None)
        return slack_oauth_states.c.expire_at <= now

    async def purge_expired(self, session: AsyncSession, cutoffs: dict[str, datetime]) -> dict[str, int]:
        result = await session.execute(delete(slack_oauth_states).where(self._expired()))
        return {EXPIRED_STATES: int(getattr(result, "rowcount", 0) or 0)}

    async def count_expired(self, session: AsyncSession, cutoffs: dict[str, datetime]) -> dict[str, int]:
        count = await session.scalar(select(func.count()).select_from(slack_oauth_states).where(self._expired()))
        return {EXPIRED_STATES: int(count or 0)}
