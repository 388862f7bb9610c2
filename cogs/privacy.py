"""Privacy requests: a member sees and erases what Homeroom keeps; admins erase for someone
who has left; a daily purge applies the retention policy; leaving cancels pending deliveries."""

from __future__ import annotations

import logging
import time as time_module
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.api.cog import Cog, button, command, job, listener
from bot.api.commands import OptionSpec, OptionType
from bot.api.context import Context
from bot.api.errors import UserError
from bot.api.events import ButtonPressed, MemberLeft
from bot.api.ids import record_id
from bot.api.jobs import JobContext
from bot.api.messages import Attachment, Button, ButtonStyle, Message
from bot.api.refs import UserRef
from bot.api.roles import Role
from bot.api.services import Services
from bot.api.settings_time import parse_clock
from bot.db.models import Member

#: loads before features with a higher number (see bot/app.py)
LOAD_ORDER = 90

CONFIRM_SECONDS = 15 * 60

log = logging.getLogger(__name__)


class PrivacyCog(Cog):
    name = "privacy"

    def __init__(self, core: Services) -> None:
        super().__init__(core)
        self.service = core.privacy

    @command("privacy export", "Get everything Homeroom keeps about you, as a file")
    async def export(self, ctx: Context) -> None:
        community, member = ctx.require_community(), ctx.require_member()
        document = await self.service.export(member.id)
        data = self.service.to_json(document)
        async with ctx.write() as session:
            await self.core.audit(session, community.id, member, "privacy.export", "member", member.id,
                                  subject_member_id=member.id)
        # The file answers the person who just asked, so it is an interactive reply, not a
        # delivery: no quiet hours or digest apply, and their whole record never waits in the
        # outbox. It goes through the platform's upload path, because private replies cannot
        # carry files everywhere (Slack's ephemeral messages cannot).
        try:
            await ctx.outbound.upload_file(ctx.user, Attachment("homeroom-my-data.json", data, "application/json"),
                                           Message(text=await ctx.t("Here is everything Homeroom keeps about you.")))
        except Exception:
            log.warning("privacy export: could not send the file to member %s", member.id, exc_info=True)
            await ctx.reply("I couldn't send you a direct message. Please allow direct messages from this server "
                            "and try again.")
            return
        await ctx.reply("I sent you a file with your data by direct message.")

    @command("privacy delete", "Erase your data (admins: someone who has left)",
             OptionSpec("user", "Admins only: the member to erase", type=OptionType.USER))
    async def delete(self, ctx: Context, user: UserRef | None = None) -> None:
        community, member = ctx.require_community(), ctx.require_member()
        target_id, who = member.id, ""
        if user is not None and user.id != member.user_id:
            if not ctx.has_role(Role.ADMIN):
                raise UserError("Only an admin can erase someone else's data.")
            async with self.core.db.read() as session:
                target = (await session.execute(select(Member.id, Member.display_name).where(
                    Member.community_id == community.id, Member.user_id == user.id))).first()
            if target is None:
                raise UserError("Homeroom keeps nothing about that person here.")
            target_id, who = target.id, target.display_name or ctx.outbound.mention(user)
        issued = int(time_module.time())
        await ctx.reply_message(Message(
            text=await ctx.t("This erases everything Homeroom keeps about you: profile, sign-ups, questions and "
                             "answers, acknowledgements, votes and tasks. It cannot be undone.")
            if target_id == member.id else
            await ctx.t("This erases everything Homeroom keeps about {who}: profile, sign-ups, questions and "
                        "answers, acknowledgements, votes and tasks. It cannot be undone.", who=who),
            buttons=(Button(await ctx.t("Yes, erase it"), "privacy.confirm", f"{target_id}:{issued}",
                            ButtonStyle.DANGER),)))

    @button("privacy.confirm")
    async def confirm(self, ctx: Context, event: ButtonPressed) -> None:
        member = ctx.require_member()
        target, _, issued = event.value.partition(":")
        if not target.isdigit() or not issued.isdigit():
            raise UserError("That confirmation is not valid. Please run /privacy delete again.")
        if time_module.time() - int(issued) > CONFIRM_SECONDS:
            raise UserError("That confirmation has expired. Please run /privacy delete again.")
        target_id = record_id(target)
        if target_id is None:
            raise UserError("That confirmation is not valid. Please run /privacy delete again.")
        if target_id != member.id and not ctx.has_role(Role.ADMIN):
            raise UserError("Only an admin can erase someone else's data.")
        community = ctx.require_community()
        async with self.core.db.read() as session:
            found = (await session.execute(select(Member.community_id, Member.display_name)
                                           .where(Member.id == target_id))).first()
        if found is None or found.community_id != community.id:  # only someone of this community
            raise UserError("That confirmation is not valid. Please run /privacy delete again.")
        async with ctx.write() as session:
            await self.core.audit(session, community.id, member if target_id != member.id else None,
                                  "privacy.erase", "member", target_id)
        await self.service.erase(target_id)
        if target_id == member.id:
            await ctx.reply("Done. Everything Homeroom kept about you is erased.")
        else:
            await ctx.reply("Done. Everything Homeroom kept about {who} is erased.", who=found.display_name)

    @listener(MemberLeft)
    async def member_left_event(self, ctx: Context, event: MemberLeft) -> None:
        if ctx.member is not None:
            await self.service.member_left(ctx.member.id)

    # ----- retention ---------------------------------------------------------------------
    async def on_start(self) -> None:
        async with self.core.db.write() as session:
            due = self._next_purge(self.core.clock.now())
            await self.core.schedule(session, "privacy.purge", {}, due, dedupe_key=f"privacy:purge:{due:%Y-%m-%d}")

    def _next_purge(self, now: datetime) -> datetime:
        zone = ZoneInfo(self.core.config.homeroom.timezone)
        local = now.astimezone(zone)
        at = datetime.combine(local.date(), parse_clock(self.core.config.retention.purge_time), tzinfo=zone)
        if at <= local:
            at += timedelta(days=1)
        return at.astimezone(ZoneInfo("UTC"))

    @job("privacy.purge")
    async def purge_job(self, job_ctx: JobContext) -> None:
        await self.core.purge_expired()
        due = self._next_purge(self.core.clock.now())
        async with self.core.db.write() as session:
            await self.core.schedule(session, "privacy.purge", {}, due, dedupe_key=f"privacy:purge:{due:%Y-%m-%d}")


def setup(core: Services) -> PrivacyCog:
    return PrivacyCog(core)
