"""Emergency alerts.

``/alert`` stores a draft and shows its author a preview with a confirm button: nothing goes
out until it is pressed. Confirming passes the community's rate limit (one conditional update
of :class:`AlertGate`), records the alert in the audit log and, in the same transaction,
queues it for every family through the delivery service as ``emergency`` (a DM to every
family whatever they chose, quiet hours ignored) and schedules the channel post and the
follow-up. The follow-up sends it again to families who have not pressed "Got it" and gives
the author a list of who is still unreached, edited as families answer.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.api.cog import Cog, button, command, job
from bot.api.commands import OptionSpec, OptionType
from bot.api.context import Context
from bot.api.errors import UserError
from bot.api.events import ButtonPressed
from bot.api.families import Family, member_names
from bot.api.jobs import JobContext
from bot.api.messages import Button, ButtonStyle, Message, Tone
from bot.api.refs import ChannelRef
from bot.api.roles import STAFF, Role
from bot.api.services import Services
from bot.api.when import format_when
from bot.db.engine import lock_row
from bot.db.models import Community, Member
from bot.delivery import Action, Content, Item, Phrase, Reach, Urgency
from bot.delivery.models import OutboxEntry
from bot.i18n import N_, P_
from cogs.alerts.models import Alert, AlertAck, AlertGate

TOPIC = "alert"
#: when the channel post is tried again if the confirming process died before posting it
POST_FALLBACK = timedelta(minutes=1)
LIST_TOPIC = "alert.unreached"

MSG_TITLE = N_("Emergency alert")
MSG_FOLLOW_UP_TITLE = N_("Emergency alert (sent again: please press Got it)")
MSG_PREVIEW = N_("Nothing has been sent yet. Press \"Send to every family\" to alert every family at once, "
                 "in their language, even during quiet hours.")
MSG_SEND = N_("Send to every family")
MSG_CANCEL = N_("Cancel")
MSG_EMPTY = N_("Your alert is empty. Write the text after text:")
MSG_TOO_LONG = N_("Your alert is {length} characters; this platform allows {limit}. Please shorten it.")
MSG_OVERRIDE_ADMINS = N_("Only an admin can send an alert inside the waiting time (override:true).")
MSG_RATE_LIMITED = P_("An alert went out {count} minute ago; the next one can go out at {when}. "
                      "If this cannot wait, an admin can send it with override:true.",
                      "An alert went out {count} minutes ago; the next one can go out at {when}. "
                      "If this cannot wait, an admin can send it with override:true.")
MSG_NO_CHANNEL = N_("I can't find the announcements channel. Ask an admin to create #{name}.")
MSG_NOT_YOURS = N_("Only the person who wrote this alert can send or cancel it.")
MSG_NO_ALERT = N_("There is no alert #{id} here.")
MSG_ALREADY_SENT = N_("Alert #{id} has already gone out.")
MSG_CANCELLED = N_("Alert #{id} was cancelled. Nothing was sent.")
MSG_NOT_DRAFT = N_("Alert #{id} was cancelled earlier, so it cannot be sent. Write a new /alert.")
MSG_EXPIRED = N_("This confirmation is too old. Nothing was sent; please write the alert again.")
# two counts (families, minutes), so two sentences, each with its own plural choice
MSG_GOING_OUT = P_("Alert #{id} is going out now to {count} family, in their language.",
                   "Alert #{id} is going out now to {count} families, each in their language.")
MSG_FOLLOW_UP = P_("In {count} minute it goes again to every family who has not pressed Got it, and you get "
                   "the list of who is still unreached.",
                   "In {count} minutes it goes again to every family who has not pressed Got it, and you get "
                   "the list of who is still unreached.")
MSG_THANKS = N_("Thank you! The school can see that you got the alert.")
MSG_ALREADY = N_("You already told us you saw this. Thank you!")
# {unreached} stands bare: only {count} has a noun
MSG_LIST_TITLE = P_("Alert #{id} — not reached yet: {unreached} of {count} family",
                    "Alert #{id} — not reached yet: {unreached} of {count} families")
MSG_LIST_NONE = N_("Every family has pressed Got it.")
MSG_LIST_NAMES = N_("Not confirmed yet: {names}")
MSG_LIST_CLOSED = N_("Cannot receive direct messages (please call them): {names}")


def subject_of(alert_id: int) -> str:
    return f"{TOPIC}:{alert_id}"


def _alert_number(value: str) -> int | None:
    return int(value) if value.isdigit() else None


class AlertsCog(Cog):
    name = "alerts"
    personal_data_models = (Alert, AlertAck)

    def __init__(self, core: Services) -> None:
        super().__init__(core)
        core.deliveries.on_seen(TOPIC, self._seen)

    @property
    def settings(self) -> Any:
        return self.core.config.section("alerts")

    # ----- writing and confirming --------------------------------------------------------
    @command("alert", "Send an emergency alert to every family at once (you confirm first)",
             OptionSpec("text", "What every family must know now", required=True, long=True),
             OptionSpec("override", "Admins: send even inside the waiting time between alerts",
                        type=OptionType.BOOLEAN),
             allowed=STAFF)
    async def alert(self, ctx: Context, text: str, override: bool = False) -> None:
        community, member = ctx.require_community(), ctx.require_member()
        text = text.strip()
        if not text:
            raise UserError(MSG_EMPTY)
        limit = ctx.outbound.capabilities.max_text_length - 200  # room for the header and the mention
        if len(text) > limit:
            raise UserError(MSG_TOO_LONG, length=len(text), limit=limit)
        if override and not ctx.has_role(Role.ADMIN):
            raise UserError(MSG_OVERRIDE_ADMINS)
        channel = await self.core.channel(community, "announcements")
        if channel is None:
            raise UserError(MSG_NO_CHANNEL, name=self.core.config.channels.announcements)
        if not override:
            async with self.core.db.read() as session:
                await self._check_window(session, community, member, ctx.now)
        async with ctx.write() as session:
            row = Alert(community_id=community.id, author_member_id=member.id, text=text, language=ctx.language,
                        channel_id=channel.id, status="draft", override=bool(override), created_at=ctx.now)
            session.add(row)
            await session.flush()
            await self.core.audit(session, community.id, member, "alert.drafted", "alert", row.id)
        await ctx.reply_message(Message(
            title=await ctx.t(MSG_TITLE), text=f"{text}\n\n{await ctx.t(MSG_PREVIEW)}", tone=Tone.ALERT,
            footer=f"#{row.id}",
            buttons=(Button(await ctx.t(MSG_SEND), "alert.confirm", str(row.id), ButtonStyle.DANGER),
                     Button(await ctx.t(MSG_CANCEL), "alert.cancel", str(row.id)))))

    async def _check_window(self, session: AsyncSession, community: Community, member: Member,
                            now: datetime) -> None:
        """A kind refusal, saying when the next alert may go out, inside the rate limit."""
        last = await session.scalar(select(AlertGate.last_sent_at).where(AlertGate.community_id == community.id))
        window = timedelta(minutes=self.settings.rate_limit_minutes)
        if last is not None and now < last + window:
            raise UserError(MSG_RATE_LIMITED, count=int((now - last).total_seconds() // 60),
                            when=format_when(last + window, self.core.language_of(member, community),
                                             self.core.zone_of(member, community)))

    async def _draft(self, ctx: Context, value: str) -> Alert:
        """The draft this button names, pressed by its author (a value naming someone else's
        alert, or another community's, changes nothing)."""
        community, member = ctx.require_community(), ctx.require_member()
        number = _alert_number(value)
        async with self.core.db.read() as session:
            row = await session.get(Alert, number) if number is not None else None
        if row is None or row.community_id != community.id:
            raise UserError(MSG_NO_ALERT, id=value)
        if row.author_member_id != member.id:
            raise UserError(MSG_NOT_YOURS)
        return row

    @button("alert.confirm")
    async def confirm(self, ctx: Context, event: ButtonPressed) -> None:
        draft = await self._draft(ctx, event.value)
        community, member = ctx.require_community(), ctx.require_member()
        now = ctx.now
        if now > draft.created_at + timedelta(minutes=self.settings.confirm_minutes) and draft.status == "draft":
            raise UserError(MSG_EXPIRED)

        async def send(session: AsyncSession) -> int:
            row = await lock_row(session, Alert, draft.id)
            assert row is not None
            if row.status == "sent":
                raise UserError(MSG_ALREADY_SENT, id=row.id)
            if row.status != "draft":
                raise UserError(MSG_NOT_DRAFT, id=row.id)
            if not await self._pass_gate(session, community.id, now, override=row.override):
                await self._check_window(session, community, member, now)
                raise UserError(MSG_ALREADY_SENT, id=row.id)
            row.status, row.sent_at = "sent", now
            await self.core.audit(session, community.id, member, "alert.sent", "alert", row.id)
            if row.override:
                await self.core.audit(session, community.id, member, "alert.override", "alert", row.id)
            families = [f for f in await self.core.families.audience(session, community.id) if f.id != member.id]
            await self.core.deliveries.enqueue(
                session, community, families, topic=TOPIC, subject=subject_of(row.id), cause=f"{subject_of(row.id)}:1",
                content=self._content(row, MSG_TITLE), reach=Reach.BROADCAST, urgency=Urgency.EMERGENCY,
                tracked=True, sender=member)
            # posted right after this commit; the job is the fallback for a process that dies first
            await self.core.schedule(session, "alert.post", {"alert": row.id}, now + POST_FALLBACK,
                                     dedupe_key=f"alert:{row.id}:post")
            await self.core.schedule(session, "alert.follow_up", {"alert": row.id},
                                     now + timedelta(minutes=self.settings.follow_up_minutes),
                                     dedupe_key=f"alert:{row.id}:follow-up")
            return len(families)

        count = await ctx.transaction(send)
        await self._post(draft.id)
        going = await ctx.t(MSG_GOING_OUT, id=draft.id, count=count)
        follow_up = await ctx.t(MSG_FOLLOW_UP, count=self.settings.follow_up_minutes)
        await ctx.reply_message(Message(text=f"{going} {follow_up}"))

    async def _pass_gate(self, session: AsyncSession, community_id: int, now: datetime, *, override: bool) -> bool:
        """Claim the community's alert slot: True when this alert may go out now. One
        conditional update, so of two confirmations at one moment only one passes."""
        builder = self.core.db.insert
        await session.execute(builder(AlertGate).values(community_id=community_id, last_sent_at=None)
                              .on_conflict_do_nothing(index_elements=["community_id"]))
        condition = AlertGate.community_id == community_id
        if not override:
            window = timedelta(minutes=self.settings.rate_limit_minutes)
            condition = and_(condition, or_(AlertGate.last_sent_at.is_(None), AlertGate.last_sent_at <= now - window))
        result = await session.execute(update(AlertGate).where(condition).values(last_sent_at=now))
        return bool(getattr(result, "rowcount", 0))

    @button("alert.cancel")
    async def cancel(self, ctx: Context, event: ButtonPressed) -> None:
        draft = await self._draft(ctx, event.value)
        async with ctx.write() as session:
            row = await lock_row(session, Alert, draft.id)
            assert row is not None
            if row.status == "sent":
                raise UserError(MSG_ALREADY_SENT, id=row.id)
            row.status = "cancelled"
            await self.core.audit(session, row.community_id, ctx.require_member(), "alert.cancelled", "alert", row.id)
        await ctx.reply(MSG_CANCELLED, id=draft.id)

    # ----- going out ----------------------------------------------------------------------
    @staticmethod
    def _content(row: Alert, title: str) -> Content:
        return Content(title=Phrase.of(title), body=Phrase.words(row.text, row.language), tone=Tone.ALERT,
                       actions=(Action(N_("Show original"), "alert.original", str(row.id), with_translation=True),),
                       footer=f"#{row.id}")

    @job("alert.post")
    async def post(self, job_ctx: JobContext) -> None:
        await self._post(job_ctx.payload["alert"])

    async def _post(self, alert_id: int) -> None:
        """The alert in the announcements channel, notifying everyone there, with its buttons."""
        async with self.core.db.read() as session:
            row = await session.get(Alert, alert_id)
            community = await session.get(Community, row.community_id) if row else None
        if row is None or community is None or row.status != "sent" or row.message_id:
            return
        lang = community.default_language
        message = Message(
            title=await self.core.localize(lang, MSG_TITLE), text=row.text, tone=Tone.ALERT, notify_channel=True,
            footer=f"#{row.id}",
            buttons=(Button(await self.core.localize(lang, "Translate"), "alert.translate", str(row.id)),
                     Button(await self.core.localize(lang, "Got it ✓"), "alert.ack", str(row.id),
                            ButtonStyle.SUCCESS)))
        posted = await self.core.outbound(community.platform).post(
            ChannelRef(community.platform, row.channel_id, self.core.community_ref(community)), message)
        async with self.core.db.write() as session:
            await session.execute(update(Alert).where(Alert.id == row.id).values(message_id=posted.id))

    @job("alert.follow_up")
    async def follow_up(self, job_ctx: JobContext) -> None:
        """Send the alert again to every family who has not pressed "Got it", and give the
        author the list of who is still unreached (kept current as families answer)."""
        now = self.core.clock.now()
        async with self.core.db.write() as session:
            row = await lock_row(session, Alert, job_ctx.payload["alert"])
            community = await session.get(Community, row.community_id) if row else None
            if row is None or community is None or row.status != "sent" or row.followed_up_at is not None:
                return
            row.followed_up_at = now
            acked = set((await session.scalars(select(AlertAck.member_id).where(AlertAck.alert_id == row.id))).all())
            families = [f for f in await self.core.families.audience(session, community.id)
                        if f.id != row.author_member_id and f.id not in acked]
            await self.core.deliveries.enqueue(
                session, community, families, topic=TOPIC, subject=subject_of(row.id), cause=f"{subject_of(row.id)}:2",
                content=self._content(row, MSG_FOLLOW_UP_TITLE), reach=Reach.BROADCAST, urgency=Urgency.EMERGENCY,
                tracked=True)
            await self.core.audit(session, community.id, None, "alert.follow_up", "alert", row.id)
            author = await session.get(Member, row.author_member_id) if row.author_member_id else None
            if author is not None:
                await self.core.deliveries.enqueue(
                    session, community, [author], topic=LIST_TOPIC, subject=f"{subject_of(row.id)}:unreached",
                    content=await self._unreached(session, row), urgency=Urgency.URGENT)

    async def _unreached(self, session: AsyncSession, row: Alert) -> Content:
        """The families no one of whom has pressed "Got it" (counted through the family
        directory: co-parents are one family), by name, and those none of whose guardians can
        get a direct message at all."""
        acked = set((await session.scalars(select(AlertAck.member_id).where(AlertAck.alert_id == row.id))).all())
        families = [f for f in await self.core.families.families(session, row.community_id)
                    if f.member_ids != (row.author_member_id,)]
        waiting = [f for f in families if not acked & set(f.member_ids)]
        people = {m.id: m for m in await self.core.families.audience(session, row.community_id)}
        known = await member_names(session, {m for f in waiting for m in f.member_ids})

        def name(family: Family) -> str:
            return family.label or ", ".join(known.get(m, f"member {m}") for m in family.member_ids) or family.key

        def unreachable(family: Family) -> bool:
            readers = [people[m] for m in family.member_ids if m in people]
            return all(m.dms_closed for m in readers)

        closed = [name(f) for f in waiting if unreachable(f)]
        names = [name(f) for f in waiting if not unreachable(f)]
        title = Phrase.of(MSG_LIST_TITLE, id=row.id, unreached=len(waiting), count=len(families))
        if not waiting:
            return Content(title=title, body=Phrase.of(MSG_LIST_NONE))
        body = Phrase.of(MSG_LIST_NAMES, names=", ".join(names)) if names else Phrase.of(MSG_LIST_CLOSED,
                                                                                         names=", ".join(closed))
        fields: tuple[Item, ...] = ()
        if names and closed:
            fields = (Item(Phrase.exact("☎"), Phrase.of(MSG_LIST_CLOSED, names=", ".join(closed))),)
        return Content(title=title, body=body, fields=fields, footer=f"#{row.id}")

    async def _refresh_list(self, alert_id: int) -> None:
        """Edit the author's unreached list in place (where the platform edits DMs)."""
        async with self.core.db.read() as session:
            row = await session.get(Alert, alert_id)
            if row is None or row.followed_up_at is None:
                return
            content = await self._unreached(session, row)
        await self.core.deliveries.revise(f"{subject_of(alert_id)}:unreached", content)

    # ----- acknowledgements ---------------------------------------------------------------
    async def _record_ack(self, session: AsyncSession, alert_id: int, member_id: int) -> bool:
        builder = self.core.db.insert
        result = await session.execute(builder(AlertAck).values(alert_id=alert_id, member_id=member_id,
                                                                at=self.core.clock.now())
                                       .on_conflict_do_nothing(index_elements=["alert_id", "member_id"]))
        added = bool(getattr(result, "rowcount", 0))
        if added:
            self.core.debouncer.request(f"alert:{alert_id}:unreached", lambda: self._refresh_list(alert_id))
        return added

    async def _seen(self, session: AsyncSession, entry: OutboxEntry) -> None:
        """"Got it" on an alert DM (first or follow-up) counts for the alert."""
        await self._record_ack(session, int(entry.subject.rsplit(":", 1)[1]), entry.member_id)

    async def _sent_alert(self, ctx: Context, value: str) -> Alert:
        """An alert this person may have been shown: sent, in their community."""
        community = ctx.require_community()
        number = _alert_number(value)
        async with self.core.db.read() as session:
            row = await session.get(Alert, number) if number is not None else None
        if row is None or row.community_id != community.id or row.status != "sent":
            raise UserError(MSG_NO_ALERT, id=value)
        return row

    @button("alert.ack")
    async def acknowledge(self, ctx: Context, event: ButtonPressed) -> None:
        row = await self._sent_alert(ctx, event.value)
        async with ctx.write() as session:
            added = await self._record_ack(session, row.id, ctx.require_member().id)
        await ctx.reply(MSG_THANKS if added else MSG_ALREADY)

    @button("alert.translate")
    async def translate(self, ctx: Context, event: ButtonPressed) -> None:
        row = await self._sent_alert(ctx, event.value)
        text = row.text
        if row.language != ctx.language:
            text, _ = await self.core.translated(row.text, ctx.language, source=row.language,
                                                 community_id=row.community_id)
        await ctx.reply_message(Message(title=await ctx.t(MSG_TITLE), text=text, tone=Tone.ALERT,
                                        footer=f"#{row.id}"))

    @button("alert.original")
    async def original(self, ctx: Context, event: ButtonPressed) -> None:
        row = await self._sent_alert(ctx, event.value)
        await ctx.reply_message(Message(title=await ctx.t(MSG_TITLE), text=row.text, tone=Tone.ALERT,
                                        footer=f"#{row.id}"))

    @command("alerts", "Who has not confirmed an alert yet (the latest, or id:)",
             OptionSpec("id", "Alert number (default: the latest)", type=OptionType.INTEGER), allowed=STAFF)
    async def status(self, ctx: Context, id: int | None = None) -> None:
        community = ctx.require_community()
        async with self.core.db.read() as session:
            if id is None:
                row = await session.scalar(select(Alert).where(Alert.community_id == community.id,
                                                               Alert.status == "sent")
                                           .order_by(Alert.id.desc()).limit(1))
            else:
                row = await session.get(Alert, id)
            if row is None or row.community_id != community.id or row.status != "sent":
                raise UserError(MSG_NO_ALERT, id=id if id is not None else "")
            content = await self._unreached(session, row)
        member = ctx.require_member()
        await ctx.reply_message(await self.core.deliveries.render_content(content, member, community))

    # ----- privacy ------------------------------------------------------------------------
    async def export_member(self, session: AsyncSession, member: Member) -> dict[str, Any]:
        acks = (await session.scalars(select(AlertAck).where(AlertAck.member_id == member.id))).all()
        written = (await session.scalars(select(Alert).where(Alert.author_member_id == member.id))).all()
        data: dict[str, Any] = {}
        if acks:
            data["alerts_confirmed"] = [{"alert": a.alert_id, "at": a.at.isoformat()} for a in acks]
        if written:
            data["alerts_written"] = [{"alert": a.id, "text": a.text, "status": a.status} for a in written]
        return data

    async def delete_member(self, session: AsyncSession, member: Member) -> None:
        await session.execute(delete(AlertAck).where(AlertAck.member_id == member.id))
        await session.execute(update(Alert).where(Alert.author_member_id == member.id).values(author_member_id=None))

    # ----- retention ----------------------------------------------------------------------
    def expired_rows(self, cutoffs: dict[str, datetime]) -> dict[str, tuple[Any, Any]]:
        """Alerts (with who confirmed them) older than the deliveries' retention."""
        return {"alerts": (Alert, Alert.created_at < cutoffs["deliveries"])}


def setup(core: Services) -> AlertsCog:
    return AlertsCog(core)
