"""Announcements: a teacher posts once; every family reads it in its own language.

Posting and the fan-out are durable jobs (``announce.publish``, ``announce.fan_out``), so a
scheduled announcement survives restarts. Families who read by DM or digest get it through
the core's delivery service, which keeps one outbox row per (announcement, family): a crash
in the middle of a fan-out neither skips nor repeats anyone.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.api import jobs as jobqueue
from bot.api import preferences
from bot.api.cog import Cog, button, command, job
from bot.api.commands import Choice, OptionSpec, OptionType
from bot.api.context import Context
from bot.api.errors import UserError
from bot.api.events import ButtonPressed
from bot.api.ids import record_id
from bot.api.jobs import JobContext
from bot.api.messages import Attachment, Button, ButtonStyle, Field, FileRef, FileUnavailable, Message
from bot.api.outbound import ChannelClosed
from bot.api.refs import ChannelRef, MessageRef
from bot.api.roles import STAFF, Role
from bot.api.services import Services
from bot.api.when import format_day, format_when, future_time
from bot.db.models import Community, Member
from bot.delivery import Action, Content, Phrase, Reach, Urgency, attached, file_links
from bot.delivery.models import OutboxEntry
from bot.i18n import N_, P_
from cogs.announcements.engagement import engagement, render_png
from cogs.announcements.models import Acknowledgement, Announcement
from cogs.announcements.report import status_lines

MSG_ATTACHED = N_("Attached")
MSG_FILE_REFUSED = N_("Announcement #{id} went out without the file {file}: the platform would not take it. "
                      "Families can read the announcement, but not the file. Post the file in the channel "
                      "yourself, or delete the announcement (/announcement delete id:{id}) and announce again "
                      "with the file.")
#: the answer for a number that names no announcement (also past the database's range)
NO_SUCH_ANNOUNCEMENT = N_("There is no announcement #{id} here.")

DEFAULT_REPORT_WEEKS = 4
MAX_REPORT_WEEKS = 26
#: the delivery service's topic for announcements; rows are about "announcement:<id>"
TOPIC = "announcement"


def subject_of(announcement_id: int) -> str:
    return f"{TOPIC}:{announcement_id}"

log = logging.getLogger(__name__)


def files_of(announcement: Announcement) -> tuple[FileRef, ...]:
    return tuple(FileRef.from_json(data) for data in announcement.files or ())


def _post_message(announcement: Announcement, title: str, translate: str, got_it: str) -> Message:
    return Message(
        title=title,
        text=announcement.text,
        files=files_of(announcement),
        buttons=(Button(translate, "announce.translate", str(announcement.id)),
                 Button(got_it, "announce.ack", str(announcement.id), ButtonStyle.SUCCESS)),
        footer=f"#{announcement.id}",
    )


class AnnouncementsCog(Cog):
    name = "announcements"
    personal_data_models = (Announcement, Acknowledgement)

    def __init__(self, core: Services) -> None:
        super().__init__(core)
        core.deliveries.on_seen(TOPIC, self._acknowledged)

    # ----- posting -------------------------------------------------------------------------
    @command("announce", "Post an announcement to families",
             OptionSpec("text", "What families should know", required=True, long=True),
             OptionSpec("when", "When to post it, e.g. \"tomorrow 7:30am\" (default: now)"),
             OptionSpec("urgent", "Deliver even during quiet hours", type=OptionType.BOOLEAN),
             OptionSpec("channel", "Where to post it (default: the announcements channel)",
                        type=OptionType.CHANNEL),
             OptionSpec("attach", "A file to post with it: an image or a PDF", type=OptionType.ATTACHMENT),
             allowed=STAFF)
    async def announce(self, ctx: Context, text: str, when: str | None = None, urgent: bool = False,
                       channel: ChannelRef | None = None, attach: FileRef | None = None) -> None:
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
                               files=[attach.to_json()] if attach is not None else [],
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
        except FileUnavailable as exc:
            # the platform no longer serves the file: posting without it is not what was asked
            await self._fail(row)
            await self._tell_author(row, community, N_("Announcement #{id} could not be posted: the file {file} "
                                                       "is no longer available. Please announce again with the "
                                                       "file. Nothing was sent to families."),
                                    file=exc.file.filename)
            return
        except ChannelClosed:
            # only a person can fix this: say so now (not after every retry) and stop
            await self._fail(row)
            await self._tell_author(row, community, N_("Announcement #{id} could not be posted: I am not allowed "
                                                       "to write in that channel. Invite me to it (or give me "
                                                       "permission to post), then announce again. Nothing was sent "
                                                       "to families."))
            return
        except Exception:
            if job_ctx.attempt >= self.core.config.jobs.max_attempts:
                await self._tell_author(row, community, N_("Announcement #{id} could not be posted to the "
                                                           "channel (is the bot still allowed to write there?). "
                                                           "Nothing was sent to families."))
            raise
        now = self.core.clock.now()
        # The post is recorded the moment it exists (a retry must never post it twice); the
        # fan-out is its own durable job, so a failure there cannot undo the record.
        async with self.core.db.write() as session:
            fresh = await session.get(Announcement, row.id)
            cancelled = fresh is None or fresh.status != "scheduled"
            if not cancelled:
                fresh.status, fresh.message_id, fresh.posted_at = "posted", posted.id, now
                if posted.files_missing:  # DMs and digests must not link a file the post lacks
                    fresh.files = [f for f in fresh.files or [] if FileRef.from_json(f) not in posted.files_missing]
                await self.core.schedule(session, "announce.fan_out", {"id": row.id}, now,
                                         dedupe_key=f"announce:fan-out:{row.id}")
        if cancelled:  # cancelled while it was being posted: take the post down again
            try:
                await outbound.delete(posted)
            except Exception:
                log.warning("announcement %s: could not remove a post cancelled mid-publish", row.id, exc_info=True)
            return
        if posted.files_missing:  # the post is out: say what it lacks, never post again
            await self._tell_author(row, community, MSG_FILE_REFUSED,
                                    file=", ".join(f.filename for f in posted.files_missing))

    @job("announce.fan_out")
    async def fan_out(self, job_ctx: JobContext) -> None:
        async with self.core.db.write() as session:
            row = await session.get(Announcement, job_ctx.payload["id"])
            community = await session.get(Community, row.community_id) if row else None
            if row is None or community is None or row.status != "posted":
                return
            await self._fan_out(session, row, community)

    @job("announce.deliver")
    async def legacy_deliver(self, job_ctx: JobContext) -> None:
        """A DM queued by a release before deliveries moved to the core (its outbox row kept
        its number when the table moved)."""
        await self.core.deliveries.send(replace(job_ctx, payload={"id": job_ctx.payload["delivery"]}))

    @job("announce.digest")
    async def legacy_digest(self, job_ctx: JobContext) -> None:
        """A digest scheduled by a release before deliveries moved to the core."""
        await self.core.deliveries.digest(job_ctx)

    async def _fail(self, row: Announcement) -> None:
        async with self.core.db.write() as session:
            fresh = await session.get(Announcement, row.id)
            if fresh is not None and fresh.status == "scheduled":
                fresh.status = "failed"

    async def _tell_author(self, row: Announcement, community: Community, msgid: str, **params: Any) -> None:
        async with self.core.db.write() as session:
            author = await session.get(Member, row.author_member_id) if row.author_member_id else None
            if author is not None:
                await self.core.deliveries.enqueue(session, community, [author], topic="announcement.author",
                                                   subject=f"{subject_of(row.id)}:author", cause=f"{msgid}:{row.id}",
                                                   content=Content(body=Phrase.of(msgid, id=row.id, **params)))

    async def _render_post(self, row: Announcement, community: Community) -> Message:
        lang = community.default_language
        return _post_message(
            row,
            await self.core.localize(lang, "Announcement"),
            await self.core.localize(lang, "Translate"),
            await self.core.localize(lang, "Got it ✓"),
        )

    async def _fan_out(self, session: AsyncSession, row: Announcement, community: Community) -> None:
        """Every family that reads by DM or digest gets it that way, through the delivery
        service (channel readers already have the post). Urgent news reaches digest readers
        by DM at once. A retried fan-out queues nobody twice (the service keys each row by
        announcement and family)."""
        recipients = [f for f in await self.core.families.audience(session, community.id)
                      if f.id != row.author_member_id]
        await self.core.deliveries.enqueue(
            session, community, recipients, topic=TOPIC, subject=subject_of(row.id),
            content=await self._content(row, community),
            reach=Reach.BROADCAST, urgency=Urgency.URGENT if row.urgent else Urgency.NORMAL, tracked=True)

    async def _content(self, row: Announcement, community: Community) -> Content:
        """An announcement by DM or digest: the text in the reader's language, its files as
        links, "Show original" beside the delivery service's "Got it"."""
        return Content(title=Phrase.of(N_("Announcement")),
                       body=Phrase.words(row.text, row.language),
                       fields=attached(MSG_ATTACHED, files_of(row), await self._post_link(row, community)),
                       actions=(Action(N_("Show original"), "announce.original", str(row.id), with_translation=True),),
                       footer=f"#{row.id}")

    async def _post_link(self, row: Announcement, community: Community) -> str | None:
        """The channel post that carries the files, where families open them (None without
        files, or when the platform gives no link)."""
        if not row.files or not row.message_id:
            return None
        try:
            return await self.core.outbound(community.platform).permalink(self._post_ref(community, row))
        except Exception:
            log.warning("announcement %s: no link to its post", row.id, exc_info=True)
            return None

    async def _file_fields(self, ctx: Context, row: Announcement) -> tuple[Field, ...]:
        links = file_links(files_of(row), await self._post_link(row, ctx.require_community()))
        return (Field(await ctx.t(MSG_ATTACHED), links),) if links else ()

    async def _acknowledged(self, session: AsyncSession, entry: OutboxEntry) -> None:
        """A "Got it" pressed on a DM or a digest counts as seen, like the channel's button."""
        number = int(entry.subject.rsplit(":", 1)[1])
        builder = self.core.db.insert
        await session.execute(builder(Acknowledgement).values(
            announcement_id=number, member_id=entry.member_id, at=self.core.clock.now())
            .on_conflict_do_nothing(index_elements=["announcement_id", "member_id"]))

    # ----- buttons ------------------------------------------------------------------------
    @button("announce.translate")
    async def translate_button(self, ctx: Context, event: ButtonPressed) -> None:
        row = await self._published(ctx, event.value)
        # the private copy is what this family reads: it can be acknowledged right there
        got_it = (Button(await ctx.t("Got it ✓"), "announce.ack", str(row.id), ButtonStyle.SUCCESS),)
        fields = await self._file_fields(ctx, row)
        if row.language == ctx.language:
            await ctx.reply_message(Message(text=row.text, fields=fields, buttons=got_it))
            return
        body, _ = await self.core.translated(row.text, ctx.language, source=row.language,
                                             community_id=row.community_id)
        await ctx.reply_message(Message(title=await ctx.t("Announcement"), text=body, fields=fields,
                                        footer=f"#{row.id}", buttons=got_it))

    @button("announce.original")
    async def original(self, ctx: Context, event: ButtonPressed) -> None:
        row = await self._published(ctx, event.value)
        await ctx.reply_message(Message(title=await ctx.t("Announcement"), text=row.text,
                                        fields=await self._file_fields(ctx, row), footer=f"#{row.id}"))

    @button("announce.ack")
    async def acknowledge(self, ctx: Context, event: ButtonPressed) -> None:
        row = await self._published(ctx, event.value)
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
             OptionSpec("mode", "channel, dm or digest (none: show yours)",
                        choices=tuple(Choice(m, m) for m in preferences.DELIVERY_MODES)))
    async def delivery(self, ctx: Context, mode: str | None = None) -> None:
        member = ctx.require_member()
        if not mode:
            current = {
                "channel": N_("You read announcements in the announcements channel. To change it: /delivery dm "
                              "or /delivery digest."),
                "dm": N_("You get each announcement by direct message, in your language. To change it: "
                         "/delivery channel or /delivery digest."),
                "digest": N_("You get one message a day with everything new, in your language. To change it: "
                             "/delivery channel or /delivery dm."),
            }
            await ctx.reply(current.get(member.delivery, current["channel"]))
            return
        await preferences.keep(ctx, delivery=mode)
        await ctx.reply_message(Message(text=await preferences.delivery_set(ctx, mode)))

    @command("announcement status", "Who has seen an announcement",
             OptionSpec("id", "Announcement number (default: the latest)", type=OptionType.INTEGER,
                        missing=NO_SUCH_ANNOUNCEMENT), allowed=STAFF)
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
            outcome = await self.core.deliveries.outcome(session, subject_of(row.id))
            numbers = await status_lines(session, row, community.default_language, outcome, self.core.families)
        lines = [
            # {seen} stands bare: only {count} has a noun, so each number reads right in every language
            await ctx.t(P_("Announcement #{id} — seen: {seen} of {count} family.",
                           "Announcement #{id} — seen: {seen} of {count} families."), id=row.id,
                        seen=numbers["seen"], count=numbers["total"]),
        ]
        if numbers["not_seen"]:
            lines.append(await ctx.t("Not seen yet: {names}", names=", ".join(numbers["not_seen"])))  # type: ignore[arg-type]
        if numbers["seen_by"]:
            lines.append(await ctx.t("Seen: {names}", names="; ".join(numbers["seen_by"])))  # type: ignore[arg-type]
        lines.append(await ctx.t("Direct messages: {delivered} delivered, {waiting} waiting (quiet hours), "
                                 "{digest} in tonight's digest, {failed} failed, {unreachable} unreachable "
                                 "(DMs closed).",
                                 delivered=numbers["delivered"], waiting=numbers["waiting"], digest=numbers["digest"],
                                 failed=numbers["failed"], unreachable=numbers["unreachable"]))
        if numbers["unreachable_names"]:
            lines.append(await ctx.t("Could not be reached: {names}. Please contact them another way.",
                                     names=", ".join(numbers["unreachable_names"])))  # type: ignore[arg-type]
        lines.append(await ctx.t("Languages: {languages}", languages=numbers["languages"]))
        await ctx.reply_message(Message(text="\n".join(lines)))

    @command("announcement remind", "Remind the families who have not seen an announcement (once a day)",
             OptionSpec("id", "Announcement number", type=OptionType.INTEGER, missing=NO_SUCH_ANNOUNCEMENT,
                        required=True), allowed=STAFF)
    async def remind(self, ctx: Context, id: int) -> None:
        """A DM to each family that has not pressed "Got it", in their language and after
        their quiet hours; at most once per announcement per (school) day — the outbox key
        carries the day, so even two reminders at the same moment reach a family once."""
        row = await self._announcement(ctx, str(id))
        self._check_author_or_teacher(ctx, row)
        if row.status != "posted":
            raise UserError("Announcement #{id} has not gone out yet, so there is nobody to remind.", id=row.id)
        community, member = ctx.require_community(), ctx.require_member()
        day = ctx.now.astimezone(self.core.zone_of(None, community)).date().isoformat()
        cause = f"{subject_of(row.id)}:remind:{day}"
        async with ctx.write() as session:
            if await session.scalar(select(OutboxEntry.id).where(
                    OutboxEntry.key.startswith(f"{cause}:", autoescape=True)).limit(1)) is not None:
                raise UserError("Families were already reminded about announcement #{id} today. You can remind "
                                "them again tomorrow.", id=row.id)
            seen = set((await session.scalars(select(Acknowledgement.member_id).where(
                Acknowledgement.announcement_id == row.id))).all())
            unread = [f for f in await self.core.families.audience(session, community.id)
                      if f.id not in seen and f.id != row.author_member_id]
            queued = await self.core.deliveries.enqueue(
                session, community, unread, topic=TOPIC, subject=subject_of(row.id), cause=cause,
                content=replace(await self._content(row, community), title=Phrase.of(N_("Reminder: announcement"))),
                reach=Reach.PERSONAL, tracked=True, sender=member)
        if not unread:
            await ctx.reply("Every family has seen announcement #{id}; there is nobody to remind.", id=row.id)
        elif not queued:
            await ctx.reply("Families were already reminded about announcement #{id} today. You can remind "
                            "them again tomorrow.", id=row.id)
        else:
            await ctx.reply(P_("A reminder about announcement #{id} goes to the {count} family who has not seen "
                               "it, by direct message in their language (after their quiet hours).",
                               "A reminder about announcement #{id} goes to the {count} families who have not seen "
                               "it, by direct message in their language (after their quiet hours)."),
                            id=row.id, count=queued)

    @command("announcement report", "How families read announcements over the last weeks, as a chart",
             OptionSpec("weeks", "How many weeks back (default 4)", type=OptionType.INTEGER, min_value=1,
                        max_value=MAX_REPORT_WEEKS), allowed=STAFF)
    async def report(self, ctx: Context, weeks: int | None = None) -> None:
        community = ctx.require_community()
        weeks = weeks or DEFAULT_REPORT_WEEKS
        if not 1 <= weeks <= MAX_REPORT_WEEKS:
            raise UserError("Choose between 1 and {max} weeks.", max=MAX_REPORT_WEEKS)
        async with self.core.db.read() as session:
            numbers = await engagement(session, community.id, ctx.now - timedelta(weeks=weeks),
                                       community.default_language, self.core.families)
        if not numbers.announcements:
            raise UserError(P_("No announcements were posted in the last week.",
                               "No announcements were posted in the last {count} weeks."), count=weeks)
        since = format_day(ctx.now - timedelta(weeks=weeks), ctx.language, self.core.zone_of(ctx.member, community))
        lines = [await ctx.t(P_("Since {since}: {count} announcement, seen by {percent}% of families on average.",
                                "Since {since}: {count} announcements, seen by {percent}% of families on average."),
                             since=since, count=len(numbers.announcements), percent=round(numbers.average_percent))]
        lines.append(await ctx.t("By language: {languages}", languages=", ".join(
            f"{code} {round(numbers.language_percent(code))}%" for code in numbers.languages)))
        if numbers.never_seen:
            lines.append(await ctx.t("Saw none of them: {names}. Please contact them another way.",
                                     names=", ".join(numbers.never_seen)))
        title = await ctx.t(P_("Announcements seen, last week", "Announcements seen, last {count} weeks"), count=weeks)
        png = await asyncio.to_thread(render_png, numbers, title, await ctx.t("% of families"),
                                      await ctx.t("% seen, by language"))
        await ctx.reply_message(Message(text="\n".join(lines), attachments=(
            Attachment(f"announcements-{weeks}w.png", png, "image/png"),)))

    @command("announcement edit", "Change the text of an announcement",
             OptionSpec("id", "Announcement number", type=OptionType.INTEGER,
                        missing=NO_SUCH_ANNOUNCEMENT, required=True),
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
        community = ctx.require_community()
        fresh_row = await self._announcement(ctx, str(row.id))
        if fresh_row.status == "posted" and fresh_row.message_id:
            await ctx.outbound.edit(self._post_ref(community, fresh_row), await self._render_post(fresh_row, community))
        edited = await self.core.deliveries.revise(subject_of(row.id), await self._content(fresh_row, community))
        await ctx.reply(P_("Announcement #{id} was updated (and {count} direct message).",
                           "Announcement #{id} was updated (and {count} direct messages)."), id=row.id, count=edited)

    @command("announcement delete", "Remove an announcement",
             OptionSpec("id", "Announcement number", type=OptionType.INTEGER,
                        missing=NO_SUCH_ANNOUNCEMENT, required=True), allowed=STAFF)
    async def delete(self, ctx: Context, id: int) -> None:
        row = await self._announcement(ctx, str(id))
        self._check_author_or_teacher(ctx, row)
        community = ctx.require_community()
        async with ctx.write() as session:
            fresh = await session.get(Announcement, row.id)
            assert fresh is not None
            was_posted = fresh.status == "posted"
            fresh.status = "deleted"
            await self.core.deliveries.cancel(session, subject_of(row.id))
            sent = await self.core.deliveries.sent_messages(session, subject_of(row.id))
            await jobqueue.cancel(session, f"announce:{row.id}:")
        if was_posted and row.message_id:
            await ctx.outbound.delete(self._post_ref(community, row))
            for _, ref in sent:
                await ctx.outbound.delete(ref)
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
             OptionSpec("id", "Announcement number", type=OptionType.INTEGER,
                        missing=NO_SUCH_ANNOUNCEMENT, required=True), allowed=STAFF)
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
        number = record_id(raw_id)
        if number is None:  # not a number, or past what the database can hold: names nothing
            raise UserError(NO_SUCH_ANNOUNCEMENT, id=raw_id)
        async with self.core.db.read() as session:
            row = await session.get(Announcement, number)
        if row is None or row.community_id != community.id or row.status in ("deleted",):
            raise UserError("There is no announcement #{id} here.", id=raw_id)
        return row

    async def _published(self, ctx: Context, raw_id: str) -> Announcement:
        """An announcement a family may have been shown: posted, in their community (a
        button value naming a scheduled one reveals nothing)."""
        row = await self._announcement(ctx, raw_id)
        if row.status != "posted":
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
        authored = (await session.scalars(select(Announcement).where(
            Announcement.author_member_id == member.id))).all()
        return {
            "acknowledged": [{"announcement": a.announcement_id, "at": a.at.isoformat()} for a in acks],
            "authored": [{"announcement": a.id, "text": a.text, "status": a.status,
                          "created_at": a.created_at.isoformat(),
                          "files": [{"filename": f.filename, "url": f.permalink or f.url} for f in files_of(a)]}
                         for a in authored],
        }

    async def delete_member(self, session: AsyncSession, member: Member) -> None:
        await session.execute(delete(Acknowledgement).where(Acknowledgement.member_id == member.id))
        await session.execute(update(Announcement).where(Announcement.author_member_id == member.id)
                              .values(author_member_id=None))


def setup(core: Services) -> AnnouncementsCog:
    return AnnouncementsCog(core)
