"""Volunteer sign-ups by reaction (or by button / select menu when a card has more slots
than a message can hold reactions, or slots without emoji).

Every change of a family's place is written with the event's de-duplication key in one
transaction (``ctx.transaction``), under a lock on the sign-up row, and the family's notice
is queued with the delivery service in that same transaction (keyed by cause, family and
slot), so each family hears exactly once about each change of its own state, even when the
platform redelivers or the process restarts. Card edits are coalesced by the core's debouncer and re-rendered from
the database. Reconciliation after downtime lives in :mod:`cogs.signups.reconcile`.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.api import fallbacks
from bot.api import jobs as jobqueue
from bot.api.cog import Cog, button, command, job, listener
from bot.api.commands import OptionSpec, OptionType
from bot.api.context import Context
from bot.api.emoji import Emoji
from bot.api.emoji import parse as parse_emoji
from bot.api.errors import UserError
from bot.api.events import ButtonPressed, ReactionAdded, ReactionRemoved
from bot.api.ids import record_id
from bot.api.jobs import JobContext
from bot.api.messages import Attachment, Field, FileRef, FileUnavailable, Message
from bot.api.refs import ChannelRef, MessageRef, UserRef
from bot.api.roles import ORGANISERS, Role
from bot.api.services import Services
from bot.api.when import format_when, future_time
from bot.db.models import Community, Member
from bot.delivery import Content, Phrase, Reach, When, file_links
from bot.i18n import N_, P_
from cogs.signups import notices
from cogs.signups import reminders as reminders_mod
from cogs.signups.batch import ReactionBatcher, ReactionRequest
from cogs.signups.card import render_card
from cogs.signups.models import Claim, Signup, Slot
from cogs.signups.reconcile import Reconciler
from cogs.signups.roster import roster_csv, roster_rows
from cogs.signups.rules import GIVEN_UP, PRESS_WORDING, Outcome, decide
from cogs.signups.slots import check_custom_emoji, parse_slots
from cogs.signups.store import Ledger, lock_signup

#: the answer for a number that names no signup (also past the database's range)
NO_SUCH_SIGNUP = N_("There is no sign-up #{id} here.")

log = logging.getLogger(__name__)

MSG_CANCELLED = N_("\"{title}\" was cancelled. Thank you for volunteering!")
MSG_MOVED = N_("\"{title}\" has a new time: {when}.")
#: old job kinds: rows queued by an earlier release become deliveries
CANCELLED_JOB = "signup.cancelled"
MOVED_JOB = "signup.moved"

class SignupsCog(Cog):
    name = "signups"
    personal_data_models = (Signup, Claim)

    def __init__(self, core: Services) -> None:
        super().__init__(core)
        #: (community id, message id) -> sign-up id; cards never move.
        self._cards: dict[tuple[int, str], int] = {}
        #: (sign-up id, emoji key or slot id) -> slot; slots never change once posted.
        self._slots: dict[tuple[int, str], Slot] = {}
        self.reconciler = Reconciler(self)
        self.batcher = ReactionBatcher(self)

    # ----- creating ------------------------------------------------------------------------
    @command("signup create", "Post a volunteer sign-up families join by reacting",
             OptionSpec("title", "What it is for", required=True),
             OptionSpec("slots", "Slots: \"🚌 Chaperone x4; 🍪 Snacks x2\"", required=True, long=True),
             OptionSpec("when", "When the event is, e.g. \"Friday 9am\""),
             OptionSpec("closes", "When sign-ups close"),
             OptionSpec("per_family", "Most slots one family may take (default 1)", type=OptionType.INTEGER,
                        min_value=1, max_value=50),
             OptionSpec("reminders", "Reminders before the event, e.g. \"24h,1h\""),
             OptionSpec("description", "More details", long=True),
             OptionSpec("attach", "A flyer or a form to post with it (an image or a PDF)",
                        type=OptionType.ATTACHMENT),
             allowed=ORGANISERS)
    async def create(self, ctx: Context, title: str, slots: str, when: str | None = None, closes: str | None = None,
                     per_family: int = 1, reminders: str | None = None, description: str | None = None,
                     attach: FileRef | None = None) -> None:
        community, member = ctx.require_community(), ctx.require_member()
        title = title.strip()
        if not title:
            raise UserError("Please give the sign-up a title.")
        specs = parse_slots(slots, self.core.config.signups.max_capacity)
        await check_custom_emoji(specs, ctx.outbound, self.core.community_ref(community))
        zone = self.core.zone_of(member, community)
        when_at = future_time(when, ctx.language, zone, ctx.now) if when else None
        closes_at = future_time(closes, ctx.language, zone, ctx.now) if closes else None
        if when_at and closes_at and closes_at > when_at:
            raise UserError("Sign-ups must close before the event starts.")
        reminder_text = reminders or self.core.config.signups.reminders
        reminders_mod.parse_offsets(reminder_text)  # a kind error now rather than at the event
        caps = ctx.outbound.capabilities
        use_reactions = (caps.reactions and len(specs) <= caps.max_reactions_per_message
                         and all(spec.emoji is not None for spec in specs))
        channel: ChannelRef | None = getattr(ctx.event, "channel", None)
        if channel is None or channel.is_dm:
            channel = await self.core.channel(community, "announcements")
        if channel is None:
            raise UserError("I can't find a channel to post the sign-up in.")
        async with ctx.write() as session:
            signup = Signup(community_id=community.id, organiser_member_id=member.id, title=title[:200],
                            description=(description or "").strip(), language=ctx.language, channel_id=channel.id,
                            mode="reactions" if use_reactions else "buttons", when_at=when_at, closes_at=closes_at,
                            per_family=per_family, reminders=reminder_text, status="open", created_at=ctx.now)
            session.add(signup)
            await session.flush()
            for position, spec in enumerate(specs):
                session.add(Slot(signup_id=signup.id, position=position, emoji_key=spec.emoji_key,
                                 emoji_display=spec.emoji_display, label=spec.label, capacity=spec.capacity))
            await session.flush()
            card = await self._render(session, signup, community)
            await reminders_mod.schedule_timers(self.core, session, signup, ctx.now)
            signup_id = signup.id
        unposted = None
        try:  # the file goes with the first post only: later edits of the card keep it
            posted = await ctx.outbound.post(channel, replace(card, files=(attach,)) if attach else card)
        except FileUnavailable as exc:
            unposted = exc.file
            posted = await ctx.outbound.post(channel, card)
        kept = attach is not None and unposted is None
        link = await self._card_link(ctx, posted) if kept else None
        async with self.core.db.write() as session:  # the file is kept with the sign-up once it is on the card
            await session.execute(update(Signup).where(Signup.id == signup_id).values(
                message_id=posted.id, files=[attach.to_json()] if kept and attach else [], card_link=link))
        self._cards[(community.id, posted.id)] = signup_id
        if use_reactions:
            for spec in specs:
                assert spec.emoji is not None
                try:
                    await ctx.outbound.add_reaction(posted, spec.emoji)
                except Exception:  # a custom emoji the adapter could not vouch for
                    log.warning("sign-up %s: could not add a slot's reaction", signup_id, exc_info=True)
        if unposted is not None:
            await ctx.reply("Sign-up #{id} is posted, but without {file}: the platform no longer has the file. "
                            "Please post it in the channel yourself.", id=signup_id, file=unposted.filename)
            return
        if posted.files_missing:
            await ctx.reply("Sign-up #{id} is posted, but without {file}: the platform would not take the file. "
                            "Please post it in the channel yourself.", id=signup_id,
                            file=", ".join(f.filename for f in posted.files_missing))
            return
        await ctx.reply("Sign-up #{id} is posted. Use /signup roster id:{id} for the list of volunteers.",
                        id=signup_id)

    @staticmethod
    async def _card_link(ctx: Context, posted: MessageRef) -> str | None:
        """Where volunteers' messages send them for the card's files; the card exists, so no
        link is no reason to stop (the file's own address is used instead)."""
        try:
            return await ctx.outbound.permalink(posted)
        except Exception:
            log.warning("sign-up card %s: no link to it", posted.id, exc_info=True)
            return None

    # ----- the card ------------------------------------------------------------------------
    async def _render(self, session: AsyncSession, signup: Signup, community: Community) -> Message:
        lang = community.default_language

        async def t(msgid: str, **params: Any) -> str:
            return await self.core.localize(lang, msgid, **params)

        caps = self.core.outbound(community.platform).capabilities
        return await render_card(session, signup, t, ZoneInfo(community.timezone), lang, caps)

    def refresh_card(self, signup_id: int) -> None:
        """Redraw the card soon; a burst of changes becomes one edit (key per sign-up)."""
        self.core.debouncer.request(f"signup-card:{signup_id}", lambda: self._redraw(signup_id))

    async def _redraw(self, signup_id: int) -> None:
        async with self.core.db.read() as session:
            signup = await session.get(Signup, signup_id)
            community = await session.get(Community, signup.community_id) if signup else None
            if signup is None or community is None or not signup.message_id:
                return
            card = await self._render(session, signup, community)
        await self.core.outbound(community.platform).edit(self.card_ref(community, signup), card)

    def card_ref(self, community: Community, signup: Signup) -> MessageRef:
        return MessageRef(ChannelRef(community.platform, signup.channel_id, self.core.community_ref(community)),
                          signup.message_id or "")

    # ----- claiming ------------------------------------------------------------------------
    async def _card_signup_id(self, community: Community, message_id: str) -> int | None:
        """The sign-up whose card this message is (remembered once found)."""
        known = self._cards.get((community.id, message_id))
        if known is not None:
            return known
        async with self.core.db.read() as session:
            found = await session.scalar(select(Signup.id).where(
                Signup.community_id == community.id, Signup.message_id == message_id, Signup.mode == "reactions"))
        if found is not None:
            self._cards[(community.id, message_id)] = found
        return found

    async def slot_by_key(self, session: AsyncSession, signup_id: int, emoji_key: str) -> Slot | None:
        cached = self._slots.get((signup_id, emoji_key))
        if cached is not None:
            return cached
        slot = await session.scalar(select(Slot).where(Slot.signup_id == signup_id, Slot.emoji_key == emoji_key))
        if slot is not None:
            session.expunge(slot)
            self._slots[(signup_id, emoji_key)] = slot
        return slot

    async def _slot_by_id(self, session: AsyncSession, signup_id: int, slot_id: int) -> Slot | None:
        slot = await session.scalar(select(Slot).where(Slot.id == slot_id, Slot.signup_id == signup_id))
        if slot is not None:
            session.expunge(slot)
        return slot

    @listener(ReactionAdded)
    async def on_reaction_added(self, ctx: Context, event: ReactionAdded) -> None:
        if ctx.community is None or ctx.member is None:
            return
        signup_id = await self._card_signup_id(ctx.community, event.message.id)
        if signup_id is not None:
            await self._react(ctx, signup_id, event.emoji, event.message, add=True)

    @listener(ReactionRemoved)
    async def on_reaction_removed(self, ctx: Context, event: ReactionRemoved) -> None:
        if ctx.community is None or ctx.member is None:
            return
        signup_id = await self._card_signup_id(ctx.community, event.message.id)
        if signup_id is not None:
            await self._react(ctx, signup_id, event.emoji, event.message, add=False)

    async def _react(self, ctx: Context, signup_id: int, emoji: Emoji, message: MessageRef, *, add: bool) -> None:
        request = ReactionRequest(ctx.key, ctx.require_member(), emoji, add, ctx.now)
        outcome = await self.batcher.submit(signup_id, request)  # key recorded with the change
        ctx.key_recorded = True
        if outcome.refusal is not None:
            await self.remove_reaction(ctx.outbound, message, emoji, ctx.user)
        if add:
            await self._take_back_given_up(ctx, signup_id, message, outcome)
        if outcome.changes:
            self.refresh_card(signup_id)

    async def _take_back_given_up(self, ctx: Context, signup_id: int, message: MessageRef, outcome: Outcome) -> None:
        """A family that took a free slot gave up its waitlist place elsewhere on the card
        (:mod:`cogs.signups.rules`); its reaction there no longer counts, so it goes too."""
        member_id = ctx.require_member().id
        for change in outcome.changes:
            own = change.member_id == member_id and change.kind == "left_waitlist"
            if not own and change.kind != GIVEN_UP:  # (a co-parent's, given up for this claim)
                continue
            async with self.core.db.read() as session:
                slot = await self._slot_by_id(session, signup_id, change.slot_id)
                other = None if own else await session.get(Member, change.member_id)
            if slot is None or not slot.emoji_key or (not own and other is None):
                continue
            emoji = parse_emoji(slot.emoji_display)
            if emoji is None or emoji.key != slot.emoji_key:
                emoji = Emoji(key=slot.emoji_key, display=slot.emoji_display)
            user = ctx.user if other is None else UserRef(ctx.user.platform, other.user_id, ctx.user.community)
            await self.remove_reaction(ctx.outbound, message, emoji, user)

    async def remove_reaction(self, outbound: Any, message: MessageRef, emoji: Emoji, user: Any) -> None:
        """Take back a reaction that does not count. Where the platform cannot remove another
        person's reaction the family is told privately instead: the refusal notice queued
        with the decision is that notice, so nothing more is sent here."""
        await fallbacks.take_back_reaction(outbound, message, emoji, user)

    async def apply(self, session: AsyncSession, signup_id: int, slot: Slot | None, member_id: int, *,
                    add: bool | None, now: datetime, emoji_display: str = "") -> Outcome:
        """One claim/cancel for the paths that come one at a time (button, select, resync).
        ``add=None`` toggles (a button pressed again cancels). The sign-up row is locked
        first, so capacity and the per-family cap are checked against a stable count, also
        across processes sharing one PostgreSQL. Reactions come through
        :class:`cogs.signups.batch.ReactionBatcher`, which applies the same :func:`~cogs.signups.rules.decide`."""
        locked = await lock_signup(session, signup_id)
        if locked is None:
            return Outcome()
        peers = await self.core.families.sign_up_peers(session, locked.community_id, [member_id])
        ledger = await Ledger.load(session, locked, [slot.id] if slot else [], [member_id], since=now, peers=peers)
        outcome = decide(ledger, slot, member_id, add=add, now=now, emoji_display=emoji_display)
        await ledger.flush(session)
        return outcome

    @button("signup.toggle")
    async def on_toggle(self, ctx: Context, event: ButtonPressed) -> None:
        """A slot's button or menu option: claim, or cancel when pressed again. The presser
        is answered in the interaction itself; others whose state changed (a promotion)
        get their notice by DM like any reaction change."""
        community, member = ctx.require_community(), ctx.require_member()
        signup_part, _, slot_part = event.value.partition(":")
        signup_id, slot_id = record_id(signup_part), record_id(slot_part)
        if signup_id is None or slot_id is None:
            raise UserError("That sign-up no longer exists.")

        async def work(session: AsyncSession) -> tuple[Outcome, str | None, dict[int, Slot], str]:
            # Columns, not the ORM row: ``apply`` must load the row itself under its lock.
            found = (await session.execute(select(Signup.community_id, Signup.title, Signup.files, Signup.card_link)
                                           .where(Signup.id == signup_id))).first()
            if found is None or found[0] != community.id:
                return Outcome(), None, {}, ""
            slot = await self._slot_by_id(session, signup_id, slot_id)
            if slot is None:
                return Outcome(), None, {}, ""
            outcome = await self.apply(session, signup_id, slot, member.id, add=None, now=ctx.now)
            others = [c for c in outcome.changes if c.member_id != member.id]
            await notices.queue_changes(self.core, session, signup_id, others, ctx.event.key)
            shown = {slot.id: slot}
            for change in outcome.changes:  # a waitlist place given up is on another slot
                if change.member_id == member.id and change.slot_id not in shown:
                    other = await self._slot_by_id(session, signup_id, change.slot_id)
                    if other is not None:
                        shown[other.id] = other
            return outcome, found[1], shown, file_links(map(FileRef.from_json, found[2] or ()), found[3])

        outcome, title, slots, links = await ctx.transaction(work)
        if title is None or not slots:
            raise UserError("That sign-up no longer exists.")
        if outcome.refusal is not None:
            reason = PRESS_WORDING.get(outcome.refusal.reason, outcome.refusal.reason)
            await ctx.reply(reason, **outcome.refusal.params)
            return
        for change in outcome.changes:
            if change.member_id == member.id and change.slot_id in slots:
                text = await ctx.t(notices.NOTICES[change.kind], slot=notices.slot_label(slots[change.slot_id]),
                                   title=title, position=change.position or "")
                with_files = links and change.kind in notices.WITH_FILES
                await ctx.reply_message(Message(text=text, fields=(Field(await ctx.t(notices.MSG_ATTACHED), links),)
                                                if with_files else ()))
        if outcome.changes:
            self.refresh_card(signup_id)

    # ----- jobs ----------------------------------------------------------------------------
    @job(notices.NOTICE_JOB)
    async def notice(self, job_ctx: JobContext) -> None:
        """Old kind (notices are deliveries now): a pending row becomes a delivery."""
        await notices.legacy_notice(self.core, job_ctx.payload, job_ctx.job_id)

    @job(notices.REFUSAL_JOB)
    async def refused(self, job_ctx: JobContext) -> None:
        """Old kind (refusals are deliveries now): a pending row becomes a delivery."""
        await notices.legacy_refusal(self.core, job_ctx.payload, job_ctx.job_id)

    @job(reminders_mod.REMIND_JOB)
    async def remind(self, job_ctx: JobContext) -> None:
        await reminders_mod.fan_out_reminders(self.core, job_ctx.payload["signup"], job_ctx.payload["offset"])

    @job(reminders_mod.REMIND_ONE_JOB)
    async def remind_one(self, job_ctx: JobContext) -> None:
        """Old kind (reminders are deliveries now): a pending row becomes a delivery."""
        await reminders_mod.legacy_remind_one(self.core, job_ctx.payload["signup"], job_ctx.payload["member"],
                                              job_ctx.job_id)

    @job(reminders_mod.CLOSE_JOB)
    async def close_job(self, job_ctx: JobContext) -> None:
        async with self.core.db.write() as session:
            signup = await lock_signup(session, job_ctx.payload["signup"])
            if signup is None or signup.status != "open":
                return
            signup.status = "closed"
        self.refresh_card(job_ctx.payload["signup"])

    @job(CANCELLED_JOB)
    async def cancelled_notice(self, job_ctx: JobContext) -> None:
        """Old kind (the notice is queued with the cancellation now): a pending row becomes a delivery."""
        async def work(session: AsyncSession) -> None:
            signup, members, community = await self._subjects(session, job_ctx.payload)
            if signup is not None and community is not None:
                await self._tell_cancelled(session, community, signup, members)
        await self.core.db.write_retrying(work)

    @job(MOVED_JOB)
    async def moved_notice(self, job_ctx: JobContext) -> None:
        """Old kind (the notice is queued with the change of time now): a pending row becomes a delivery."""
        async def work(session: AsyncSession) -> None:
            signup, members, community = await self._subjects(session, job_ctx.payload)
            if signup is not None and community is not None:
                await self._tell_moved(session, community, signup, members, f"legacy-job:{job_ctx.job_id}")
        await self.core.db.write_retrying(work)

    async def _subjects(self, session: AsyncSession, payload: dict[str, Any]
                        ) -> tuple[Signup | None, list[Member], Community | None]:
        signup = await session.get(Signup, payload["signup"])
        member = await session.get(Member, payload["member"])
        community = await session.get(Community, signup.community_id) if signup else None
        return signup, [member] if member is not None else [], community

    async def _volunteers(self, session: AsyncSession, signup_id: int) -> list[Member]:
        """Everyone holding or waiting for a place (once each, in a stable order)."""
        return list((await session.scalars(select(Member).where(Member.id.in_(
            select(Claim.member_id).where(Claim.signup_id == signup_id))).order_by(Member.id))).all())

    async def _tell_cancelled(self, session: AsyncSession, community: Community, signup: Signup,
                              members: list[Member]) -> None:
        await self.core.deliveries.enqueue(
            session, community, members, topic="signup.cancelled", subject=notices.subject_of(signup.id),
            cause=f"signup:cancelled:{signup.id}", reach=Reach.PERSONAL,
            content=Content(body=Phrase.of(MSG_CANCELLED, title=notices.title_of(signup))))

    async def _tell_moved(self, session: AsyncSession, community: Community, signup: Signup,
                          members: list[Member], cause: str) -> None:
        if signup.when_at is None:
            return
        await self.core.deliveries.enqueue(
            session, community, members, topic="signup.moved", subject=notices.subject_of(signup.id),
            cause=f"signup:moved:{cause}", reach=Reach.PERSONAL,
            content=Content(body=Phrase.of(MSG_MOVED, title=notices.title_of(signup), when=When(signup.when_at))))

    # ----- organiser commands --------------------------------------------------------------
    async def _own_signup(self, ctx: Context, signup_id: int) -> Signup:
        community, member = ctx.require_community(), ctx.require_member()
        async with self.core.db.read() as session:
            signup = await session.get(Signup, signup_id)
        if signup is None or signup.community_id != community.id:
            raise UserError("There is no sign-up #{id} here.", id=signup_id)
        if signup.organiser_member_id != member.id and not ctx.has_role(Role.TEACHER, Role.ADMIN):
            raise UserError("Only the organiser or a teacher can do that.")
        return signup

    @command("signup close", "Stop new sign-ups", OptionSpec("id", "Sign-up number", type=OptionType.INTEGER,
                                                             missing=NO_SUCH_SIGNUP,
                                                             required=True), allowed=ORGANISERS)
    async def close(self, ctx: Context, id: int) -> None:
        signup = await self._own_signup(ctx, id)
        async with ctx.write() as session:
            locked = await lock_signup(session, signup.id)
            if locked is not None and locked.status == "open":
                locked.status = "closed"
                await jobqueue.cancel(session, f"signup:{signup.id}:close:")
        self.refresh_card(signup.id)
        await ctx.reply("Sign-up #{id} is closed.", id=signup.id)

    @command("signup cancel", "Cancel a sign-up and tell everyone",
             OptionSpec("id", "Sign-up number", type=OptionType.INTEGER,
                        missing=NO_SUCH_SIGNUP, required=True), allowed=ORGANISERS)
    async def cancel(self, ctx: Context, id: int) -> None:
        signup = await self._own_signup(ctx, id)
        async with ctx.write() as session:
            locked = await lock_signup(session, signup.id)
            assert locked is not None
            if locked.status == "cancelled":
                raise UserError("Sign-up #{id} is already cancelled.", id=signup.id)
            locked.status = "cancelled"
            members = await self._volunteers(session, signup.id)
            await jobqueue.cancel(session, f"signup:{signup.id}:")
            await self.core.deliveries.cancel(session, reminders_mod.reminder_subject(signup.id))
            community = await session.get(Community, locked.community_id)
            assert community is not None
            await self._tell_cancelled(session, community, locked, members)
        self.refresh_card(signup.id)
        await ctx.reply(P_("Sign-up #{id} is cancelled; {count} family will be told.",
                           "Sign-up #{id} is cancelled; {count} families will be told."), id=signup.id,
                        count=len(members))

    @command("signup edit", "Change a sign-up's title, time or description",
             OptionSpec("id", "Sign-up number", type=OptionType.INTEGER, missing=NO_SUCH_SIGNUP, required=True),
             OptionSpec("title", "New title"), OptionSpec("when", "New time"),
             OptionSpec("description", "New details", long=True), allowed=ORGANISERS)
    async def edit(self, ctx: Context, id: int, title: str | None = None, when: str | None = None,
                   description: str | None = None) -> None:
        signup = await self._own_signup(ctx, id)
        if signup.status == "cancelled":
            raise UserError("Sign-up #{id} was cancelled; create a new one instead.", id=signup.id)
        community, member = ctx.require_community(), ctx.require_member()
        zone = self.core.zone_of(member, community)
        when_at = future_time(when, ctx.language, zone, ctx.now) if when else None
        if when_at is not None and signup.closes_at is not None and signup.closes_at > when_at:
            raise UserError("Sign-ups must close before the event starts.")
        async with ctx.write() as session:
            locked = await lock_signup(session, signup.id)
            assert locked is not None
            if title and title.strip():
                locked.title = title.strip()[:200]
            if description is not None:
                locked.description = description.strip()
            if when_at is not None and when_at != locked.when_at:
                locked.when_at = when_at
                await reminders_mod.reschedule_reminders(self.core, session, locked, ctx.now)
                await self._tell_moved(session, community, locked, await self._volunteers(session, signup.id),
                                       ctx.event.key)
        self.refresh_card(signup.id)
        await ctx.reply("Sign-up #{id} is updated.", id=signup.id)

    @command("signup roster", "Get the list of volunteers as a CSV file",
             OptionSpec("id", "Sign-up number", type=OptionType.INTEGER,
                        missing=NO_SUCH_SIGNUP, required=True), allowed=ORGANISERS)
    async def roster(self, ctx: Context, id: int) -> None:
        signup = await self._own_signup(ctx, id)
        staff = ctx.has_role(Role.TEACHER)  # children's labels are for teachers and admins only
        async with self.core.db.read() as session:
            community = await session.get(Community, signup.community_id)
            rows = await roster_rows(session, signup.id, self.core.zone_of(None, community),
                                     self.core.families if staff else None)
        if staff and not any(row[-1] for row in rows):  # no child is known here: the plain roster
            staff, rows = False, [row[:-1] for row in rows]
        async with self.core.db.write() as session:
            await self.core.audit(session, signup.community_id, ctx.member, "signup.roster", "signup", signup.id)
        attachment = Attachment(f"signup-{signup.id}-roster.csv", roster_csv(rows, with_family=staff), "text/csv")
        await ctx.outbound.upload_file(ctx.user, attachment,
                                       Message(text=await ctx.t("Volunteers for \"{title}\"", title=signup.title)))
        await ctx.reply(P_("I sent you the roster for sign-up #{id} ({count} person).",
                           "I sent you the roster for sign-up #{id} ({count} people)."), id=signup.id, count=len(rows))

    @command("signup list", "Open sign-ups")
    async def list_open(self, ctx: Context) -> None:
        community = ctx.require_community()
        async with self.core.db.read() as session:
            rows = list((await session.scalars(select(Signup).where(
                Signup.community_id == community.id, Signup.status == "open").order_by(Signup.id))).all())
        if not rows:
            await ctx.reply("There are no open sign-ups.")
            return
        zone = self.core.zone_of(ctx.member, community)
        lines = [await ctx.t("Open sign-ups:")]
        for row in rows:
            when = f" — {format_when(row.when_at, ctx.language, zone)}" if row.when_at else ""
            lines.append(f"#{row.id} {row.title}{when}")
        await ctx.reply_message(Message(text="\n".join(lines)))

    @command("signup resync", "Catch up with reactions made while the bot was offline",
             OptionSpec("id", "Sign-up number (default: all open ones)", type=OptionType.INTEGER,
                        missing=NO_SUCH_SIGNUP),
             allowed=ORGANISERS)
    async def resync(self, ctx: Context, id: int | None = None) -> None:
        community = ctx.require_community()
        if id is not None:
            await self._own_signup(ctx, id)
        changed = await self.reconciler.reconcile(community, only=id)
        await ctx.reply(P_("Resync done: {count} change applied.", "Resync done: {count} changes applied."),
                        count=changed)

    # ----- translation ---------------------------------------------------------------------
    @button("signup.translate")
    async def translate_card(self, ctx: Context, event: ButtonPressed) -> None:
        community = ctx.require_community()
        async with self.core.db.read() as session:
            signup_id = record_id(event.value)
            signup = await session.get(Signup, signup_id) if signup_id is not None else None
            if signup is None or signup.community_id != community.id:
                raise UserError("That sign-up no longer exists.")
            lang, failed = ctx.language, False

            async def t(msgid: str, **params: Any) -> str:
                return await self.core.localize(lang, msgid, **params)

            async def words(text: str) -> str:
                """The organiser's words in the reader's language (the original if that fails)."""
                nonlocal failed
                if not text:
                    return text
                result = await self.core.translator.translate(text, lang, source=signup.language,
                                                              community_id=community.id)
                failed = failed or not result.ok
                return result.text if result.ok else text

            card = await render_card(session, signup, t, self.core.zone_of(ctx.member, community), lang,
                                     ctx.outbound.capabilities, words=words)
        note = await t("(Translation unavailable right now — original below.)") if failed else ""
        # the private copy informs; signing up stays on the card itself, so no buttons here
        await ctx.reply_message(Message(title=card.title, text=f"{note}\n{card.text}".strip(), fields=card.fields,
                                        footer=card.footer))

    # ----- reconciliation ------------------------------------------------------------------
    async def on_platform_ready(self, platform: str) -> None:
        await self.reconciler.on_platform_ready(platform)

    # ----- privacy -------------------------------------------------------------------------
    async def export_member(self, session: AsyncSession, member: Member) -> dict[str, Any]:
        rows = (await session.execute(select(Claim, Slot, Signup).join(Slot, Slot.id == Claim.slot_id)
                                      .join(Signup, Signup.id == Claim.signup_id)
                                      .where(Claim.member_id == member.id).order_by(Claim.id))).all()
        organised = (await session.scalars(select(Signup).where(Signup.organiser_member_id == member.id)
                                           .order_by(Signup.id))).all()
        return {
            "volunteering": [{"signup": signup.id, "title": signup.title, "slot": slot.label, "status": claim.status,
                              "signed_up_at": claim.claimed_at.isoformat(),
                              "event_at": signup.when_at.isoformat() if signup.when_at else None}
                             for claim, slot, signup in rows],
            "organised": [{"signup": s.id, "title": s.title, "status": s.status,
                           "created_at": s.created_at.isoformat(),
                           "files": [{"filename": f.filename, "url": f.permalink or f.url}
                                     for f in notices.files_of(s)]} for s in organised],
        }

    async def delete_member(self, session: AsyncSession, member: Member) -> None:
        """Erase a member's sign-up data.

        Events still ahead (or without a time and not cancelled): the place is freed and
        the waitlist promoted, each promoted family told once. Past or cancelled events: the
        place stays, anonymised (``member_id`` NULL), so the number of volunteers the event
        had stays right while nothing says who it was. Sign-ups they organised lose the
        organiser link (the sign-up itself, with the files posted on its card, is the
        community's).
        """
        await self._free_places_ahead(session, member, cause=f"erase:{member.id}")
        await session.execute(update(Claim).where(Claim.member_id == member.id).values(member_id=None))
        await session.execute(update(Signup).where(Signup.organiser_member_id == member.id)
                              .values(organiser_member_id=None))

    async def on_member_left(self, session: AsyncSession, member: Member) -> None:
        """A family that left holds no place on events ahead (the waitlist moves up) and gets
        no reminders; past places stay and follow the retention policy."""
        await self._free_places_ahead(session, member, cause=f"left:{member.id}")

    async def _free_places_ahead(self, session: AsyncSession, member: Member, *, cause: str) -> None:
        now = self.core.clock.now()
        rows = (await session.execute(select(Claim.signup_id, Claim.slot_id).where(Claim.member_id == member.id)
                                      .order_by(Claim.signup_id, Claim.slot_id))).all()
        for signup_id, slot_id in rows:
            signup = await lock_signup(session, signup_id)
            slot = await session.get(Slot, slot_id)
            if signup is None or slot is None:
                continue
            ahead = signup.status != "cancelled" and (signup.when_at is None or signup.when_at > now)
            if not ahead:
                continue
            ledger = await Ledger.load(session, signup, [slot.id], [member.id], since=now)
            changes = ledger.release(slot, member.id)
            await ledger.flush(session)
            promoted = [c for c in changes if c.member_id != member.id]
            await notices.queue_changes(self.core, session, signup_id, promoted, cause)
            self.refresh_card(signup_id)
        await session.flush()


def setup(core: Services) -> SignupsCog:
    return SignupsCog(core)
