"""The committee's decisions log, exportable as Markdown or CSV."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.api.cog import Cog, command
from bot.api.commands import Choice, OptionSpec
from bot.api.context import Context
from bot.api.errors import UserError
from bot.api.messages import Attachment, Message
from bot.api.roles import ORGANISERS
from bot.api.when import format_when
from bot.db.models import Member
from bot.util.spreadsheet import csv_bytes
from cogs.committee.models import Decision


class DecisionsCog(Cog):
    name = "decisions"
    personal_data_models = (Decision,)

    @command("decision record", "Write a decision in the committee's log",
             OptionSpec("text", "The decision", required=True, long=True), allowed=ORGANISERS)
    async def record(self, ctx: Context, text: str) -> None:
        community, member = ctx.require_community(), ctx.require_member()
        if not text.strip():
            raise UserError("Your message is empty.")
        async with ctx.write() as session:
            decision = Decision(community_id=community.id, text=text.strip(), recorder_member_id=member.id,
                                created_at=ctx.now)
            session.add(decision)
            await session.flush()
        await ctx.reply("Decision #{id} is recorded.", id=decision.id)

    @command("decisions", "The committee's decisions",
             OptionSpec("export", "md or csv for a file", choices=(Choice("md", "md"), Choice("csv", "csv"))),
             allowed=ORGANISERS)
    async def decisions(self, ctx: Context, export: str | None = None) -> None:
        community = ctx.require_community()
        async with self.core.db.read() as session:
            rows = (await session.scalars(select(Decision).where(Decision.community_id == community.id)
                                          .order_by(Decision.created_at, Decision.id))).all()
        if not rows:
            await ctx.reply("No decisions recorded yet.")
            return
        zone = self.core.zone_of(ctx.member, community)
        if export == "csv":
            content = csv_bytes(["id", "date", "decision"], ([d.id, d.created_at.isoformat(), d.text] for d in rows))
            attachment = Attachment("decisions.csv", content, "text/csv")
        elif export == "md":
            lines = ["# Decisions", ""] + [f"- **#{d.id}** ({format_when(d.created_at, ctx.language, zone)}): {d.text}"
                                           for d in rows]
            attachment = Attachment("decisions.md", "\n".join(lines).encode("utf-8"), "text/markdown")
        else:
            lines = [await ctx.t("Decisions:")] + [f"#{d.id} {d.text}" for d in rows]
            await ctx.reply_message(Message(text="\n".join(lines)))
            return
        await ctx.outbound.upload_file(ctx.user, attachment, Message(text=await ctx.t("The decisions log")))
        await ctx.reply("I sent you the decisions log as a file.")

    async def export_member(self, session: AsyncSession, member: Member) -> dict[str, Any]:
        rows = (await session.scalars(select(Decision).where(Decision.recorder_member_id == member.id))).all()
        return {"decisions_recorded": [{"decision": d.id, "text": d.text} for d in rows]}

    async def delete_member(self, session: AsyncSession, member: Member) -> None:
        await session.execute(update(Decision).where(Decision.recorder_member_id == member.id)
                              .values(recorder_member_id=None))
