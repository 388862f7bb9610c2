"""What the poll cog and its start-up reconciliation share: the number reactions a card
offers and the row lock a vote takes (kept here so neither module imports the other)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.api import emoji as emoji_norm
from bot.db.engine import lock_row
from cogs.committee.models import Poll

NUMBERS = ["1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣", "6️⃣", "7️⃣", "8️⃣", "9️⃣", "🔟"]
NUMBER_KEYS = [emoji_norm.parse(n).key for n in NUMBERS]  # type: ignore[union-attr]


async def lock_poll(session: AsyncSession, poll_id: int) -> Poll | None:
    return await lock_row(session, Poll, poll_id)
