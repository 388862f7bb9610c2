"""Announcements: a teacher posts once; every family reads it in its own language.

Posting and every DM go through durable jobs (``announce.publish``, ``announce.fan_out``,
``announce.deliver``, ``announce.digest``), so a scheduled announcement survives restarts and a crash in the
middle of a fan-out neither skips nor repeats anyone: each (announcement, member) has one
outbox row, and a delivery job re-reads that row before it sends.
"""

from __future__ import annotations

import logging
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot import jobs as jobqueue
from bot.cog import Cog, button, command, job
from bot.commands import Choice, OptionSpec, OptionType
from bot.config import parse_clock
from bot.core import Context, Core
from bot.db.models import Community, Member
from bot.errors import UserError
from bot.events import ButtonPressed
from bot.jobs import JobContext, RetryLater
from bot.messages import Button, ButtonStyle, Message
from bot.outbound import DeliveryStatus
from bot.refs import ChannelRef, MessageRef
from bot.roles import STAFF, Role
from bot.when import format_when, future_time, quiet_hours_end
from cogs.announcements.models import Acknowledgement, Announcement, AnnouncementDelivery
from cogs.announcements.report import families, status_lines

DELIVERY_MODES = ("channel", "dm", "digest")

log = logging.getLogger(__name__)


def _post_message(announcement: Announcement, title: str, translate: str, got_it: str) -> Message:
    return Message(
        title=title,
        text=announcement.text,
        buttons=(Button(translate, "announce.translate", str(announcement.id)),
                 Button(got_it, "announce.ack", str(announcement.id), ButtonStyle.SUCCESS)),
        footer=f"#{announcement.id}",
    )


class AnnouncementsCog(Cog):
    name = "announcements"
    personal_data_models = (Announcement, Acknowledgement, AnnouncementDelivery)

    # ----- posting -------------------------------------------------------------------------
    @command("announce", "Post an announcement to families",
             OptionSpec("text", "What families should know", required=True, long=True),
             OptionSpec("when", "When to post it, e.g. \"tomorrow 7:30am\" (default: now)"),
             OptionSpec("urgent", "Deliver even during quiet hours", type=OptionType.BOOLEAN),
             OptionSpec("channel", "Where to post it (default: the announcements channel)",
                        type=OptionType.CHANNEL),
             allowed=STAFF)
    async def announce(self, ctx: Context, text: str, when: str | None = None, urgent: bool = False,
                       channel: ChannelRef | None = None) -> None:
        community, member = ctx.require_community(), ctx.require_member()
        text = text.strip()
        if not text:
            raise UserError("Your announcement is empty. Write the text after text:")
        limit = ctx.outbound.capabilities.max_text_length - 100  # room for the title and footer
        if len(text) > limit:
            raise UserError("Your announcement is {length} characters; this platform allows {limit}. Please "
                            "shorten it or split it into two announcements.", length=len(text), limit=limit)
        target = channel or await self.core.channel(community, "announcements")
        if target is None:
            raise UserError("I can't find the announcements channel. Ask an admin to create #{name}.",
                            name=self.core.config.channels.announcements)
        moment = ctx.now
        if when:
            moment = future_time(when, ctx.language, self.core.zone_of(member, community), ctx.now)

        async with ctx.write() as session:
            row = Announcement(community_id=community.id, author_member_id=member.id, text=text,
                               language=ctx.language, channel_id=target.id, urgent=bool(urgent),
                               status="scheduled", scheduled_for=moment, created_at=ctx.now)
            session.add(row)
            await session.flush()
            await self.core.schedule(session, "announce.publish", {"id": row.id}, moment,
                                     dedupe_key=f"announce:{row.id}:publish")
        if when:
            await ctx.reply("Announcement #{id} is scheduled for {when}. Cancel it with /announcement cancel "
                            "id:{id}.", id=row.id,
                            when=format_when(moment, ctx.language, self.core.zone_of(member, community)))
        else:
            await ctx.reply("Announcement #{id} is going out to #{channel} now.", id=row.id,
                            channel=self.core.config.channels.announcements if channel is None else channel.id)

    @job("announce.publish")
    async def publish(self, job_ctx: JobContext) -> None:
        async with self.core.db.read() as session:
            row = await session.get(Announcement, job_ctx.payload["id"])
            community = await session.get(Community, row.community_id) if row else None
        if row is None or community is None or row.status != "scheduled":
            return  # cancelled, or already published by an earlier run
        outbound = self.core.outbound(community.platform)
        message = await self._render_post(row, community)
        channel = ChannelRef(community.platform, row.channel_id, self.core.community_ref(community))
        try:
            posted = await outbound.post(channel, message)
        except Exception:
            if job_ctx.attempt >= self.core.config.jobs.max_attempts:
                await self._tell_author(row, community, "Announcement #{id} could not be posted to the channel "
                                        "(is the bot still allowed to write there?). Nothing was sent to families.")
            raise
        now = self.core.clock.now()
        # The post is recorded the moment it exists (a retry must never post it twice); the
        # fan-out is its own durable job, so a failure there cannot undo the record.
        async with self.core.db.write() as session:
            fresh = await session.get(Announcement, row.id)
            cancelled = fresh is None or fresh.status != "scheduled"
            if not cancelled:
                fresh.status, fresh.message_id, fresh.posted_at = "posted", posted.id, now
                await self.core.schedule(session, "announce.fan_out", {"id": row.id}, now,
                                         dedupe_key=f"announce:fan-out:{row.id}")
        if cancelled:  # cancelled while it was being posted: take the post down again
            try:
                await outbound.delete(posted)
            except Exception:
                log.warning("announcement %s: could not remove a post cancelled mid-publish", row.id, exc_info=True)

    @job("announce.fan_out")
    async def fan_out(self, job_ctx: JobContext) -> None:
        now = self.core.clock.now()
        async with self.core.db.write() as session:
            row = await session.get(Announcement, job_ctx.payload["id"])
            community = await session.get(Community, row.community_id) if row else None
            if row is None or community is None or row.status != "posted":
                return
            await self._fan_out(session, row, community, now)

    async def _tell_author(self, row: Announcement, community: Community, msgid: str) -> None:
        async with self.core.db.read() as session:
            author = await session.get(Member, row.author_member_id) if row.author_member_id else None
        if author is not None:
            await self.core.notify(community, author, msgid, id=row.id)

    async def _render_post(self, row: Announcement, community: Community) -> Message:
        lang = community.default_language
        return _post_message(
            row,
            await self.core.localize(lang, "Announcement"),
            await self.core.localize(lang, "Translate"),
            await self.core.localize(lang, "Got it ✓"),
        )

    async def _fan_out(self, session: AsyncSession, row: Announcement, community: Community, now: datetime) -> None:
        """One outbox row and one job per family that wants DMs; digest rows wait for the digest."""
        already = set(await session.scalars(select(AnnouncementDelivery.member_id).where(
            AnnouncementDelivery.announcement_id == row.id)))  # a retried fan-out skips who has a row
        recipients = [f for f in await families(session, community.id)
                      if f.delivery in ("dm", "digest") and f.id != row.author_member_id and f.id not in already]
        # Urgent news does not wait for the evening digest: digest families get it by DM now.
        deliveries = [AnnouncementDelivery(announcement_id=row.id, member_id=f.id,
                                           mode="dm" if row.urgent else f.delivery, status="pending",
                                           language=self.core.language_of(f, community), created_at=now,
                                           updated_at=now) for f in recipients]
        session.add_all(deliveries)
        await session.flush()  # one batched INSERT, ids returned
        await self.core.schedule_many(session, "announce.deliver", [
            ({"delivery": d.id}, now, f"announce:delivery:{d.id}") for d in deliveries if d.mode == "dm"])
        needs_digest = any(d.mode == "digest" for d in deliveries)
        if needs_digest:
            due = self._next_digest(community, now)
            await self.core.schedule(session, "announce.digest", {"community": community.id}, due,
                                     dedupe_key=f"announce:digest:{community.id}:{due:%Y-%m-%dT%H:%M}")

    def _next_digest(self, community: Community, now: datetime) -> datetime:
        setting = self.core.config.community(community.key).digest_time or self.core.config.announcements.digest_time
        at: time = parse_clock(setting)
        zone = ZoneInfo(community.timezone)
        local = now.astimezone(zone)
        candidate = datetime.combine(local.date(), at, tzinfo=zone)
        if candidate <= local:
            candidate += timedelta(days=1)
        return candidate.astimezone(ZoneInfo("UTC"))

    # ----- delivery -------------------------------------------------------------------------
    @job("announce.deliver")
    async def deliver(self, job_ctx: JobContext) -> None:
        async with self.core.db.read() as session:
            delivery = await session.get(AnnouncementDelivery, job_ctx.payload["delivery"])
            if delivery is None or delivery.status not in ("pending", "waiting"):
                return  # sent, unreachable or cancelled: never twice
            row = await session.get(Announcement, delivery.announcement_id)
            member = await session.get(Member, delivery.member_id)
            community = await session.get(Community, member.community_id) if member else None
        if row is None or member is None or community is None or row.status != "posted" or member.left_at:
            await self._set_status(delivery.id, "cancelled")
            return
        now = self.core.clock.now()
        if not row.urgent:
            ends = quiet_hours_end(now, self.core.quiet_hours_of(member), self.core.zone_of(member, community))
            if ends > now:
                await self._set_status(delivery.id, "waiting")
                raise RetryLater(ends)
        message = await self._dm_message(row, community, self.core.language_of(member, community))
        result = await self.core.send_dm(community, member, message)
        if result.status == DeliveryStatus.SENT:
            await self._set_status(delivery.id, "sent", result.message)
        elif result.status in (DeliveryStatus.DMS_CLOSED, DeliveryStatus.NOT_FOUND):
            await self._set_status(delivery.id, "unreachable")
        else:
            if job_ctx.attempt >= self.core.config.jobs.max_attempts:
                await self._set_status(delivery.id, "failed")
                return
            raise ConnectionError(f"delivery {delivery.id} failed: {result.detail}")

    async def _set_status(self, delivery_id: int, status: str, ref: MessageRef | None = None) -> None:
        values: dict[str, Any] = {"status": status, "updated_at": self.core.clock.now()}
        if ref is not None:
            values.update(dm_channel_id=ref.channel.id, dm_message_id=ref.id)
        async with self.core.db.write() as session:
            await session.execute(update(AnnouncementDelivery).where(AnnouncementDelivery.id == delivery_id)
                                  .values(**values))

    async def _dm_message(self, row: Announcement, community: Community, lang: str) -> Message:
        """An announcement by DM in ``lang``, with its "Got it ✓" (also when it is edited)."""
        body, _ = await self.core.translated(row.text, lang, source=row.language, community_id=community.id)
        return Message(title=await self.core.localize(lang, "Announcement"), text=body,
                       buttons=(Button(await self.core.localize(lang, "Got it ✓"), "announce.ack", str(row.id),
                                       ButtonStyle.SUCCESS),),
                       footer=f"#{row.id}")

    @job("announce.digest")
    async def digest(self, job_ctx: JobContext) -> None:
        """One DM per digest family with everything new since their last digest."""
        async with self.core.db.read() as session:
            community = await session.get(Community, job_ctx.payload["community"])
            pending = list((await session.execute(
                select(AnnouncementDelivery, Announcement).join(
                    Announcement, Announcement.id == AnnouncementDelivery.announcement_id).where(
                    Announcement.community_id == job_ctx.payload["community"],
                    AnnouncementDelivery.mode == "digest", AnnouncementDelivery.status == "pending",
                    Announcement.status == "posted").order_by(AnnouncementDelivery.member_id, Announcement.id)
            )).all())
        if community is None:
            return
        by_member: dict[int, list[tuple[AnnouncementDelivery, Announcement]]] = {}
        for delivery, row in pending:
            by_member.setdefault(delivery.member_id, []).append((delivery, row))
        limit = self.core.outbound(community.platform).capabilities.max_text_length
        failed = []
        for member_id, items in by_member.items():
            async with self.core.db.read() as session:
                member = await session.get(Member, member_id)
            if member is None or member.left_at:
                continue
            lang = self.core.language_of(member, community)
            parts = []
            for _, row in items:
                body, _ = await self.core.translated(row.text, lang, source=row.language, community_id=community.id)
                parts.append(f"#{row.id}: {body}")
            title = await self.core.localize(lang, "Today's announcements ({count})", count=len(items))
            result = None
            for text in pack(parts, limit):  # as many DMs as the platform's length limit needs
                result = await self.core.send_dm(community, member, Message(title=title, text=text))
                if result.status != DeliveryStatus.SENT:
                    break
            assert result is not None
            status = {DeliveryStatus.SENT: "sent", DeliveryStatus.DMS_CLOSED: "unreachable",
                      DeliveryStatus.NOT_FOUND: "unreachable"}.get(result.status)
            if status is None:
                failed.append(member_id)  # the others still get theirs
                continue
            for delivery, _ in items:
                await self._set_status(delivery.id, status, result.message)
        if failed:  # retried with backoff; rows already sent are skipped
            raise ConnectionError(f"digest for members {failed} failed")

    # ----- buttons ------------------------------------------------------------------------
    @button("announce.translate")
    async def translate_button(self, ctx: Context, event: ButtonPressed) -> None:
        row = await self._announcement(ctx, event.value)
        if row.language == ctx.language:
            await ctx.reply_message(Message(text=row.text))
            return
        body, _ = await self.core.translated(row.text, ctx.language, source=row.language,
                                             community_id=row.community_id)
        await ctx.reply_message(Message(title=await ctx.t("Announcement"), text=body, footer=f"#{row.id}"))

    @button("announce.ack")
    async def acknowledge(self, ctx: Context, event: ButtonPressed) -> None:
        row = await self._announcement(ctx, event.value)
        member = ctx.require_member()
        try:
            async with ctx.write() as session:
                session.add(Acknowledgement(announcement_id=row.id, member_id=member.id, at=ctx.now))
                await session.flush()
        except IntegrityError:
            await ctx.reply("You already told us you saw this. Thank you!")
            return
        await ctx.reply("Thank you! Your teacher can see that you got announcement #{id}.", id=row.id)

    # ----- preferences and management -----------------------------------------------------
    @command("delivery", "How you receive announcements: in the channel, by DM, or a daily digest",
             OptionSpec("mode", "channel, dm or digest", required=True,
                        choices=tuple(Choice(m, m) for m in DELIVERY_MODES)))
    async def delivery(self, ctx: Context, mode: str) -> None:
        member = ctx.require_member()
        async with ctx.write() as session:
            row = await session.get(Member, member.id)
            assert row is not None
            row.delivery = mode
        messages = {
            "channel": "You will read announcements in the announcements channel.",
            "dm": "I will send you each announcement by direct message, in your language.",
            "digest": "I will send you one message a day with everything new, in your language.",
        }
        await ctx.reply(messages[mode])

    @command("announcement status", "Who has seen an announcement",
             OptionSpec("id", "Announcement number (default: the latest)", type=OptionType.INTEGER), allowed=STAFF)
    async def status(self, ctx: Context, id: int | None = None) -> None:
        community = ctx.require_community()
        async with self.core.db.read() as session:
            if id is None:
                row = await session.scalar(select(Announcement).where(
                    Announcement.community_id == community.id, Announcement.status == "posted")
                    .order_by(Announcement.id.desc()).limit(1))
                if row is None:
                    raise UserError("There are no posted announcements yet.")
            else:
                row = await self._announcement(ctx, str(id))
            self._check_author_or_teacher(ctx, row)
            numbers = await status_lines(session, row, community.default_language)
        lines = [
            await ctx.t("Announcement #{id}: seen by {seen} of {total} families.", id=row.id, seen=numbers["seen"],
                        total=numbers["total"]),
        ]
        if numbers["not_seen"]:
            lines.append(await ctx.t("Not seen yet: {names}", names=", ".join(numbers["not_seen"])))  # type: ignore[arg-type]
        lines.append(await ctx.t("Direct messages: {delivered} delivered, {waiting} waiting (quiet hours), "
                                 "{digest} in tonight's digest, {failed} failed, {unreachable} unreachable "
                                 "(DMs closed).",
                                 delivered=numbers["delivered"], waiting=numbers["waiting"], digest=numbers["digest"],
                                 failed=numbers["failed"], unreachable=numbers["unreachable"]))
        lines.append(await ctx.t("Languages: {languages}", languages=numbers["languages"]))
        await ctx.reply_message(Message(text="\n".join(lines)))

    @command("announcement edit", "Change the text of an announcement",
             OptionSpec("id", "Announcement number", type=OptionType.INTEGER, required=True),
             OptionSpec("text", "The new text", required=True, long=True), allowed=STAFF)
    async def edit(self, ctx: Context, id: int, text: str) -> None:
        row = await self._announcement(ctx, str(id))
        self._check_author_or_teacher(ctx, row)
        if row.status not in ("scheduled", "posted"):
            raise UserError("Announcement #{id} can no longer be changed.", id=row.id)
        if not text.strip():
            raise UserError("Your announcement is empty. Write the text after text:")
        async with ctx.write() as session:
            fresh = await session.get(Announcement, row.id)
            assert fresh is not None
            fresh.text, fresh.edited_at = text.strip(), ctx.now
            sent = list((await session.scalars(select(AnnouncementDelivery).where(
                AnnouncementDelivery.announcement_id == row.id, AnnouncementDelivery.status == "sent",
                AnnouncementDelivery.dm_message_id.is_not(None)))).all())
        community = ctx.require_community()
        fresh_row = await self._announcement(ctx, str(row.id))
        if fresh_row.status == "posted" and fresh_row.message_id:
            await ctx.outbound.edit(self._post_ref(community, fresh_row), await self._render_post(fresh_row, community))
        edited = 0
        if ctx.outbound.capabilities.edit_dm:
            for delivery in sent:
                if delivery.mode != "dm":
                    continue
                ref = MessageRef(ChannelRef(community.platform, delivery.dm_channel_id or "", None, True),
                                 delivery.dm_message_id or "")
                await ctx.outbound.edit(ref, await self._dm_message(fresh_row, community, delivery.language))
                edited += 1
        await ctx.reply("Announcement #{id} was updated (and {count} direct messages).", id=row.id, count=edited)

    @command("announcement delete", "Remove an announcement",
             OptionSpec("id", "Announcement number", type=OptionType.INTEGER, required=True), allowed=STAFF)
    async def delete(self, ctx: Context, id: int) -> None:
        row = await self._announcement(ctx, str(id))
        self._check_author_or_teacher(ctx, row)
        community = ctx.require_community()
        async with ctx.write() as session:
            fresh = await session.get(Announcement, row.id)
            assert fresh is not None
            was_posted = fresh.status == "posted"
            fresh.status = "deleted"
            await session.execute(update(AnnouncementDelivery).where(
                AnnouncementDelivery.announcement_id == row.id,
                AnnouncementDelivery.status.in_(("pending", "waiting"))).values(status="cancelled"))
            sent = list((await session.scalars(select(AnnouncementDelivery).where(
                AnnouncementDelivery.announcement_id == row.id, AnnouncementDelivery.mode == "dm",
                AnnouncementDelivery.dm_message_id.is_not(None)))).all())
            await jobqueue.cancel(session, f"announce:{row.id}:")
        if was_posted and row.message_id:
            await ctx.outbound.delete(self._post_ref(community, row))
            for delivery in sent:
                await ctx.outbound.delete(MessageRef(ChannelRef(community.platform, delivery.dm_channel_id or "",
                                                                None, True), delivery.dm_message_id or ""))
        await ctx.reply("Announcement #{id} was deleted.", id=row.id)

    @command("announcement list", "Scheduled announcements", allowed=STAFF)
    async def list_scheduled(self, ctx: Context) -> None:
        community, member = ctx.require_community(), ctx.require_member()
        async with self.core.db.read() as session:
            rows = list((await session.scalars(select(Announcement).where(
                Announcement.community_id == community.id, Announcement.status == "scheduled")
                .order_by(Announcement.scheduled_for))).all())
        if not rows:
            await ctx.reply("No announcements are scheduled.")
            return
        zone = self.core.zone_of(member, community)
        lines = [await ctx.t("Scheduled announcements:")]
        lines += [f"#{r.id} — {format_when(r.scheduled_for, ctx.language, zone)} — {r.text[:60]}" for r in rows]
        await ctx.reply_message(Message(text="\n".join(lines)))

    @command("announcement cancel", "Cancel a scheduled announcement before it goes out",
             OptionSpec("id", "Announcement number", type=OptionType.INTEGER, required=True), allowed=STAFF)
    async def cancel(self, ctx: Context, id: int) -> None:
        row = await self._announcement(ctx, str(id))
        self._check_author_or_teacher(ctx, row)
        if row.status != "scheduled":
            raise UserError("Announcement #{id} has already gone out; use /announcement delete id:{id}.", id=row.id)
        async with ctx.write() as session:
            fresh = await session.get(Announcement, row.id)
            assert fresh is not None
            fresh.status = "cancelled"
            await jobqueue.cancel(session, f"announce:{row.id}:")
        await ctx.reply("Announcement #{id} was cancelled and will not be posted.", id=row.id)

    # ----- helpers -------------------------------------------------------------------------
    async def _announcement(self, ctx: Context, raw_id: str) -> Announcement:
        community = ctx.require_community()
        try:
            number = int(raw_id)
        except ValueError:
            raise UserError("There is no announcement #{id} here.", id=raw_id) from None
        async with self.core.db.read() as session:
            row = await session.get(Announcement, number)
        if row is None or row.community_id != community.id or row.status in ("deleted",):
            raise UserError("There is no announcement #{id} here.", id=raw_id)
        return row

    @staticmethod
    def _check_author_or_teacher(ctx: Context, row: Announcement) -> None:
        member = ctx.require_member()
        if row.author_member_id != member.id and not ctx.has_role(Role.TEACHER):
            raise UserError("Only the author or a teacher can do that.")

    def _post_ref(self, community: Community, row: Announcement) -> MessageRef:
        return MessageRef(ChannelRef(community.platform, row.channel_id, self.core.community_ref(community)),
                          row.message_id or "")

    # ----- privacy -------------------------------------------------------------------------
    async def export_member(self, session: AsyncSession, member: Member) -> dict[str, Any]:
        acks = (await session.scalars(select(Acknowledgement).where(Acknowledgement.member_id == member.id))).all()
        deliveries = (await session.scalars(select(AnnouncementDelivery).where(
            AnnouncementDelivery.member_id == member.id))).all()
        authored = (await session.scalars(select(Announcement).where(
            Announcement.author_member_id == member.id))).all()
        return {
            "acknowledged": [{"announcement": a.announcement_id, "at": a.at.isoformat()} for a in acks],
            "deliveries": [{"announcement": d.announcement_id, "mode": d.mode, "status": d.status,
                            "language": d.language, "updated_at": d.updated_at.isoformat()} for d in deliveries],
            "authored": [{"announcement": a.id, "text": a.text, "status": a.status,
                          "created_at": a.created_at.isoformat()} for a in authored],
        }

    async def delete_member(self, session: AsyncSession, member: Member) -> None:
        await session.execute(delete(Acknowledgement).where(Acknowledgement.member_id == member.id))
        await session.execute(delete(AnnouncementDelivery).where(AnnouncementDelivery.member_id == member.id))
        await session.execute(update(Announcement).where(Announcement.author_member_id == member.id)
                              .values(author_member_id=None))

    async def purge_expired(self, session: AsyncSession, cutoffs: dict[str, datetime]) -> dict[str, int]:
        """Delivery records older than the policy (the announcement itself stays)."""
        result = await session.execute(delete(AnnouncementDelivery).where(
            AnnouncementDelivery.updated_at < cutoffs["deliveries"]))
        return {"deliveries": int(getattr(result, "rowcount", 0) or 0)}

    async def count_expired(self, session: AsyncSession, cutoffs: dict[str, datetime]) -> dict[str, int]:
        from sqlalchemy import func

        count = await session.scalar(select(func.count()).select_from(AnnouncementDelivery).where(
            AnnouncementDelivery.updated_at < cutoffs["deliveries"]))
        return {"deliveries": int(count or 0)}

    async def on_member_left(self, session: AsyncSession, member: Member) -> None:
        await session.execute(update(AnnouncementDelivery).where(
            AnnouncementDelivery.member_id == member.id,
            AnnouncementDelivery.status.in_(("pending", "waiting"))).values(status="cancelled"))


def setup(core: Core) -> AnnouncementsCog:
    return AnnouncementsCog(core)


def pack(parts: list[str], limit: int, separator: str = "\n\n") -> list[str]:
    """Join ``parts`` into as few texts as fit ``limit`` characters each (a part longer than
    the limit on its own is cut into pieces), so nothing is lost to a platform's cap."""
    texts: list[str] = []
    current = ""
    for part in parts:
        pieces = [part[i:i + limit] for i in range(0, len(part), limit)] or [""]
        for piece in pieces:
            joined = f"{current}{separator}{piece}" if current else piece
            if len(joined) <= limit:
                current = joined
            else:
                texts.append(current)
                current = piece
    if current or not texts:
        texts.append(current)
    return texts
