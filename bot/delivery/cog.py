"""The delivery service's own handlers: its jobs, the "Got it" buttons it adds, and the
privacy and retention duties for the outbox. It is the core's, loaded with every core."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cog import Cog, button, job
from bot.db.models import Member
from bot.delivery.models import OutboxEntry
from bot.delivery.service import DIGEST_JOB, SEEN_ACTION, SEEN_DIGEST_ACTION, SEND_JOB
from bot.errors import UserError
from bot.events import ButtonPressed
from bot.i18n import N_
from bot.ids import record_id
from bot.jobs import JobContext

if TYPE_CHECKING:
    from bot.core import Context

MSG_THANKS = N_("Thank you! Your teacher can see that you got it.")
MSG_ALREADY = N_("You already told us you saw this. Thank you!")
MSG_NOT_YOURS = N_("This button is not for you.")


class DeliveryCog(Cog):
    name = "delivery"
    personal_data_models = (OutboxEntry,)

    @job(SEND_JOB)
    async def send(self, job_ctx: JobContext) -> None:
        await self.core.deliveries.send(job_ctx)

    @job(DIGEST_JOB)
    async def digest(self, job_ctx: JobContext) -> None:
        await self.core.deliveries.digest(job_ctx)

    @button(SEEN_ACTION)
    async def seen(self, ctx: Context, event: ButtonPressed) -> None:
        await self._seen(ctx, row_id=record_id(event.value))  # None (names no row) past the database's range

    @button(SEEN_DIGEST_ACTION)
    async def seen_digest(self, ctx: Context, event: ButtonPressed) -> None:
        await self._seen(ctx, batch=event.value[:64] or None)

    async def _seen(self, ctx: Context, *, row_id: int | None = None, batch: str | None = None) -> None:
        member = ctx.require_member()
        query = select(func.count()).select_from(OutboxEntry).where(OutboxEntry.member_id == member.id)
        query = query.where(OutboxEntry.id == row_id) if row_id is not None else \
            query.where(OutboxEntry.digest_batch == (batch or ""))
        async with self.core.db.read() as session:
            shown = await session.scalar(query)
        if not shown:
            raise UserError(MSG_NOT_YOURS)  # a value this person was never shown
        async with ctx.write() as session:
            marked = await self.core.deliveries.mark_seen(session, member.id, row_id=row_id, batch=batch)
        await ctx.reply(MSG_THANKS if marked else MSG_ALREADY)

    # ----- privacy and retention -----------------------------------------------------------
    async def export_member(self, session: AsyncSession, member: Member) -> dict[str, Any]:
        rows = (await session.scalars(select(OutboxEntry).where(OutboxEntry.member_id == member.id)
                                      .order_by(OutboxEntry.id))).all()
        return {"messages_to_you": [{"about": row.subject, "said": row.content, "mode": row.mode, "status": row.status,
                                     "seen_at": row.seen_at.isoformat() if row.seen_at else None,
                                     "updated_at": row.updated_at.isoformat()} for row in rows]} if rows else {}

    async def delete_member(self, session: AsyncSession, member: Member) -> None:
        await session.execute(delete(OutboxEntry).where(OutboxEntry.member_id == member.id))
        await session.execute(update(OutboxEntry).where(OutboxEntry.sender_member_id == member.id)
                              .values(sender_member_id=None))

    async def on_member_left(self, session: AsyncSession, member: Member) -> None:
        await session.execute(update(OutboxEntry).where(
            OutboxEntry.member_id == member.id, OutboxEntry.status.in_(("pending", "waiting")))
            .values(status="cancelled"))

    async def purge_expired(self, session: AsyncSession, cutoffs: dict[str, datetime]) -> dict[str, int]:
        result = await session.execute(delete(OutboxEntry).where(OutboxEntry.updated_at < cutoffs["deliveries"]))
        return {"deliveries": int(getattr(result, "rowcount", 0) or 0)}

    async def count_expired(self, session: AsyncSession, cutoffs: dict[str, datetime]) -> dict[str, int]:
        count = await session.scalar(select(func.count()).select_from(OutboxEntry).where(
            OutboxEntry.updated_at < cutoffs["deliveries"]))
        return {"deliveries": int(count or 0)}
