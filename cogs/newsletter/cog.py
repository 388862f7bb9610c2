"""The weekly newsletter.

``/newsletter schedule every:"Friday 15:00"`` fixes its day and hour on the school's wall
clock; ``/newsletter add section: text:`` fills the template during the week;
``/newsletter preview`` shows the next edition in the teacher's language. Each edition is a
durable job (``newsletter.send``) that schedules the next one: it is posted in the
announcements channel (a Translate button for channel readers) and reaches DM and digest
readers in their language through the delivery service. A week with nothing in it is skipped
and the teacher is told.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.api import jobs as jobqueue
from bot.api.cog import Cog, button, command, job
from bot.api.commands import Choice, OptionSpec, OptionType
from bot.api.context import Context
from bot.api.errors import UserError
from bot.api.events import ButtonPressed
from bot.api.jobs import JobContext
from bot.api.messages import Button, Field, FileRef, FileUnavailable, Message
from bot.api.outbound import Outbound
from bot.api.refs import ChannelRef, MessageRef
from bot.api.roles import STAFF
from bot.api.services import Services
from bot.api.when import format_when
from bot.db.engine import lock_row
from bot.db.models import Community, Member
from bot.delivery import Content, Phrase, Reach, When, attached
from bot.i18n import N_, P_
from cogs.newsletter.models import Newsletter, NewsletterEdition, NewsletterItem
from cogs.newsletter.schedule import Weekly, next_after, parse_weekly

TOPIC = "newsletter"
log = logging.getLogger(__name__)
SEND_JOB = "newsletter.send"
#: the template, in the order an edition shows it
SECTIONS = {"this_week": N_("This week"), "next_week": N_("Next week"), "reminders": N_("Reminders"),
            "photos": N_("Photos")}
MAX_ITEM = 1000

MSG_TITLE = N_("Class newsletter")
MSG_SCHEDULED = N_("The newsletter goes out every {day} at {time} ({zone}); the next one on {when}. Add to it "
                   "with /newsletter add section: text: and look at it with /newsletter preview.")
MSG_ADDED = P_("Added to \"{section}\" of the next newsletter ({count} item so far).",
                "Added to \"{section}\" of the next newsletter ({count} items so far).")
MSG_EMPTY_TEXT = N_("Write what to add after text:")
MSG_TOO_LONG = N_("That is {length} characters; one newsletter item may have {limit}. Please shorten it.")
MSG_NO_CHANNEL = N_("I can't find the announcements channel. Ask an admin to create #{name}.")
MSG_NOTHING_YET = N_("Nothing has been added to the next newsletter yet. Add with /newsletter add section: text:")
MSG_NEXT = N_("Goes out {when}.")
MSG_UNSCHEDULED = N_("No day is set yet: /newsletter schedule every:\"Friday 15:00\".")
MSG_SKIPPED = N_("Nothing was added to the newsletter this week, so none went out on {when}. The next one is due "
                 "{next}.")
MSG_NO_EDITION = N_("There is no newsletter #{id} here.")
MSG_ATTACHED = N_("Attached")
MSG_FILE_GONE = N_("The newsletter of {when} went out without {file}: the file is no longer available. Share it "
                   "again with /newsletter add or /announce.")
MSG_FILE_REFUSED = N_("The newsletter of {when} went out without {file}: the platform would not take the file. "
                      "Post it in the channel yourself, or share it again with /announce.")


def subject_of(edition_id: int) -> str:
    return f"{TOPIC}:{edition_id}"


class NewsletterCog(Cog):
    name = "newsletter"
    personal_data_models = (Newsletter, NewsletterItem)

    # ----- the teacher's commands ---------------------------------------------------------
    @command("newsletter schedule", "When the weekly newsletter goes out",
             OptionSpec("every", "Day and time, e.g. \"Friday 15:00\"", required=True), allowed=STAFF)
    async def schedule(self, ctx: Context, every: str) -> None:
        community, member = ctx.require_community(), ctx.require_member()
        weekly = parse_weekly(every, ctx.language)
        zone = ZoneInfo(community.timezone)

        async def work(session: AsyncSession) -> datetime:
            letter = await self._newsletter(session, ctx, create=True)
            assert letter is not None
            letter.weekday, letter.at_time, letter.timezone = weekly.weekday, weekly.clock, community.timezone
            letter.author_member_id = member.id
            await jobqueue.cancel(session, f"newsletter:{letter.id}:")
            due = next_after(weekly, zone, ctx.now)
            await self._schedule(session, letter, due)
            return due

        due = await ctx.transaction(work)
        await ctx.reply(MSG_SCHEDULED, day=self._day_name(weekly.weekday, ctx.language), time=weekly.clock,
                        zone=zone.key, when=format_when(due, ctx.language, zone))

    @command("newsletter add", "Add something to the next newsletter",
             OptionSpec("section", "Which part of the newsletter", required=True,
                        choices=tuple(Choice(key.replace("_", " "), key) for key in SECTIONS)),
             OptionSpec("text", "What to add", required=True, long=True),
             OptionSpec("attach", "A photo or a PDF to go out with it", type=OptionType.ATTACHMENT), allowed=STAFF)
    async def add(self, ctx: Context, section: str, text: str, attach: FileRef | None = None) -> None:
        member = ctx.require_member()
        section = section.strip().lower().replace(" ", "_")
        if section not in SECTIONS:
            raise UserError(N_("There is no section \"{section}\"; choose one of: {sections}."), section=section,
                            sections=", ".join(key.replace("_", " ") for key in SECTIONS))
        text = text.strip()
        if not text:
            raise UserError(MSG_EMPTY_TEXT)
        if len(text) > MAX_ITEM:
            raise UserError(MSG_TOO_LONG, length=len(text), limit=MAX_ITEM)

        async def work(session: AsyncSession) -> int:
            letter = await self._newsletter(session, ctx, create=True)
            assert letter is not None
            session.add(NewsletterItem(newsletter_id=letter.id, author_member_id=member.id, section=section,
                                       text=text, language=ctx.language, created_at=ctx.now,
                                       files=[attach.to_json()] if attach is not None else []))
            await session.flush()
            return int(await session.scalar(select(func.count()).select_from(NewsletterItem).where(
                NewsletterItem.newsletter_id == letter.id, NewsletterItem.edition_id.is_(None))) or 0)

        count = await ctx.transaction(work)
        await ctx.reply(MSG_ADDED, section=await ctx.t(SECTIONS[section]), count=count)

    @command("newsletter preview", "See the next newsletter as families will", allowed=STAFF)
    async def preview(self, ctx: Context) -> None:
        community, member = ctx.require_community(), ctx.require_member()
        async with self.core.db.read() as session:
            letter = await self._newsletter(session, ctx)
            items = await self._pending(session, letter.id) if letter is not None else []
            due = await self._next_due(session, letter) if letter is not None else None
        when = (await ctx.t(MSG_NEXT, when=format_when(due, ctx.language, self.core.zone_of(member, community)))
                if due is not None else await ctx.t(MSG_UNSCHEDULED))
        if not items:
            await ctx.reply_message(Message(text=f"{await ctx.t(MSG_NOTHING_YET)}\n{when}"))
            return
        message = await self.core.deliveries.render_content(await self._content(items, None), member, community)
        await ctx.reply_message(Message(title=message.title, text=f"{when}\n\n{message.text}", fields=message.fields))

    # ----- sending ------------------------------------------------------------------------
    async def _schedule(self, session: AsyncSession, letter: Newsletter, due: datetime) -> None:
        await self.core.schedule(session, SEND_JOB, {"newsletter": letter.id, "due": due.isoformat()}, due,
                                 dedupe_key=f"newsletter:{letter.id}:{due:%Y-%m-%dT%H:%M}")

    @job(SEND_JOB)
    async def send(self, job_ctx: JobContext) -> None:
        """One edition: the items added since the last one, or a note to the teacher when
        there are none; then the next week's job. A retried job reuses its edition."""
        due = datetime.fromisoformat(job_ctx.payload["due"])
        async with self.core.db.write() as session:
            letter = await lock_row(session, Newsletter, job_ctx.payload["newsletter"])
            community = await session.get(Community, letter.community_id) if letter else None
            if letter is None or community is None or letter.weekday is None:
                return
            builder = self.core.db.insert
            await session.execute(builder(NewsletterEdition).values(newsletter_id=letter.id, due_at=due,
                                                                    status="posting")
                                  .on_conflict_do_nothing(index_elements=["newsletter_id", "due_at"]))
            edition = await session.scalar(select(NewsletterEdition).where(
                NewsletterEdition.newsletter_id == letter.id, NewsletterEdition.due_at == due))
            assert edition is not None
            if edition.status != "posting":
                return  # done by an earlier run
            await session.execute(update(NewsletterItem).where(
                NewsletterItem.newsletter_id == letter.id, NewsletterItem.edition_id.is_(None),
                NewsletterItem.created_at <= due).values(edition_id=edition.id))
            items = list((await session.scalars(select(NewsletterItem).where(
                NewsletterItem.edition_id == edition.id).order_by(NewsletterItem.id))).all())
            weekly = Weekly(letter.weekday, time.fromisoformat(letter.at_time or "15:00"))
            upcoming = next_after(weekly, ZoneInfo(letter.timezone), due)
            await self._schedule(session, letter, upcoming)
            if not items:
                edition.status = "skipped"
                author = await session.get(Member, letter.author_member_id) if letter.author_member_id else None
                if author is not None:
                    await self.core.deliveries.enqueue(
                        session, community, [author], topic="newsletter.skipped",
                        subject=f"{TOPIC}:skipped:{edition.id}",
                        content=Content(body=Phrase.of(MSG_SKIPPED, when=When(due),
                                                       next=When(upcoming))))
                return
        outbound = self.core.outbound(community.platform)
        channel = ChannelRef(community.platform, letter.channel_id, self.core.community_ref(community))
        message = await self._post(edition, items, community)
        gone: list[FileRef] = []
        while True:
            try:
                posted = await outbound.post(channel, message)
                break
            except FileUnavailable as exc:  # the rest of the edition still goes out; the author is told
                gone.append(exc.file)
                message = replace(message, files=tuple(f for f in message.files if f != exc.file))
        link = await self._permalink(outbound, posted) if message.files else None
        async with self.core.db.write() as session:
            fresh = await lock_row(session, NewsletterEdition, edition.id)
            if fresh is None or fresh.status != "posting":
                return
            fresh.status, fresh.message_id, fresh.posted_at = "posted", posted.id, self.core.clock.now()
            readers = await self._readers(session, community.id)
            await self.core.deliveries.enqueue(session, community, readers, topic=TOPIC, subject=subject_of(edition.id),
                                               content=await self._content(items, edition.id, link,
                                                                           gone + list(posted.files_missing)),
                                               reach=Reach.BROADCAST)
            notices = [(f, MSG_FILE_GONE) for f in gone] + [(f, MSG_FILE_REFUSED) for f in posted.files_missing]
            for file, msgid in notices:
                owner = next((i.author_member_id for i in items if file.to_json() in (i.files or [])), None)
                author = await session.get(Member, owner) if owner is not None else None
                if author is not None:
                    await self.core.deliveries.enqueue(
                        session, community, [author], topic="newsletter.file", subject=f"{TOPIC}:file:{edition.id}",
                        cause=f"{file.platform}:{file.id}",
                        content=Content(body=Phrase.of(msgid, when=When(due), file=file.filename)))

    @staticmethod
    async def _permalink(outbound: Outbound, posted: MessageRef) -> str | None:
        """Where a DM's links point; the post exists, so no answer is no reason to post again."""
        try:
            return await outbound.permalink(posted)
        except Exception:
            log.warning("newsletter: no link to the post %s", posted.id, exc_info=True)
            return None

    async def _readers(self, session: AsyncSession, community_id: int) -> list[Member]:
        """Everyone in the community but the bot (the delivery service keeps channel readers
        out: they have the post)."""
        return list((await session.scalars(select(Member).where(
            Member.community_id == community_id, Member.left_at.is_(None), Member.is_bot.is_(False)))).all())

    async def _post(self, edition: NewsletterEdition, items: list[NewsletterItem], community: Community) -> Message:
        """The channel post: each section as written, headings in the community's language."""
        lang = community.default_language
        fields = []
        for key, heading in SECTIONS.items():
            texts = [item.text for item in items if item.section == key]
            if texts:
                fields.append(Field(await self.core.localize(lang, heading), "\n".join(f"• {t}" for t in texts)))
        return Message(title=await self.core.localize(lang, MSG_TITLE), fields=tuple(fields), files=_files(items),
                       footer=f"#{edition.id} · {format_when(edition.due_at, lang, ZoneInfo(community.timezone))}",
                       buttons=(Button(await self.core.localize(lang, "Translate"), "newsletter.translate",
                                       str(edition.id)),))

    async def _content(self, items: list[NewsletterItem], edition_id: int | None, post_link: str | None = None,
                       gone: list[FileRef] | None = None) -> Content:
        """An edition in no language yet: the sections, headed in the teachers' language, are
        their words and go into each reader's language as one text (one translation, and one
        note if the provider is down); its files as links (the channel post that carries
        them, where the platform has one)."""
        files = [f for f in _files(items) if f not in (gone or [])]
        lang = items[0].language if items else "en"
        parts = []
        for key, heading in SECTIONS.items():
            chosen = [item.text for item in items if item.section == key]
            if chosen:
                parts.append("\n".join([f"{await self.core.localize(lang, heading)}:", *(f"• {t}" for t in chosen)]))
        return Content(title=Phrase.of(MSG_TITLE),
                       body=Phrase.words("\n\n".join(parts), lang, items[0].author_member_id if items else None),
                       fields=attached(MSG_ATTACHED, files, post_link),
                       footer=f"#{edition_id}" if edition_id is not None else None)

    @button("newsletter.translate")
    async def translate(self, ctx: Context, event: ButtonPressed) -> None:
        community, member = ctx.require_community(), ctx.require_member()
        number = int(event.value) if event.value.isdigit() else None
        async with self.core.db.read() as session:
            edition = await session.get(NewsletterEdition, number) if number is not None else None
            letter = await session.get(Newsletter, edition.newsletter_id) if edition is not None else None
            if edition is None or letter is None or letter.community_id != community.id or edition.status != "posted":
                raise UserError(MSG_NO_EDITION, id=event.value)
            items = list((await session.scalars(select(NewsletterItem).where(
                NewsletterItem.edition_id == edition.id).order_by(NewsletterItem.id))).all())
        await ctx.reply_message(await self.core.deliveries.render_content(await self._content(items, edition.id),
                                                                          member, community))

    # ----- helpers ------------------------------------------------------------------------
    async def _newsletter(self, session: AsyncSession, ctx: Context, *, create: bool = False) -> Newsletter | None:
        community = ctx.require_community()
        letter = await session.scalar(select(Newsletter).where(Newsletter.community_id == community.id))
        if letter is not None or not create:
            return letter
        channel = await self.core.channel(community, "announcements")
        if channel is None:
            raise UserError(MSG_NO_CHANNEL, name=self.core.config.channels.announcements)
        builder = self.core.db.insert
        await session.execute(builder(Newsletter).values(
            community_id=community.id, author_member_id=ctx.require_member().id, timezone=community.timezone,
            channel_id=channel.id, created_at=ctx.now).on_conflict_do_nothing(index_elements=["community_id"]))
        return await session.scalar(select(Newsletter).where(Newsletter.community_id == community.id))

    @staticmethod
    async def _pending(session: AsyncSession, newsletter_id: int) -> list[NewsletterItem]:
        return list((await session.scalars(select(NewsletterItem).where(
            NewsletterItem.newsletter_id == newsletter_id, NewsletterItem.edition_id.is_(None))
            .order_by(NewsletterItem.id))).all())

    async def _next_due(self, session: AsyncSession, letter: Newsletter) -> datetime | None:
        if letter.weekday is None:
            return None
        return next_after(Weekly(letter.weekday, time.fromisoformat(letter.at_time or "15:00")),
                          ZoneInfo(letter.timezone), self.core.clock.now())

    @staticmethod
    def _day_name(weekday: int, lang: str | None) -> str:
        from babel.dates import get_day_names

        from bot.api.when import babel_locale

        try:
            return str(get_day_names("wide", locale=babel_locale(lang))[weekday])
        except Exception:
            return str(get_day_names("wide", locale="en")[weekday])

    # ----- privacy ------------------------------------------------------------------------
    async def export_member(self, session: AsyncSession, member: Member) -> dict[str, Any]:
        items = (await session.scalars(select(NewsletterItem).where(
            NewsletterItem.author_member_id == member.id))).all()
        return {"newsletter_items": [{"section": i.section, "text": i.text, "added": i.created_at.isoformat(),
                                      "files": [{"filename": f["filename"], "url": f.get("permalink") or f["url"]}
                                                for f in i.files or []]}
                                     for i in items]} if items else {}

    async def delete_member(self, session: AsyncSession, member: Member) -> None:
        await session.execute(delete(NewsletterItem).where(NewsletterItem.author_member_id == member.id,
                                                           NewsletterItem.edition_id.is_(None)))
        await session.execute(update(NewsletterItem).where(NewsletterItem.author_member_id == member.id)
                              .values(author_member_id=None))
        await session.execute(update(Newsletter).where(Newsletter.author_member_id == member.id)
                              .values(author_member_id=None))

    # ----- retention ----------------------------------------------------------------------
    def expired_rows(self, cutoffs: dict[str, datetime]) -> dict[str, tuple[Any, Any]]:
        """Editions due before the deliveries' retention, their items first (an item whose
        edition is gone would look unsent and go out again); the schedule itself stays."""
        old = select(NewsletterEdition.id).where(NewsletterEdition.due_at < cutoffs["deliveries"])
        return {"newsletter_items": (NewsletterItem, NewsletterItem.edition_id.in_(old)),
                "newsletter_editions": (NewsletterEdition, NewsletterEdition.due_at < cutoffs["deliveries"])}


def _files(items: list[NewsletterItem]) -> tuple[FileRef, ...]:
    return tuple(FileRef.from_json(data) for item in items for data in item.files or ())


def setup(core: Services) -> NewsletterCog:
    return NewsletterCog(core)
