"""A community's do-not-translate list: children's names, "PTA", the school's name.

Terms are masked before any text reaches a translation provider, so they come back exactly
as written in every language.
"""

from __future__ import annotations

from sqlalchemy import delete, select

from bot.api.cog import Cog, command
from bot.api.commands import OptionSpec
from bot.api.context import Context
from bot.api.errors import UserError
from bot.api.messages import Message
from bot.api.roles import STAFF
from bot.api.services import Services
from bot.translation.models import GlossaryTerm

#: loads before features with a higher number (see bot/app.py)
LOAD_ORDER = 20

MAX_TERM = 100


class GlossaryCog(Cog):
    name = "glossary"

    @command("glossary add", "Never translate a word or name",
             OptionSpec("term", "The word or name, as written", required=True), allowed=STAFF)
    async def add(self, ctx: Context, term: str) -> None:
        community = ctx.require_community()
        term = term.strip()
        if not term or len(term) > MAX_TERM:
            raise UserError("A glossary term must be 1 to {max} characters long.", max=MAX_TERM)
        async with ctx.write() as session:
            exists = await session.scalar(select(GlossaryTerm.id).where(
                GlossaryTerm.community_id == community.id, GlossaryTerm.term == term))
            if exists is None:
                session.add(GlossaryTerm(community_id=community.id, term=term, created_at=ctx.now))
        await ctx.reply("\"{term}\" will never be translated.", term=term)

    @command("glossary remove", "Allow a word to be translated again",
             OptionSpec("term", "The word or name", required=True), allowed=STAFF)
    async def remove(self, ctx: Context, term: str) -> None:
        community = ctx.require_community()
        async with ctx.write() as session:
            result = await session.execute(delete(GlossaryTerm).where(
                GlossaryTerm.community_id == community.id, GlossaryTerm.term == term.strip()))
        if not getattr(result, "rowcount", 0):
            raise UserError("\"{term}\" is not in the glossary.", term=term.strip())
        await ctx.reply("\"{term}\" was removed from the glossary.", term=term.strip())

    @command("glossary list", "Words that are never translated", allowed=STAFF)
    async def list_terms(self, ctx: Context) -> None:
        community = ctx.require_community()
        async with ctx.core.db.read() as session:
            terms = (await session.scalars(select(GlossaryTerm.term).where(
                GlossaryTerm.community_id == community.id).order_by(GlossaryTerm.term))).all()
        if not terms:
            await ctx.reply("The glossary is empty.")
            return
        header = await ctx.t("Never translated:")
        await ctx.reply_message(Message(text=header + " " + ", ".join(terms)))


def setup(core: Services) -> GlossaryCog:
    return GlossaryCog(core)
