"""Polls with numbered reactions (or buttons), single or multiple choice, optionally anonymous
or with hidden results, closed on schedule or by command with a bar chart of the results."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections import Counter
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.api import emoji as emoji_norm
from bot.api import fallbacks
from bot.api.cog import Cog, button, command, job, listener
from bot.api.commands import OptionSpec, OptionType
from bot.api.context import Context
from bot.api.errors import UserError
from bot.api.events import ButtonPressed, ReactionAdded, ReactionRemoved
from bot.api.ids import record_id
from bot.api.jobs import JobContext
from bot.api.messages import Attachment, Button, Message
from bot.api.refs import ChannelRef, MessageRef
from bot.api.roles import ORGANISERS, Role
from bot.api.services import Services
from bot.api.when import format_when, future_time
from bot.db.models import Community, Member
from bot.i18n import N_, P_
from cogs.committee.chart import render_chart
from cogs.committee.models import Poll, Vote
from cogs.committee.poll_reconcile import PollReconciler
from cogs.committee.poll_store import NUMBER_KEYS, NUMBERS, lock_poll

#: the answer for a number that names no poll (also past the database's range)
NO_SUCH_POLL = N_("There is no poll #{id} here.")

MAX_OPTIONS = 25


def parse_options(text: str) -> list[str]:
    options = [o.strip() for o in text.replace("\n", ";").split(";") if o.strip()]
    if len(options) < 2 or len(options) > MAX_OPTIONS:
        raise UserError("A poll needs between 2 and {max} options, separated by \";\".", max=MAX_OPTIONS)
    lowered = [o.lower() for o in options]
    if len(set(lowered)) != len(lowered):
        raise UserError("Two options are the same; please make each option different.")
    return options


def voter_code(poll: Poll, member_id: int) -> str:
    assert poll.secret is not None
    return hmac.new(poll.secret.encode(), str(member_id).encode(), hashlib.sha256).hexdigest()


async def counts_of(session: AsyncSession, poll: Poll) -> list[int]:
    if poll.final_counts is not None:
        return [int(c) for c in poll.final_counts["counts"]]
    rows = Counter((await session.scalars(select(Vote.option_index).where(Vote.poll_id == poll.id))).all())
    return [rows.get(i, 0) for i in range(len(poll.options["labels"]))]


async def create_poll(core: Services, ctx: Context, question: str, labels: list[str], *, multi: bool, anonymous: bool,
                      hide_results: bool, closes_at: datetime | None, channel: ChannelRef) -> Poll:
    """Store and post a poll card (shared by /poll and /meeting propose)."""
    community, member = ctx.require_community(), ctx.require_member()
    caps = ctx.outbound.capabilities
    # Reactions show everyone who chose what, and the running count: an anonymous poll or one
    # with hidden results uses buttons, whose presses only Homeroom sees.
    use_reactions = (caps.reactions and not anonymous and not hide_results
                     and len(labels) <= min(len(NUMBERS), caps.max_reactions_per_message))
    async with ctx.write() as session:
        poll = Poll(community_id=community.id, creator_member_id=member.id, question=question,
                    options={"labels": labels}, language=ctx.language, anonymous=anonymous,
                    hide_results=hide_results, multi=multi, mode="reactions" if use_reactions else "buttons",
                    channel_id=channel.id, closes_at=closes_at, status="open",
                    secret=secrets.token_hex(16) if anonymous else None, created_at=ctx.now)
        session.add(poll)
        await session.flush()
        if closes_at:
            await core.schedule(session, "poll.close", {"poll": poll.id}, closes_at, dedupe_key=f"poll:{poll.id}:close")
        card = await render_poll(core, session, poll, community)
    posted = await ctx.outbound.post(channel, card)
    async with core.db.write() as session:
        await session.execute(update(Poll).where(Poll.id == poll.id).values(message_id=posted.id))
    poll.message_id = posted.id
    if use_reactions:
        for index in range(len(labels)):
            await ctx.outbound.add_reaction(posted, emoji_norm.parse(NUMBERS[index]))  # type: ignore[arg-type]
    return poll


async def render_poll(core: Services, session: AsyncSession, poll: Poll, community: Community) -> Message:
    lang = community.default_language
    labels = poll.options["labels"]
    counts = await counts_of(session, poll)
    show = poll.status == "closed" or not poll.hide_results
    lines = []
    for index, label in enumerate(labels):
        marker = NUMBERS[index] if poll.mode == "reactions" else f"{index + 1}."
        lines.append(f"{marker} {label}" + (f" — {counts[index]}" if show else ""))
    notes = []
    if poll.status == "open":
        how = (N_("Vote with the numbered reactions.") if poll.mode == "reactions" else N_("Vote with the buttons."))
        notes.append(await core.localize(lang, how))
        notes.append(await core.localize(lang, N_("You may choose several options.") if poll.multi
                                         else N_("One choice per person; a new choice replaces the old one.")))
        if poll.hide_results:
            hidden = P_("Results stay hidden until the poll closes ({count} vote so far).",
                        "Results stay hidden until the poll closes ({count} votes so far).")
            notes.append(await core.localize(lang, hidden, count=sum(counts)))
        if poll.closes_at:
            notes.append(await core.localize(lang, "Closes {when}.", when=format_when(
                poll.closes_at, lang, core.zone_of(None, community))))
    else:
        notes.append(await core.localize(lang, "This poll is closed."))
    if poll.anonymous:
        notes.append(await core.localize(lang, "Anonymous: no names are stored with votes. While the poll is open a "
                                               "one-way code stops double votes; it is deleted at close."))
    buttons = [Button(await core.localize(lang, "Translate"), "poll.translate", str(poll.id))]
    if poll.mode == "buttons" and poll.status == "open":
        buttons += [Button(f"{i + 1}. {label}"[:80], "poll.vote", f"{poll.id}:{i}") for i, label in enumerate(labels)]
    return Message(title=f"🗳️ {poll.question}", text="\n".join([*lines, "", *notes]),
                   buttons=tuple(buttons[:25]), footer=f"Poll #{poll.id}")


class PollsCog(Cog):
    name = "polls"
    personal_data_models = (Poll, Vote)

    def __init__(self, core: Services) -> None:
        super().__init__(core)
        self.reconciler = PollReconciler(self)

    async def on_platform_ready(self, platform: str) -> None:
        await self.reconciler.on_platform_ready(platform)

    @command("poll", "Ask the committee a question with options",
             OptionSpec("question", "The question", required=True),
             OptionSpec("options", "Options separated by \";\"", required=True),
             OptionSpec("closes", "When voting closes, e.g. \"Friday 5pm\""),
             OptionSpec("anonymous", "Store no voter names", type=OptionType.BOOLEAN),
             OptionSpec("hide_results", "Hide results until the poll closes", type=OptionType.BOOLEAN),
             OptionSpec("multi", "Allow several choices", type=OptionType.BOOLEAN),
             allowed=ORGANISERS)
    async def poll(self, ctx: Context, question: str, options: str, closes: str | None = None,
                   anonymous: bool = False, hide_results: bool = False, multi: bool = False) -> None:
        community, member = ctx.require_community(), ctx.require_member()
        labels = parse_options(options)
        closes_at = None
        if closes:
            closes_at = future_time(closes, ctx.language, self.core.zone_of(member, community), ctx.now)
        channel = getattr(ctx.event, "channel", None) or await self.core.channel(community, "committee")
        if channel is None:
            raise UserError("I can't find a channel to post the poll in.")
        poll = await create_poll(self.core, ctx, question.strip(), labels, multi=multi, anonymous=anonymous,
                                 hide_results=hide_results, closes_at=closes_at, channel=channel)
        await ctx.reply("Poll #{id} is posted.", id=poll.id)

    async def _poll_for(self, community: Community, message_id: str) -> Poll | None:
        async with self.core.db.read() as session:
            return await session.scalar(select(Poll).where(Poll.community_id == community.id,
                                                           Poll.message_id == message_id))

    @listener(ReactionAdded)
    async def on_reaction_added(self, ctx: Context, event: ReactionAdded) -> None:
        if ctx.community is None or event.emoji.key not in NUMBER_KEYS:
            return  # only numbered reactions can be votes: no database look-up for the rest
        poll = await self._poll_for(ctx.community, event.message.id)
        if poll is None or poll.mode != "reactions":
            return
        if event.emoji.key not in NUMBER_KEYS[:len(poll.options["labels"])]:
            await fallbacks.take_back_reaction(ctx.outbound, event.message, event.emoji, ctx.user, notice=ctx,
                                               msgid="That reaction is not one of this poll's options, so it "
                                                     "does not count.")
            return
        await self._vote(ctx, poll, NUMBER_KEYS.index(event.emoji.key), add=True, message=event.message)

    @listener(ReactionRemoved)
    async def on_reaction_removed(self, ctx: Context, event: ReactionRemoved) -> None:
        if ctx.community is None:
            return
        poll = await self._poll_for(ctx.community, event.message.id)
        if poll is None or poll.mode != "reactions" or event.emoji.key not in NUMBER_KEYS:
            return
        await self._vote(ctx, poll, NUMBER_KEYS.index(event.emoji.key), add=False)

    @button("poll.vote")
    async def on_button(self, ctx: Context, event: ButtonPressed) -> None:
        """A poll card's button. The value is checked against the card the person was shown:
        a poll of their community, and one of its options (a forged or stale value stores
        nothing). On a poll whose results are hidden the voter sees no count move, so they
        are told their vote counted."""
        poll_part, _, index_part = event.value.partition(":")
        poll_id, index = record_id(poll_part), record_id(index_part)
        async with self.core.db.read() as session:
            poll = await session.get(Poll, poll_id) if poll_id is not None else None
            if poll is None or poll.community_id != ctx.require_community().id:
                raise UserError("That poll no longer exists.")
            labels = poll.options.get("labels", [])
            if index is None or index >= len(labels):
                raise UserError("That is not one of this poll's options. Please use the buttons on the poll.")
            existing = await session.scalar(select(Vote.id).where(*self._mine(poll, ctx.require_member().id),
                                                                  Vote.option_index == index))
        counted = await self._vote(ctx, poll, index, add=existing is None)
        if counted and poll.hide_results:
            if existing is None:
                await ctx.reply("Your vote for \"{option}\" is counted. The results are shown when the poll closes.",
                                option=labels[index])
            else:
                await ctx.reply("Your vote for \"{option}\" is taken back.", option=labels[index])

    @staticmethod
    def _mine(poll: Poll, member_id: int) -> list[Any]:
        if poll.anonymous:
            return [Vote.poll_id == poll.id, Vote.voter_code == voter_code(poll, member_id)]
        return [Vote.poll_id == poll.id, Vote.member_id == member_id]

    async def _vote(self, ctx: Context, poll: Poll, index: int, *, add: bool,
                    message: MessageRef | None = None) -> bool:
        """Add or take back one vote; False when the poll was closed (the voter was told)."""
        member = ctx.require_member()
        replaced: list[int] = []
        closed = False

        async def work(session: AsyncSession) -> None:
            nonlocal closed
            locked = await lock_poll(session, poll.id)
            if locked is None:
                return
            if locked.status != "open":
                closed = True
                return
            mine = self._mine(locked, member.id)
            existing = list((await session.scalars(select(Vote.option_index).where(*mine))).all())
            if not add:
                await session.execute(delete(Vote).where(*mine, Vote.option_index == index))
                return
            if index in existing:
                return
            if not locked.multi and existing:
                replaced.extend(existing)
                await session.execute(delete(Vote).where(*mine))
            session.add(Vote(poll_id=locked.id, option_index=index,
                             member_id=None if locked.anonymous else member.id,
                             voter_code=voter_code(locked, member.id) if locked.anonymous else None))

        await ctx.transaction(work)
        if closed:
            if message is not None:
                await fallbacks.take_back_reaction(ctx.outbound, message, emoji_norm.parse(NUMBERS[index]), ctx.user)  # type: ignore[arg-type]
            await ctx.reply("This poll is closed.")
            return False
        if message is not None:
            for old in replaced:
                await fallbacks.take_back_reaction(
                    ctx.outbound, message, emoji_norm.parse(NUMBERS[old]), ctx.user,  # type: ignore[arg-type]
                    notice=ctx, msgid="Only your latest choice counts in this poll; your earlier reaction "
                                      "{emoji} no longer counts.", emoji=NUMBERS[old])
        self.refresh(poll.id)
        return True

    def refresh(self, poll_id: int) -> None:
        self.core.debouncer.request(f"poll-card:{poll_id}", lambda: self._redraw(poll_id))

    async def _redraw(self, poll_id: int) -> None:
        async with self.core.db.read() as session:
            poll = await session.get(Poll, poll_id)
            community = await session.get(Community, poll.community_id) if poll else None
            if poll is None or community is None or poll.message_id is None:
                return
            card = await render_poll(self.core, session, poll, community)
        ref = MessageRef(ChannelRef(community.platform, poll.channel_id, self.core.community_ref(community)),
                         poll.message_id)
        await self.core.outbound(community.platform).edit(ref, card)

    @command("poll close", "Close a poll and post the results",
             OptionSpec("id", "Poll number", type=OptionType.INTEGER,
                        missing=NO_SUCH_POLL, required=True), allowed=ORGANISERS)
    async def close_command(self, ctx: Context, id: int) -> None:
        community, member = ctx.require_community(), ctx.require_member()
        async with self.core.db.read() as session:
            poll = await session.get(Poll, id)
        if poll is None or poll.community_id != community.id:
            raise UserError("There is no poll #{id} here.", id=id)
        if poll.creator_member_id != member.id and not ctx.has_role(Role.TEACHER):
            raise UserError("Only the organiser or a teacher can do that.")
        if poll.status != "open":
            raise UserError("Poll #{id} is already closed.", id=id)
        await self.close(poll.id)
        await ctx.reply("Poll #{id} is closed; the results are posted.", id=id)

    @job("poll.close")
    async def close_job(self, job_ctx: JobContext) -> None:
        await self.close(job_ctx.payload["poll"])

    async def close(self, poll_id: int) -> None:
        """Freeze the totals, delete anonymous voter codes, post results with a chart."""
        async with self.core.db.write() as session:
            poll = await lock_poll(session, poll_id)
            if poll is None or poll.status != "open":
                return
            counts = await counts_of(session, poll)
            poll.status, poll.closed_at, poll.final_counts = "closed", self.core.clock.now(), {"counts": counts}
            if poll.anonymous:
                poll.secret = None
                await session.execute(update(Vote).where(Vote.poll_id == poll.id).values(voter_code=None))
            community = await session.get(Community, poll.community_id)
        assert community is not None
        labels = poll.options["labels"]
        total = sum(counts)
        lang = community.default_language
        final = P_("{count} vote — final results", "{count} votes — final results")
        chart = render_chart(poll.question, labels, counts, note=await self.core.localize(lang, final, count=total))
        heading = P_("Results of poll #{id} ({count} vote):", "Results of poll #{id} ({count} votes):")
        summary = [await self.core.localize(lang, heading, id=poll.id, count=total)]
        for label, count in sorted(zip(labels, counts, strict=True), key=lambda pair: -pair[1]):
            share = f"{100 * count / total:.0f}%" if total else "0%"
            summary.append(f"• {label}: {count} ({share})")
        channel = ChannelRef(community.platform, poll.channel_id, self.core.community_ref(community))
        outbound = self.core.outbound(community.platform)
        message = Message(title=f"🗳️ {poll.question}", text="\n".join(summary),
                          attachments=(Attachment(f"poll-{poll.id}.png", chart.png, "image/png"),))
        if outbound.capabilities.file_upload:
            await outbound.upload_file(channel, message.attachments[0], Message(title=message.title, text=message.text))
        else:
            await outbound.post(channel, Message(title=message.title, text=message.text))
        self.refresh(poll.id)

    @button("poll.translate")
    async def translate(self, ctx: Context, event: ButtonPressed) -> None:
        async with self.core.db.read() as session:
            poll_id = record_id(event.value)
            poll = await session.get(Poll, poll_id) if poll_id is not None else None
        if poll is None or poll.community_id != ctx.require_community().id:
            raise UserError("That poll no longer exists.")
        text = "\n".join([poll.question, *[f"{i + 1}. {label}" for i, label in enumerate(poll.options["labels"])]])
        body, _ = await self.core.translated(text, ctx.language, source=poll.language, community_id=poll.community_id)
        await ctx.reply_message(Message(text=body, footer=f"Poll #{poll.id}"))

    async def export_member(self, session: AsyncSession, member: Member) -> dict[str, Any]:
        votes = (await session.execute(select(Vote, Poll).join(Poll, Poll.id == Vote.poll_id)
                                       .where(Vote.member_id == member.id))).all()
        created = (await session.scalars(select(Poll).where(Poll.creator_member_id == member.id))).all()
        return {"votes": [{"poll": poll.id, "question": poll.question,
                           "choice": poll.options["labels"][vote.option_index]} for vote, poll in votes],
                "polls_created": [{"poll": p.id, "question": p.question} for p in created],
                "note": "Votes in anonymous polls are not linked to you and cannot be exported."}

    async def delete_member(self, session: AsyncSession, member: Member) -> None:
        """Open polls lose the member's votes; closed polls keep their frozen totals."""
        await session.execute(delete(Vote).where(Vote.member_id == member.id))
        open_anonymous = (await session.scalars(select(Poll).where(
            Poll.community_id == member.community_id, Poll.status == "open", Poll.anonymous.is_(True)))).all()
        for poll in open_anonymous:
            await session.execute(delete(Vote).where(Vote.poll_id == poll.id,
                                                     Vote.voter_code == voter_code(poll, member.id)))
        await session.execute(update(Poll).where(Poll.creator_member_id == member.id).values(creator_member_id=None))
