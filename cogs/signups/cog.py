"""Volunteer sign-ups by reaction (or by button when a card has more slots than a message
can hold reactions).

Every change of a family's place is written with the event's de-duplication key in one
transaction, and the family's notice is queued in that same transaction (an outbox job
keyed by event and member), so each family hears exactly once about each change of its own
state, even when the platform redelivers or the process restarts. Card edits are coalesced.

Reconciliation (start-up and ``/signup resync``): the platform keeps no record of when
reactions made while the bot was offline happened, so missed reactions are applied after
every reaction already recorded, in the order the platform lists them; removed reactions
release their places first, so promotions go to families already waiting.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot import jobs as jobqueue
from bot.cog import Cog, button, command, job, listener
from bot.commands import OptionSpec, OptionType
from bot.core import Context, Core
from bot.db.models import Community, Member
from bot.durations import parse_duration
from bot.emoji import Emoji
from bot.errors import UserError
from bot.events import Actor, ButtonPressed, ReactionAdded, ReactionRemoved
from bot.jobs import JobContext
from bot.messages import Attachment, Message
from bot.refs import ChannelRef, MessageRef, UserRef
from bot.roles import ORGANISERS, Role
from bot.when import format_when, future_time
from cogs.signups.card import render_card, roster_csv, slots_of
from cogs.signups.models import Claim, Signup, Slot
from cogs.signups.slots import parse_slots
from cogs.signups.store import Change, Refused, claim_slot, lock_signup, release_slot, waitlist_position

log = logging.getLogger(__name__)

NOTICES = {
    "confirmed": "You're signed up for {slot} on \"{title}\". Thank you!",
    "waitlisted": "\"{slot}\" on \"{title}\" is full, so you are number {position} on the waitlist. "
                  "I'll tell you if a place opens.",
    "promoted": "Good news: a place opened and you are now signed up for {slot} on \"{title}\"!",
    "cancelled": "You're no longer signed up for {slot} on \"{title}\".",
    "left_waitlist": "You left the waitlist for {slot} on \"{title}\".",
}


class SignupsCog(Cog):
    name = "signups"
    personal_data_models = (Signup, Claim)

    def __init__(self, core: Core) -> None:
        super().__init__(core)
        self._cards: dict[tuple[int, str], int] = {}
        self._slots: dict[tuple[int, str], Slot] = {}

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
             allowed=ORGANISERS)
    async def create(self, ctx: Context, title: str, slots: str, when: str | None = None, closes: str | None = None,
                     per_family: int = 1, reminders: str | None = None, description: str | None = None) -> None:
        community, member = ctx.require_community(), ctx.require_member()
        title = title.strip()
        if not title:
            raise UserError("Please give the sign-up a title.")
        specs = parse_slots(slots, self.core.config.signups.max_capacity)
        zone = self.core.zone_of(member, community)
        when_at = self._read_time(ctx, when, zone) if when else None
        closes_at = self._read_time(ctx, closes, zone) if closes else None
        if when_at and closes_at and closes_at > when_at:
            raise UserError("Sign-ups must close before the event starts.")
        reminder_text = reminders or self.core.config.signups.reminders
        offsets = self._offsets(reminder_text)
        caps = ctx.outbound.capabilities
        use_reactions = (caps.reactions and len(specs) <= caps.max_reactions_per_message
                         and all(not s.emoji_key.startswith("slot") for s in specs))
        channel = ctx.event.channel if getattr(ctx.event, "channel", None) is not None else None  # type: ignore[union-attr]
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
            await self._schedule_timers(session, signup, offsets, ctx.now)
        posted = await ctx.outbound.post(channel, card)
        async with self.core.db.write() as session:
            fresh = await session.get(Signup, signup.id)
            assert fresh is not None
            fresh.message_id = posted.id
        if use_reactions:
            for spec in specs:
                from bot import emoji as emoji_norm

                emoji = emoji_norm.parse(spec.emoji_display) or Emoji(key=spec.emoji_key, display=spec.emoji_display)
                await ctx.outbound.add_reaction(posted, emoji)
        await ctx.reply("Sign-up #{id} is posted. Use /signup roster id:{id} for the list of volunteers.",
                        id=signup.id)

    @staticmethod
    def _read_time(ctx: Context, text: str, zone: Any) -> datetime:
        return future_time(text, ctx.language, zone, ctx.now)

    @staticmethod
    def _offsets(text: str) -> list[timedelta]:
        offsets = []
        for part in text.split(","):
            if not part.strip():
                continue
            parsed = parse_duration(part)
            if parsed is None:
                raise UserError("I couldn't read the reminders \"{text}\". Write durations like \"24h,1h\".",
                                text=text)
            offsets.append(parsed)
        return offsets

    async def _schedule_timers(self, session: AsyncSession, signup: Signup, offsets: list[timedelta],
                               now: datetime) -> None:
        if signup.when_at:
            for offset in offsets:
                at = signup.when_at - offset
                if at > now:
                    await self.core.schedule(session, "signup.remind", {"signup": signup.id, "offset": int(
                        offset.total_seconds())}, at, dedupe_key=f"signup:{signup.id}:remind:{int(at.timestamp())}")
        if signup.closes_at:
            await self.core.schedule(session, "signup.close", {"signup": signup.id}, signup.closes_at,
                                     dedupe_key=f"signup:{signup.id}:close:{int(signup.closes_at.timestamp())}")

    async def _render(self, session: AsyncSession, signup: Signup, community: Community) -> Message:
        lang = community.default_language

        async def t(msgid: str, **params: Any) -> str:
            return await self.core.localize(lang, msgid, **params)

        caps = self.core.outbound(community.platform).capabilities
        from zoneinfo import ZoneInfo

        return await render_card(session, signup, t, ZoneInfo(community.timezone), lang, caps.max_buttons_per_message)

    def refresh_card(self, signup_id: int) -> None:
        """Redraw the card soon; a burst of changes becomes one edit."""
        self.core.debouncer.request(f"signup-card:{signup_id}", lambda: self._redraw(signup_id))

    async def _redraw(self, signup_id: int) -> None:
        async with self.core.db.read() as session:
            signup = await session.get(Signup, signup_id)
            community = await session.get(Community, signup.community_id) if signup else None
            if signup is None or community is None or not signup.message_id:
                return
            card = await self._render(session, signup, community)
        await self.core.outbound(community.platform).edit(self._card_ref(community, signup), card)

    def _card_ref(self, community: Community, signup: Signup) -> MessageRef:
        return MessageRef(ChannelRef(community.platform, signup.channel_id, self.core.community_ref(community)),
                          signup.message_id or "")

    # ----- claiming ------------------------------------------------------------------------
    async def _signup_for_message(self, community: Community, message_id: str) -> Signup | None:
        """The sign-up whose card this message is. Cards never move, so which message belongs
        to which sign-up is remembered (state is always read fresh under the lock)."""
        known = self._cards.get((community.id, message_id))
        query = select(Signup).where(Signup.id == known) if known is not None else select(Signup).where(
            Signup.community_id == community.id, Signup.message_id == message_id)
        async with self.core.db.read() as session:
            signup = await session.scalar(query)
        if signup is None:
            return None
        self._cards[(community.id, message_id)] = signup.id
        return signup

    async def _slot(self, session: AsyncSession, signup_id: int, emoji_key: str) -> Slot | None:
        """A slot by emoji. Slots never change once posted, so they are remembered."""
        cached = self._slots.get((signup_id, emoji_key))
        if cached is not None:
            return cached
        slot = await session.scalar(select(Slot).where(Slot.signup_id == signup_id, Slot.emoji_key == emoji_key))
        if slot is not None:
            session.expunge(slot)
            self._slots[(signup_id, emoji_key)] = slot
        return slot

    @listener(ReactionAdded)
    async def on_reaction_added(self, ctx: Context, event: ReactionAdded) -> None:
        if ctx.community is None or ctx.member is None:
            return
        signup = await self._signup_for_message(ctx.community, event.message.id)
        if signup is None or signup.mode != "reactions":
            return
        await self._change(ctx, signup, event.emoji.key, add=True, emoji=event.emoji, message=event.message)

    @listener(ReactionRemoved)
    async def on_reaction_removed(self, ctx: Context, event: ReactionRemoved) -> None:
        if ctx.community is None or ctx.member is None:
            return
        signup = await self._signup_for_message(ctx.community, event.message.id)
        if signup is None or signup.mode != "reactions":
            return
        await self._change(ctx, signup, event.emoji.key, add=False)

    @button("signup.toggle")
    async def on_toggle(self, ctx: Context, event: ButtonPressed) -> None:
        community = ctx.require_community()
        signup_id, _, slot_id = event.value.partition(":")
        async with self.core.db.read() as session:
            signup = await session.get(Signup, int(signup_id))
            slot = await session.get(Slot, int(slot_id)) if slot_id.isdigit() else None
            held = await session.scalar(select(Claim.id).where(Claim.slot_id == (slot.id if slot else -1),
                                                               Claim.member_id == ctx.require_member().id))
        if signup is None or slot is None or signup.community_id != community.id:
            raise UserError("That sign-up no longer exists.")
        await self._change(ctx, signup, slot.emoji_key, add=held is None)

    async def _change(self, ctx: Context, signup: Signup, emoji_key: str, *, add: bool,
                      emoji: Emoji | None = None, message: MessageRef | None = None) -> None:
        member = ctx.require_member()
        refusal: Refused | None = None

        async def work(session: AsyncSession) -> list[Change]:
            nonlocal refusal
            refusal = None
            locked = await lock_signup(session, signup.id)
            if locked is None:
                return []
            slot = await self._slot(session, signup.id, emoji_key)
            if add:
                if slot is None:
                    refusal = Refused("{emoji} is not one of the slots on \"{title}\"; I removed it.",
                                      emoji=emoji.display if emoji else emoji_key, title=locked.title)
                    return []
                if locked.status != "open" or (locked.closes_at and locked.closes_at <= ctx.now):
                    refusal = Refused("Sign-ups for \"{title}\" are closed, so I removed your reaction.",
                                      title=locked.title)
                    return []
                try:
                    changes = await claim_slot(session, locked, slot, member.id, ctx.now)
                except Refused as refused:
                    refusal = refused
                    return []
            else:
                if slot is None:
                    return []
                changes = await release_slot(session, slot, member.id)
            await self._queue_notices(session, locked, changes, ctx.event.key)
            return changes

        changes = await ctx.transaction(work)
        if refusal is not None:
            if add and emoji is not None and message is not None:
                await ctx.outbound.remove_reaction(message, emoji, ctx.user)
            await ctx.reply(refusal.reason, **refusal.params)
            return
        if changes:
            self.refresh_card(signup.id)

    async def _queue_notices(self, session: AsyncSession, signup: Signup, changes: list[Change], cause: str) -> None:
        """One notice job per family whose state changed, keyed by the cause: exactly once."""
        for change in changes:
            await self.core.schedule(session, "signup.notice", {
                "signup": signup.id, "slot": change.slot_id, "member": change.member_id, "kind": change.kind,
                "position": change.position}, self.core.clock.now(),
                dedupe_key=f"signup:notice:{cause}:{change.member_id}:{change.slot_id}")

    @job("signup.notice")
    async def notice(self, job_ctx: JobContext) -> None:
        payload = job_ctx.payload
        async with self.core.db.read() as session:
            signup = await session.get(Signup, payload["signup"])
            slot = await session.get(Slot, payload["slot"])
            member = await session.get(Member, payload["member"])
            community = await session.get(Community, member.community_id) if member else None
        if signup is None or slot is None or member is None or community is None:
            return
        label = f"{slot.emoji_display} {slot.label}".strip()
        await self.core.notify(community, member, NOTICES[payload["kind"]], slot=label, title=signup.title,
                               position=payload.get("position") or "")

    # ----- jobs: reminders, closing -------------------------------------------------------
    @job("signup.remind")
    async def remind(self, job_ctx: JobContext) -> None:
        async with self.core.db.read() as session:
            signup = await session.get(Signup, job_ctx.payload["signup"])
            if signup is None or signup.status == "cancelled" or signup.when_at is None:
                return
            community = await session.get(Community, signup.community_id)
            rows = list((await session.execute(select(Member, Slot).join(Claim, Claim.member_id == Member.id)
                                               .join(Slot, Slot.id == Claim.slot_id)
                                               .where(Claim.signup_id == signup.id, Claim.status == "confirmed",
                                                      Member.left_at.is_(None)))).all())
        if community is None:
            return
        for member, slot in rows:
            when = format_when(signup.when_at, self.core.language_of(member, community),
                               self.core.zone_of(member, community))
            await self.core.notify(community, member, "Reminder: you signed up for {slot} on \"{title}\", {when}.",
                                   slot=f"{slot.emoji_display} {slot.label}".strip(), title=signup.title, when=when)

    @job("signup.close")
    async def close_job(self, job_ctx: JobContext) -> None:
        async with self.core.db.write() as session:
            signup = await lock_signup(session, job_ctx.payload["signup"])
            if signup is None or signup.status != "open":
                return
            signup.status = "closed"
        self.refresh_card(job_ctx.payload["signup"])

    # ----- organiser commands --------------------------------------------------------------
    async def _own_signup(self, ctx: Context, signup_id: int) -> Signup:
        community, member = ctx.require_community(), ctx.require_member()
        async with self.core.db.read() as session:
            signup = await session.get(Signup, signup_id)
        if signup is None or signup.community_id != community.id:
            raise UserError("There is no sign-up #{id} here.", id=signup_id)
        if signup.organiser_member_id != member.id and not ctx.has_role(Role.TEACHER):
            raise UserError("Only the organiser or a teacher can do that.")
        return signup

    @command("signup close", "Stop new sign-ups", OptionSpec("id", "Sign-up number", type=OptionType.INTEGER,
                                                             required=True), allowed=ORGANISERS)
    async def close(self, ctx: Context, id: int) -> None:
        signup = await self._own_signup(ctx, id)
        async with ctx.write() as session:
            locked = await lock_signup(session, signup.id)
            assert locked is not None
            locked.status = "closed"
        self.refresh_card(signup.id)
        await ctx.reply("Sign-up #{id} is closed.", id=signup.id)

    @command("signup cancel", "Cancel a sign-up and tell everyone",
             OptionSpec("id", "Sign-up number", type=OptionType.INTEGER, required=True), allowed=ORGANISERS)
    async def cancel(self, ctx: Context, id: int) -> None:
        signup = await self._own_signup(ctx, id)
        async with ctx.write() as session:
            locked = await lock_signup(session, signup.id)
            assert locked is not None
            locked.status = "cancelled"
            members = set((await session.scalars(select(Claim.member_id).where(Claim.signup_id == signup.id))).all())
            await jobqueue.cancel(session, f"signup:{signup.id}:")
            for member_id in sorted(members):
                await self.core.schedule(session, "signup.cancelled", {"signup": signup.id, "member": member_id},
                                         ctx.now, dedupe_key=f"signup:cancelled:{signup.id}:{member_id}")
        self.refresh_card(signup.id)
        await ctx.reply("Sign-up #{id} is cancelled; {count} families will be told.", id=signup.id,
                        count=len(members))

    @job("signup.cancelled")
    async def cancelled_notice(self, job_ctx: JobContext) -> None:
        async with self.core.db.read() as session:
            signup = await session.get(Signup, job_ctx.payload["signup"])
            member = await session.get(Member, job_ctx.payload["member"])
            community = await session.get(Community, member.community_id) if member else None
        if signup and member and community:
            await self.core.notify(community, member, "\"{title}\" was cancelled. Thank you for volunteering!",
                                   title=signup.title)

    @command("signup edit", "Change a sign-up's title, time or description",
             OptionSpec("id", "Sign-up number", type=OptionType.INTEGER, required=True),
             OptionSpec("title", "New title"), OptionSpec("when", "New time"),
             OptionSpec("description", "New details", long=True), allowed=ORGANISERS)
    async def edit(self, ctx: Context, id: int, title: str | None = None, when: str | None = None,
                   description: str | None = None) -> None:
        signup = await self._own_signup(ctx, id)
        community, member = ctx.require_community(), ctx.require_member()
        zone = self.core.zone_of(member, community)
        when_at = self._read_time(ctx, when, zone) if when else None
        async with ctx.write() as session:
            locked = await lock_signup(session, signup.id)
            assert locked is not None
            if title:
                locked.title = title.strip()[:200]
            if description is not None:
                locked.description = description.strip()
            if when_at is not None and when_at != locked.when_at:
                locked.when_at = when_at
                await jobqueue.cancel(session, f"signup:{signup.id}:remind:")
                await self._schedule_timers(session, locked, self._offsets(locked.reminders), ctx.now)
                confirmed = (await session.scalars(select(Claim.member_id).where(
                    Claim.signup_id == signup.id))).all()
                for member_id in sorted(set(confirmed)):
                    await self.core.schedule(session, "signup.moved", {"signup": signup.id, "member": member_id},
                                             ctx.now, dedupe_key=f"signup:moved:{ctx.event.key}:{member_id}")
        self.refresh_card(signup.id)
        await ctx.reply("Sign-up #{id} is updated.", id=signup.id)

    @job("signup.moved")
    async def moved_notice(self, job_ctx: JobContext) -> None:
        async with self.core.db.read() as session:
            signup = await session.get(Signup, job_ctx.payload["signup"])
            member = await session.get(Member, job_ctx.payload["member"])
            community = await session.get(Community, member.community_id) if member else None
        if signup and member and community and signup.when_at:
            when = format_when(signup.when_at, self.core.language_of(member, community),
                               self.core.zone_of(member, community))
            await self.core.notify(community, member, "\"{title}\" has a new time: {when}.", title=signup.title,
                                   when=when)

    @command("signup roster", "Get the list of volunteers as a CSV file",
             OptionSpec("id", "Sign-up number", type=OptionType.INTEGER, required=True), allowed=ORGANISERS)
    async def roster(self, ctx: Context, id: int) -> None:
        signup = await self._own_signup(ctx, id)
        async with self.core.db.read() as session:
            rows = list((await session.execute(
                select(Member.display_name, Slot.label, Claim.status, Claim.claimed_at)
                .join(Claim, Claim.member_id == Member.id).join(Slot, Slot.id == Claim.slot_id)
                .where(Claim.signup_id == signup.id).order_by(Slot.position, Claim.status, Claim.claimed_at,
                                                              Claim.id))).all())
            audit_member = ctx.member
            async with self.core.db.write() as write_session:
                await self.core.audit(write_session, signup.community_id, audit_member, "signup.roster", "signup",
                                      signup.id)
        data = roster_csv([(name, label, status, at.isoformat()) for name, label, status, at in rows])
        attachment = Attachment(f"signup-{signup.id}-roster.csv", data, "text/csv")
        await ctx.outbound.upload_file(ctx.user, attachment,
                                       Message(text=await ctx.t("Volunteers for \"{title}\"", title=signup.title)))
        await ctx.reply("I sent you the roster for sign-up #{id} ({count} people).", id=signup.id, count=len(rows))

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
             OptionSpec("id", "Sign-up number (default: all open ones)", type=OptionType.INTEGER),
             allowed=ORGANISERS)
    async def resync(self, ctx: Context, id: int | None = None) -> None:
        community = ctx.require_community()
        if id is not None:
            await self._own_signup(ctx, id)
        changed = await self.reconcile(community, only=id)
        await ctx.reply("Resync done: {count} changes applied.", count=changed)

    # ----- translation ---------------------------------------------------------------------
    @button("signup.translate")
    async def translate_card(self, ctx: Context, event: ButtonPressed) -> None:
        community = ctx.require_community()
        async with self.core.db.read() as session:
            signup = await session.get(Signup, int(event.value)) if event.value.isdigit() else None
            if signup is None or signup.community_id != community.id:
                raise UserError("That sign-up no longer exists.")
            slots = await slots_of(session, signup.id)
        text = "\n".join([signup.title, signup.description, *[f"{s.emoji_display} {s.label}" for s in slots]])
        body, _ = await self.core.translated(text.strip(), ctx.language, source=signup.language,
                                             community_id=community.id)
        await ctx.reply_message(Message(text=body, footer=f"#{signup.id}"))

    # ----- reconciliation ------------------------------------------------------------------
    async def on_platform_ready(self, platform: str) -> None:
        async with self.core.db.read() as session:
            communities = list((await session.scalars(select(Community).where(Community.platform == platform))).all())
        for community in communities:
            await self.reconcile(community)

    async def reconcile(self, community: Community, only: int | None = None) -> int:
        """Apply reactions added or removed while the bot was away. Returns changes applied."""
        outbound = self.core.outbound(community.platform)
        query = select(Signup).where(Signup.community_id == community.id, Signup.status == "open",
                                     Signup.mode == "reactions", Signup.message_id.is_not(None))
        if only is not None:
            query = query.where(Signup.id == only)
        async with self.core.db.read() as session:
            signups = list((await session.scalars(query)).all())
        run = uuid.uuid4().hex[:12]
        total = 0
        for signup in signups:
            try:
                current = await outbound.read_reactions(self._card_ref(community, signup))
            except LookupError:
                log.warning("sign-up %s: its card is gone; nothing to reconcile", signup.id)
                continue
            async with self.core.db.read() as session:
                slots = await slots_of(session, signup.id)
                recorded = list((await session.execute(select(Claim.slot_id, Member.user_id, Member.id)
                                                       .join(Member, Member.id == Claim.member_id)
                                                       .where(Claim.signup_id == signup.id))).all())
            now = self.core.clock.now()
            for slot in slots:
                users = current.get(slot.emoji_key, (None, []))[1]
                present = {u.id for u in users}
                held = {user_id: member_id for slot_id, user_id, member_id in recorded if slot_id == slot.id}
                for user_id, member_id in held.items():
                    if user_id not in present:
                        total += await self._apply(signup, slot, member_id, add=False, cause=f"resync:{run}", now=now)
                for user in users:
                    if user.id not in held:
                        member = await self._member_for(community, user)
                        if member is not None:
                            total += await self._apply(signup, slot, member.id, add=True, cause=f"resync:{run}",
                                                       now=now)
            self.refresh_card(signup.id)
        return total

    async def _member_for(self, community: Community, user: UserRef) -> Member | None:
        info = await self.core.outbound(community.platform).lookup_member(self.core.community_ref(community), user)
        if info is None or info.is_bot:
            return None
        return await self.core.ensure_member(community, Actor(user=user, display_name=info.display_name,
                                                             locale=info.locale, platform_roles=info.platform_roles))

    async def _apply(self, signup: Signup, slot: Slot, member_id: int, *, add: bool, cause: str, now: datetime) -> int:
        async def work(session: AsyncSession) -> list[Change]:
            locked = await lock_signup(session, signup.id)
            if locked is None or locked.status != "open":
                return []
            try:
                changes = (await claim_slot(session, locked, slot, member_id, now) if add
                           else await release_slot(session, slot, member_id))
            except Refused:
                return []
            await self._queue_notices(session, locked, changes, cause)
            return changes

        return len(await self.core.db.write_retrying(work))

    # ----- privacy -------------------------------------------------------------------------
    async def export_member(self, session: AsyncSession, member: Member) -> dict[str, Any]:
        rows = (await session.execute(select(Claim, Slot, Signup).join(Slot, Slot.id == Claim.slot_id)
                                      .join(Signup, Signup.id == Claim.signup_id)
                                      .where(Claim.member_id == member.id))).all()
        organised = (await session.scalars(select(Signup).where(Signup.organiser_member_id == member.id))).all()
        return {
            "volunteering": [{"signup": signup.id, "title": signup.title, "slot": slot.label, "status": claim.status,
                              "signed_up_at": claim.claimed_at.isoformat()} for claim, slot, signup in rows],
            "organised": [{"signup": s.id, "title": s.title, "status": s.status} for s in organised],
        }

    async def delete_member(self, session: AsyncSession, member: Member) -> None:
        """Free the member's places on sign-ups still ahead (promoting the waitlist) and
        remove every claim; organised sign-ups lose their organiser link."""
        now = self.core.clock.now()
        rows = (await session.execute(select(Claim, Slot, Signup).join(Slot, Slot.id == Claim.slot_id)
                                      .join(Signup, Signup.id == Claim.signup_id)
                                      .where(Claim.member_id == member.id))).all()
        for claim, slot, signup in rows:
            ahead = signup.status == "open" or signup.when_at is None or signup.when_at > now
            if ahead:
                await lock_signup(session, signup.id)
                changes = await release_slot(session, slot, member.id)
                promoted = [c for c in changes if c.kind == "promoted"]
                await self._queue_notices(session, signup, promoted, f"erase:{member.id}")
                self.refresh_card(signup.id)
            else:
                await session.execute(delete(Claim).where(Claim.id == claim.id))
        await session.execute(update(Signup).where(Signup.organiser_member_id == member.id)
                              .values(organiser_member_id=None))

    async def on_member_left(self, session: AsyncSession, member: Member) -> None:
        """A family that left gets no more reminders; its places on events ahead are freed."""
        await self.delete_member(session, member)


async def waitlist_of(session: AsyncSession, slot_id: int) -> list[int]:
    """Member ids on a slot's waitlist, in order (used by tests and reports)."""
    rows = (await session.scalars(select(Claim).where(Claim.slot_id == slot_id, Claim.status == "waitlisted")
                                  .order_by(Claim.claimed_at, Claim.id))).all()
    return [row.member_id for row in rows]


async def position_of(session: AsyncSession, claim: Claim) -> int:
    return await waitlist_position(session, claim)


def setup(core: Core) -> SignupsCog:
    return SignupsCog(core)
