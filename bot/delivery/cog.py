"""The delivery service's own handlers: its jobs, the "Got it" buttons it adds, and the
privacy and retention duties for the outbox. It is the core's, loaded with every core."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.api.cog import Cog, button, job
from bot.api.errors import UserError
from bot.api.events import ButtonPressed
from bot.api.ids import record_id
from bot.api.jobs import JobContext
from bot.api.messages import Message
from bot.db.models import Community, Member
from bot.delivery.models import OutboxEntry
from bot.delivery.service import DIGEST_JOB, SEEN_ACTION, SEEN_DIGEST_ACTION, SEND_JOB
from bot.i18n import N_

if TYPE_CHECKING:
    from bot.api.context import Context

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
        async with self.core.db.read() as session:
            member = await self._presser(session, ctx, row_id=row_id, batch=batch)
            community = await self.core.community_by_id(session, member.community_id) if member else None
        if member is None:
            raise UserError(MSG_NOT_YOURS)  # a value this person was never shown
        async with ctx.write() as session:
            marked = await self.core.deliveries.mark_seen(session, member.id, row_id=row_id, batch=batch)
        lang = ctx.language if ctx.member is not None else self.core.language_of(member, community)
        await ctx.reply_message(Message(text=await self.core.localize(lang, MSG_THANKS if marked else MSG_ALREADY)))

    async def _presser(self, session: AsyncSession, ctx: Context, *, row_id: int | None,
                       batch: str | None) -> Member | None:
        """The membership of the person pressing that this message was sent to. A DM carries
        no class, so for someone in several classes it is found from the message itself —
        among this person's own memberships only."""
        if row_id is None and not batch:
            return None
        if ctx.member is not None:
            ids = (await self.core.deliveries.inbox(session, ctx.member)).member_ids
            mine = OutboxEntry.member_id.in_(ids)
        else:
            mine = OutboxEntry.member_id.in_(select(Member.id).join(Community, Community.id == Member.community_id)
                                             .where(Community.platform == ctx.event.platform,
                                                    Member.user_id == ctx.event.actor.user.id))
        shown = OutboxEntry.id == row_id if row_id is not None else OutboxEntry.digest_batch == batch
        return await session.scalar(select(Member).join(OutboxEntry, OutboxEntry.member_id == Member.id)
                                    .where(shown, mine).order_by(Member.id).limit(1))

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
