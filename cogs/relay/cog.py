"""The translated question relay: a family asks privately in any language, the teacher
reads and answers in theirs, and the answer returns in the family's language.

Intake stores the message under the event's key in one transaction (a redelivered DM or a
restart cannot relay it twice, and a crash before commit loses nothing: the platform
redelivers); delivery and answers are durable jobs that record what they posted. When
translation fails, the original goes through with a note and a retry job adds the
translation to the conversation later. Questions never appear in a public channel.

Every DM goes through the delivery service (``core.deliveries``): the question to a teacher
who reads by DM, answers to families (PERSONAL: quiet hours, DMs closed and the teacher told by
name are the service's), the retranslation notes, and published FAQ entries (BROADCAST).
Where a relayed DM landed is recorded once, on its outbox row (``dm_message_id``), under the
subject ``relay:message:<id>``; a teacher's "Reply" to that DM is matched to the question
through the outbox (see :meth:`RelayCog._question_replied_to`). Thread posts are channel
posts, not deliveries: they still record ``delivered_message_id`` on the message.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.api import fallbacks
from bot.api.cog import Cog, button, command, job, listener
from bot.api.commands import Choice, OptionSpec, OptionType
from bot.api.context import Context
from bot.api.errors import UserError
from bot.api.events import ButtonPressed, DirectMessage, ThreadReply
from bot.api.families import Child
from bot.api.ids import record_id
from bot.api.jobs import JobContext, RetryLater
from bot.api.messages import Button, FileRef, FileUnavailable, Message, Select, SelectOption
from bot.api.refs import ChannelRef, MessageRef, UserRef
from bot.api.roles import STAFF, Role
from bot.api.services import Services
from bot.api.when import format_when
from bot.db.members import members_with_role
from bot.db.models import Community, Member
from bot.delivery import Action, Content, Item, Phrase, Reach, attached
from bot.delivery.models import OutboxEntry
from bot.i18n import N_, P_, languages
from cogs.relay.models import FaqEntry, OfficeHours, Question, RelayMessage
from cogs.relay.office_hours import parse_office_hours

#: the answer for a number that names no question (also past the database's range)
NO_SUCH_QUESTION = N_("There is no question #{id} for you.")

log = logging.getLogger(__name__)

MAX_LENGTH = 1500
RETRANSLATE_AFTER = timedelta(minutes=10)
RETRANSLATE_MAX_WAIT = timedelta(hours=6)
RETRANSLATE_GIVE_UP = timedelta(days=1)
FAQ_LIST_LIMIT = 20
FAQ_LINE_LIMIT = 300

QUESTION_TOPIC = "relay.question"
ANSWER_TOPIC = "relay.answer"
FAQ_TOPIC = "relay.faq"
SHARED_TOPIC = "relay.shared"

MSG_SENT = N_("Your question #{id} was sent to {teacher}. The answer will come here, in your language.")
MSG_SENT_DMS_CLOSED = N_("Your question #{id} was sent to {teacher}. I can't send you direct messages, so your "
                         "teacher's answer can't reach you here. Please open your direct messages from this "
                         "server, or ask your teacher in class.")
MSG_TAKEN = N_("A teacher has already taken up your question #{id}. The answer will come here.")
MSG_TAKEN_DMS_CLOSED = N_("A teacher has already taken up your question #{id}. I can't send you direct messages, "
                          "so the answer can't reach you here. Please open your direct messages from this "
                          "server, or ask your teacher in class.")


def message_subject(message_id: int) -> str:
    """The outbox subject of everything delivered about one relay message."""
    return f"relay:message:{message_id}"


def checked_message(text: str) -> str:
    """A family's question or a teacher's answer, trimmed; empty or over the relay's limit
    is refused with the numbers, before anything is stored."""
    text = text.strip()
    if not text:
        raise UserError("Your message is empty.")
    if len(text) > MAX_LENGTH:
        raise UserError("Your message is {length} characters long; please send it in parts of at most {max} "
                        "characters.", length=len(text), max=MAX_LENGTH)
    return text


class RelayCog(Cog):
    name = "relay"
    personal_data_models = (Question, RelayMessage, OfficeHours, FaqEntry)

    # ----- asking -------------------------------------------------------------------------
    @listener(DirectMessage)
    async def on_direct_message(self, ctx: Context, event: DirectMessage) -> None:
        await self._private_message(ctx, event.text)

    async def _private_message(self, ctx: Context, text: str) -> None:
        """Whatever a family writes to the bot privately is a question or a follow-up."""
        if ctx.community is None or ctx.member is None:
            await ctx.reply("Hello! I couldn't tell which class you belong to. Please use /ask in your class's "
                            "server or workspace.")
            return
        if ctx.has_role(Role.TEACHER):  # staff (admins too) answer; their DMs are not questions
            await ctx.reply("To answer a family, reply to their question or use /reply id:N text:...")
            return
        await self._intake(ctx, text, teacher=None)

    @command("ask", "Ask your child's teacher a private question, in any language",
             OptionSpec("text", "Your question", required=True, long=True),
             OptionSpec("teacher", "Which teacher (if your class has several)", type=OptionType.USER),
             OptionSpec("child", "Which child it is about (if you have several in the class)"))
    async def ask(self, ctx: Context, text: str, teacher: UserRef | None = None, child: str | None = None) -> None:
        await self._intake(ctx, text, teacher=teacher, child=child)

    async def ask_teacher(self, ctx: Context, text: str, *, teacher: UserRef | None = None,
                          child: str | None = None) -> None:
        """Take ``text`` from the family in ``ctx`` to a teacher exactly as /ask does (checked,
        translated, rate limited, about a child, answered privately): the entry point for
        other features whose families need to ask a teacher something (a conference time that
        is not offered). The family is answered in ``ctx``; a bad message is a UserError."""
        await self._intake(ctx, text, teacher=teacher, child=child)

    async def _child_for(self, member: Member, named: str | None) -> Child | None:
        """The child a question is about: the one named (it must be one of the asker's), or
        the only one when the asker has one child in the class."""
        async with self.core.db.read() as session:
            children = await self.core.families.children_of(session, member.id)
        if named is None or not named.strip():
            return children[0] if len(children) == 1 else None
        found = next((c for c in children if c.label.lower() == " ".join(named.split()).lower()), None)
        if found is None:
            if not children:
                raise UserError("You are not linked to a child in this class yet. Leave out child:, or ask the "
                                "teacher for a join code.")
            raise UserError("You are not linked to a child called \"{name}\" here. Your children in this class: "
                            "{children}.", name=named, children=", ".join(c.label for c in children))
        return found

    async def _teachers(self, community_id: int) -> list[Member]:
        """Who a family's question can go to: everyone holding the teacher role (a server
        owner or admin who is also a teacher included)."""
        async with self.core.db.read() as session:
            return await members_with_role(session, community_id, Role.TEACHER)

    async def _intake(self, ctx: Context, text: str, *, teacher: UserRef | None, child: str | None = None) -> None:
        community, member = ctx.require_community(), ctx.require_member()
        text = checked_message(text)
        about = await self._child_for(member, child)
        teachers = await self._teachers(community.id)
        chosen: Member | None = None
        if teacher is not None:
            chosen = next((t for t in teachers if t.user_id == teacher.id), None)
            if chosen is None:
                raise UserError("That person is not a teacher here. Leave out teacher: to reach your class's "
                                "teacher.")
        source = await self._source_language(member, community, text)
        outcome: dict[str, Any] = {}

        async def work(session: AsyncSession) -> None:
            open_question = await session.scalar(select(Question).where(
                Question.family_member_id == member.id, Question.status.in_(("open", "choosing")))
                .order_by(Question.id.desc()).limit(1))
            if open_question is not None and (chosen is None or open_question.teacher_member_id == chosen.id) and (
                    child is None or open_question.child_id == (about.id if about else None)):
                question, follow_up = open_question, True
            else:
                recent = await session.scalar(select(func.count()).select_from(Question).where(
                    Question.family_member_id == member.id, Question.created_at > ctx.now - timedelta(hours=1)))
                if int(recent or 0) >= self.core.config.relay.questions_per_hour:
                    outcome["limited"] = True
                    return
                assigned = chosen or (teachers[0] if len(teachers) == 1 else None)
                question = Question(community_id=community.id, family_member_id=member.id,
                                    child_id=about.id if about else None, child_label=about.label if about else None,
                                    teacher_member_id=assigned.id if assigned else None,
                                    status="open" if assigned else "choosing", created_at=ctx.now, updated_at=ctx.now)
                session.add(question)
                await session.flush()
                follow_up = False
            teacher_row = await session.get(Member, question.teacher_member_id) if question.teacher_member_id else None
            target = self.core.language_of(teacher_row, community) if teacher_row else community.default_language
            message = RelayMessage(question_id=question.id, direction="in", author_member_id=member.id,
                                   event_key=ctx.event.key, text=text, source_language=source,
                                   target_language=target, created_at=ctx.now)
            session.add(message)
            question.updated_at = ctx.now
            await session.flush()
            if question.status == "open":
                await self.core.schedule(session, "relay.deliver", {"message": message.id}, ctx.now,
                                         dedupe_key=f"relay:deliver:{message.id}")
            outcome.update(question=question.id, follow_up=follow_up, status=question.status,
                           teacher=teacher_row)

        await ctx.transaction(work)
        if outcome.get("limited"):
            limit = self.core.config.relay.questions_per_hour
            await ctx.reply("You have asked {count} new questions in the last hour. Please wait a little; your "
                            "teacher will answer the ones already sent.", count=limit)
            return
        number = outcome["question"]
        if outcome["status"] == "choosing":
            if not teachers:
                await ctx.reply("Your question #{id} is saved, but no teacher has joined Homeroom here yet. It "
                                "is waiting in the teachers' /questions list.", id=number)
                return
            await self._offer_teachers(ctx, number, teachers)
            return
        teacher_row = outcome["teacher"]
        if outcome["follow_up"]:
            await ctx.reply("Added to your question #{id}. {teacher} will see it.", id=number,
                            teacher=teacher_row.display_name if teacher_row else "")
        else:
            await ctx.reply(MSG_SENT_DMS_CLOSED if await self._dms_closed(member.id) else MSG_SENT, id=number,
                            teacher=teacher_row.display_name if teacher_row else "")
        if teacher_row is not None:
            await self._office_hours_notice(ctx, teacher_row, community)

    async def _source_language(self, member: Member, community: Community, text: str) -> str:
        if member.writes_in:
            return member.writes_in
        fallback = self.core.language_of(member, community)
        async with self.core.db.read() as session:
            chosen = set((await session.scalars(select(Member.language).where(
                Member.community_id == community.id, Member.language.is_not(None)))).all())
        candidates = sorted({*(c for c in chosen if c), community.default_language, fallback, *languages.offered()})
        return await self.core.translator.detect(text, candidates=candidates, fallback=fallback)

    async def _offer_teachers(self, ctx: Context, question_id: int, teachers: list[Member]) -> None:
        prompt = await ctx.t("Which teacher is your question #{id} for?", id=question_id)
        caps = ctx.outbound.capabilities
        if len(teachers) <= min(5, caps.max_buttons_per_message):
            buttons = tuple(Button(t.display_name or f"#{t.id}", "relay.choose", f"{question_id}:{t.id}")
                            for t in teachers)
            await ctx.reply_message(Message(text=prompt, buttons=buttons))
        else:
            options = tuple(SelectOption(t.display_name or f"#{t.id}", f"{question_id}:{t.id}") for t in teachers[:25])
            await ctx.reply_message(Message(text=prompt, selects=(Select("relay.choose", prompt, options),)))

    @button("relay.choose")
    async def choose_teacher(self, ctx: Context, event: ButtonPressed) -> None:
        member = ctx.require_member()
        question_part, _, teacher_part = event.value.partition(":")
        question_id, teacher_id = record_id(question_part), record_id(teacher_part)
        if question_id is None or teacher_id is None:
            raise UserError("That question is no longer waiting for a teacher.")

        async def work(session: AsyncSession) -> Member | None:
            question = await session.get(Question, question_id)
            teacher = await session.get(Member, teacher_id)
            if question is None or question.family_member_id != member.id or teacher is None:
                raise UserError("That question is no longer waiting for a teacher.")
            offered = await members_with_role(session, question.community_id, Role.TEACHER)
            if teacher.id not in {t.id for t in offered}:  # only a teacher the family was offered
                raise UserError("That question is no longer waiting for a teacher.")
            if question.status != "choosing":
                return None
            await self._assign(session, question, teacher, ctx.now)
            return teacher

        teacher = await ctx.transaction(work)
        closed = await self._dms_closed(member.id)
        if teacher is None:
            await ctx.reply(MSG_TAKEN_DMS_CLOSED if closed else MSG_TAKEN, id=question_id)
            return
        await ctx.reply(MSG_SENT_DMS_CLOSED if closed else MSG_SENT, id=question_id,
                        teacher=teacher.display_name)
        await self._office_hours_notice(ctx, teacher, ctx.require_community())

    async def _dms_closed(self, member_id: int) -> bool:
        """Whether this person is known not to accept the bot's DMs (read fresh: a failed
        delivery may have found out since the event arrived)."""
        async with self.core.db.read() as session:
            return bool(await session.scalar(select(Member.dms_closed).where(Member.id == member_id)))

    async def _assign(self, session: AsyncSession, question: Question, teacher: Member, now: datetime) -> None:
        """Give a waiting question to a teacher and relay what the family wrote so far, in the
        teacher's language (once per message, whoever assigns it)."""
        question.teacher_member_id, question.status = teacher.id, "open"
        community = await session.get(Community, question.community_id)
        pending = (await session.scalars(select(RelayMessage).where(
            RelayMessage.question_id == question.id, RelayMessage.direction == "in",
            RelayMessage.delivered_message_id.is_(None)))).all()
        for message in pending:
            message.target_language = self.core.language_of(teacher, community)
            await self.core.schedule(session, "relay.deliver", {"message": message.id}, now,
                                     dedupe_key=f"relay:deliver:{message.id}")

    async def _office_hours_notice(self, ctx: Context, teacher: Member, community: Community) -> None:
        async with self.core.db.read() as session:
            hours_row = await session.get(OfficeHours, teacher.id)
        hours = parse_office_hours(hours_row.spec) if hours_row else None
        if hours is None:
            return
        teacher_zone = self.core.zone_of(teacher, community)
        opens = hours.next_open(ctx.now, teacher_zone)
        if opens <= ctx.now:
            return
        family_zone = self.core.zone_of(ctx.member, community)
        await ctx.reply("{teacher} is outside office hours right now. Expect an answer after {when}.",
                        teacher=teacher.display_name, when=format_when(opens, ctx.language, family_zone))

    # ----- delivering to the teacher -----------------------------------------------------------
    async def _load(self, message_id: int) -> tuple[RelayMessage, Question, Member, Member | None, Community] | None:
        async with self.core.db.read() as session:
            message = await session.get(RelayMessage, message_id)
            if message is None:
                return None
            question = await session.get(Question, message.question_id)
            assert question is not None
            family = await session.get(Member, question.family_member_id)
            teacher = await session.get(Member, question.teacher_member_id) if question.teacher_member_id else None
            community = await session.get(Community, question.community_id)
        if family is None or community is None:
            return None
        return message, question, family, teacher, community

    @job("relay.deliver")
    async def deliver(self, job_ctx: JobContext) -> None:
        loaded = await self._load(job_ctx.payload["message"])
        if loaded is None:
            return
        message, question, family, teacher, community = loaded
        if message.delivered_message_id or teacher is None:
            return  # already relayed: never twice
        result = await self.core.translator.translate(message.text, message.target_language,
                                                      source=message.source_language, community_id=community.id,
                                                      owner_member_id=family.id)
        translation = Phrase.exact(result.text) if result.ok else Phrase.of(
            N_("(Translation unavailable right now — it will follow.)"))
        fields = [Item(Phrase.of(N_("Original ({language})"), language=message.source_language),
                       Phrase.exact(message.text))]
        if not result.unchanged:  # a question already in the teacher's language needs no second copy
            fields.append(Item(Phrase.of(N_("Translation")), translation))
        title = (Phrase.of(N_("Question #{id} from {name} about {child}"), id=question.id,
                           name=family.display_name or "", child=question.child_label) if question.child_label
                 else Phrase.of(N_("Question #{id} from {name}"), id=question.id, name=family.display_name or ""))
        body = Content(title=title,
                       body=Phrase.exact(""), fields=tuple(fields),
                       footer=Phrase.of(N_("Reply to this message, or use /reply id:{id} text:..."), id=question.id))
        ref = await self._post_to_teacher(community, question, teacher, body, message_id=message.id,
                                          cause=f"relay:question:{message.id}", sender=family)
        async with self.core.db.write() as session:
            values: dict[str, Any] = {"translated_text": result.text if result.ok and not result.unchanged else None}
            if ref is not None:  # a thread post; a DM's place is on its outbox row
                values.update(delivered_channel_id=ref.channel.id, delivered_message_id=ref.id)
            await session.execute(update(RelayMessage).where(RelayMessage.id == message.id).values(**values))
            await self.core.audit(session, community.id, teacher, "relay.delivered", "question", question.id,
                                  subject_member_id=family.id)
            if not result.ok:
                await self.core.schedule(session, "relay.retranslate", {"message": message.id},
                                         self.core.clock.now() + RETRANSLATE_AFTER,
                                         dedupe_key=f"relay:retranslate:{message.id}")

    async def _post_to_teacher(self, community: Community, question: Question, teacher: Member,
                               content: Content, *, message_id: int, cause: str,
                               sender: Member | None = None) -> MessageRef | None:
        """Post in the question's staff thread (returns where), or queue a DM to the teacher
        through the delivery service under the message's subject (returns None: the outbox
        row records where it lands). ``cause`` makes a rerun queue nothing twice."""
        mode = self.core.config.community(community.key).relay_mode or self.core.config.relay.mode
        outbound = self.core.outbound(community.platform)
        if mode == "thread" and fallbacks.thread_route(outbound.capabilities) is fallbacks.ThreadRoute.THREAD:
            if question.thread_root_id is None:
                staff = await self.core.channel(community, "staff")
                if staff is not None:
                    header = Message(text=await self.core.localize(
                        self.core.language_of(teacher, community), N_("Private question #{id} for {teacher}"),
                        id=question.id, teacher=teacher.display_name))
                    root = await outbound.post(staff, header)
                    async with self.core.db.write() as session:
                        fresh = await session.get(Question, question.id)
                        if fresh is not None:
                            fresh.thread_root_id = root.id
                            fresh.teacher_channel_id = root.channel.id
                    question.thread_root_id, question.teacher_channel_id = root.id, root.channel.id
            if question.thread_root_id is not None:
                parent = MessageRef(ChannelRef(community.platform, question.teacher_channel_id or "",
                                               self.core.community_ref(community)), question.thread_root_id)
                body = await self.core.deliveries.render_content(content, teacher, community)
                return await outbound.post_in_thread(parent, body)
        async with self.core.db.write() as session:
            await self.core.deliveries.enqueue(session, community, [teacher], topic=QUESTION_TOPIC,
                                               subject=message_subject(message_id), cause=cause,
                                               content=content, reach=Reach.PERSONAL, sender=sender)
        return None

    @job("relay.retranslate")
    async def retranslate(self, job_ctx: JobContext) -> None:
        loaded = await self._load(job_ctx.payload["message"])
        if loaded is None:
            return
        message, question, family, teacher, community = loaded
        if message.translated_text:
            return
        result = await self.core.translator.translate(message.text, message.target_language,
                                                      source=message.source_language, community_id=community.id,
                                                      owner_member_id=family.id)
        if not result.ok:
            # An expected condition (the provider is down), not a fault: tried again later,
            # each wait twice the last, and given up after a day, with one quiet log line.
            waited = job_ctx.now - message.created_at
            if waited >= RETRANSLATE_GIVE_UP:
                log.info("relay message %s: translation still unavailable after a day; the original stands",
                         message.id)
                return
            raise RetryLater(job_ctx.now + min(max(RETRANSLATE_AFTER, waited), RETRANSLATE_MAX_WAIT))
        note = Content(title=Phrase.of(N_("Translation of question #{id}"), id=question.id),
                       body=Phrase.exact(result.text))
        cause = f"relay:retranslation:{message.id}"
        if message.direction == "in" and teacher is not None:
            await self._post_to_teacher(community, question, teacher, note, message_id=message.id, cause=cause)
        elif message.direction == "out":
            async with self.core.db.write() as session:
                await self.core.deliveries.enqueue(session, community, [family], topic=ANSWER_TOPIC,
                                                   subject=message_subject(message.id), cause=cause, content=note,
                                                   reach=Reach.PERSONAL, sender=teacher)
        async with self.core.db.write() as session:
            await session.execute(update(RelayMessage).where(RelayMessage.id == message.id)
                                  .values(translated_text=result.text))

    # ----- answering ------------------------------------------------------------------------
    @listener(ThreadReply)
    async def on_thread_reply(self, ctx: Context, event: ThreadReply) -> None:
        question = await self._question_replied_to(ctx, event.parent)
        if question is None:
            if event.parent.channel.is_dm:  # a family using "Reply" on one of the bot's DMs
                await self._private_message(ctx, event.text)
            return
        await self._answer(ctx, question.id, event.text)

    async def _question_replied_to(self, ctx: Context, parent: MessageRef) -> Question | None:
        """The question whose relayed message ``parent`` is: a DM the service delivered to this
        person (found through its outbox row, the one record of where a DM landed), a thread
        post, or a thread's root."""
        async with self.core.db.read() as session:
            if parent.channel.is_dm and ctx.member is not None:
                subject = await session.scalar(select(OutboxEntry.subject).where(
                    OutboxEntry.member_id == ctx.member.id, OutboxEntry.topic == QUESTION_TOPIC,
                    OutboxEntry.dm_message_id == parent.id).limit(1))
                message_id = subject.rpartition(":")[2] if subject else ""
                if message_id.isdigit():
                    return await session.scalar(select(Question).join(
                        RelayMessage, RelayMessage.question_id == Question.id).where(
                        RelayMessage.id == int(message_id)))
            question = await session.scalar(select(Question).join(
                RelayMessage, RelayMessage.question_id == Question.id).where(
                RelayMessage.direction == "in", RelayMessage.delivered_message_id == parent.id))
            if question is None:
                question = await session.scalar(select(Question).where(Question.thread_root_id == parent.id))
        return question

    @command("reply", "Answer a family's question (it is translated for them)",
             OptionSpec("id", "Question number", type=OptionType.INTEGER,
                        missing=NO_SUCH_QUESTION, required=True, autocomplete="questions"),
             OptionSpec("text", "Your answer", required=True, long=True), allowed=STAFF)
    async def reply(self, ctx: Context, id: int, text: str) -> None:
        await self._answer(ctx, id, text)

    async def _question_for_staff(self, ctx: Context, question_id: int) -> Question:
        member = ctx.require_member()
        async with self.core.db.read() as session:
            question = await session.get(Question, question_id)
            community = await session.get(Community, question.community_id) if question else None
        if question is None or community is None or (ctx.community is not None and community.id != ctx.community.id):
            raise UserError("There is no question #{id} for you.", id=question_id)
        unassigned = question.teacher_member_id is None and ctx.has_role(Role.TEACHER)
        if question.teacher_member_id != member.id and not ctx.has_role(Role.ADMIN) and not unassigned:
            raise UserError("Only the teacher this question was addressed to (or an admin) can read or answer it.")
        if unassigned:  # a question no teacher was chosen for goes to the first who takes it up
            async with self.core.db.write() as session:
                fresh = await session.get(Question, question.id)
                if fresh is not None and fresh.teacher_member_id is None:
                    await self._assign(session, fresh, member, ctx.now)
            question.teacher_member_id = member.id
        if ctx.community is None:
            ctx.community = community
        return question

    async def _answer(self, ctx: Context, question_id: int, text: str) -> None:
        text = checked_message(text)
        member = ctx.require_member()
        question = await self._question_for_staff(ctx, question_id)
        community = ctx.require_community()

        if question.child_id is not None:
            async with self.core.db.read() as session:
                restricted = await self.core.families.restricted_for(session, question.family_member_id,
                                                                     question.child_id)
                family_row = await session.get(Member, question.family_member_id)
            if restricted:
                raise UserError("Careful: an admin restricted {name} from receiving anything about {child}. Your "
                                "answer was not sent; please talk to an admin.",
                                name=family_row.display_name if family_row else "", child=question.child_label or "")

        async def work(session: AsyncSession) -> int:
            family = await session.get(Member, question.family_member_id)
            message = RelayMessage(question_id=question.id, direction="out", author_member_id=member.id,
                                   event_key=ctx.event.key, text=text, source_language=ctx.language,
                                   target_language=self.core.language_of(family, community), created_at=ctx.now)
            session.add(message)
            await session.flush()
            await self.core.schedule(session, "relay.answer", {"message": message.id}, ctx.now,
                                     dedupe_key=f"relay:answer:{message.id}")
            await self.core.audit(session, community.id, member, "relay.answer", "question", question.id,
                                  subject_member_id=question.family_member_id)
            return message.id

        await ctx.transaction(work)
        await ctx.reply("Your answer to question #{id} is on its way, translated for the family.", id=question.id)

    @job("relay.answer")
    async def send_answer(self, job_ctx: JobContext) -> None:
        """Queue the answer for the family through the delivery service: PERSONAL, so it
        reaches them by DM after their quiet hours, in their language (``Written``, rendered
        when sent); the teacher is the sender, told by name if the family cannot be reached.
        The job first tries the translation so that a failure is known and a note with the
        translation follows later (``relay.retranslate``)."""
        loaded = await self._load(job_ctx.payload["message"])
        if loaded is None:
            return
        message, question, family, teacher, community = loaded
        if message.delivered_message_id:
            return  # sent by a release that sent answers itself
        result = await self.core.translator.translate(message.text, message.target_language,
                                                      source=message.source_language, community_id=community.id,
                                                      owner_member_id=family.id)
        if question.child_id is not None:
            async with self.core.db.read() as session:
                if await self.core.families.restricted_for(session, family.id, question.child_id):
                    return  # restricted after the answer was written: nothing about the child reaches them
        actions = [Action(N_("Show original"), "relay.original", str(message.id), with_translation=True)]
        if question.child_id is not None and not question.shared:
            actions.append(Action(N_("Share with the child's other guardians"), "relay.share", str(question.id)))
        content = Content(
            title=Phrase.of(N_("Answer to your question #{id} from {teacher}"), id=question.id,
                            teacher=teacher.display_name or "" if teacher else ""),
            # The family owns the conversation: erasing their data also drops this cached translation.
            body=Phrase.words(message.text, message.source_language, owner_member_id=family.id),
            actions=tuple(actions))
        async with self.core.db.write() as session:
            await self.core.deliveries.enqueue(session, community, [family], topic=ANSWER_TOPIC,
                                               subject=message_subject(message.id),
                                               cause=f"relay:answer:{message.id}", content=content,
                                               reach=Reach.PERSONAL, sender=teacher)
            if question.shared:
                await self._share(session, community, question, family, [message], teacher)
            if result.ok:
                await session.execute(update(RelayMessage).where(RelayMessage.id == message.id)
                                      .values(translated_text=result.text))
            else:
                await self.core.schedule(session, "relay.retranslate", {"message": message.id},
                                         self.core.clock.now() + RETRANSLATE_AFTER,
                                         dedupe_key=f"relay:retranslate:{message.id}")

    async def _share(self, session: AsyncSession, community: Community, question: Question, asker: Member,
                     messages: list[RelayMessage], teacher: Member | None) -> int:
        """Queue the conversation's ``messages`` for the child's other guardians, each in their
        own language (a restricted guardian is never among them: ``core.families``)."""
        if question.child_id is None:
            return 0
        others = [g for g in await self.core.families.guardians_of(session, question.child_id) if g.id != asker.id]
        for message in messages:
            if message.direction == "in":
                title = Phrase.of(N_("{name} shared a question about {child} with you"), name=asker.display_name,
                                  child=question.child_label or "")
            else:
                title = Phrase.of(N_("Answer from {teacher} about {child}"),
                                  teacher=teacher.display_name if teacher else "", child=question.child_label or "")
            await self.core.deliveries.enqueue(
                session, community, others, topic=SHARED_TOPIC, subject=message_subject(message.id),
                cause=f"relay:shared:{message.id}", reach=Reach.PERSONAL, sender=teacher,
                content=Content(title=title, body=Phrase.words(message.text, message.source_language,
                                                               owner_member_id=asker.id)))
        return len(others)

    @button("relay.share")
    async def share(self, ctx: Context, event: ButtonPressed) -> None:
        """The asker shares a question about a child, and its answers so far and to come, with
        the child's other guardians. Only the asker may, only for a question about a child."""
        member, community = ctx.require_member(), ctx.require_community()
        number = int(event.value) if event.value.isdigit() else 0

        async def work(session: AsyncSession) -> tuple[int, str]:
            question = await session.get(Question, number)
            if question is None or question.family_member_id != member.id or question.child_id is None:
                raise UserError("That message is no longer available.")
            if question.shared:
                return -1, question.child_label or ""
            question.shared = True
            messages = list((await session.scalars(select(RelayMessage).where(
                RelayMessage.question_id == question.id).order_by(RelayMessage.id))).all())
            teacher = await session.get(Member, question.teacher_member_id) if question.teacher_member_id else None
            count = await self._share(session, community, question, member, messages, teacher)
            await self.core.audit(session, community.id, member, "relay.share", "question", question.id,
                                  subject_member_id=member.id)
            return count, question.child_label or ""

        count, child = await ctx.transaction(work)
        if count < 0:
            await ctx.reply("You already shared this question with {child}'s other guardians.", child=child)
        elif count == 0:
            await ctx.reply("{child} has no other guardian I can share this with.", child=child)
        else:
            await ctx.reply(P_("Shared with {count} other guardian of {child}, in their own language.",
                               "Shared with {count} other guardians of {child}, each in their own language."),
                            count=count, child=child)

    @button("relay.original")
    async def show_original(self, ctx: Context, event: ButtonPressed) -> None:
        member = ctx.require_member()
        message_id = record_id(event.value)
        loaded = await self._load(message_id) if message_id is not None else None
        if loaded is None:
            raise UserError("That message is no longer available.")
        message, question, family, _teacher, community = loaded
        allowed = member.id in (family.id, question.teacher_member_id) or ctx.has_role(Role.ADMIN)
        if not allowed:
            raise UserError("Only the teacher this question was addressed to (or an admin) can read or answer it.")
        async with self.core.db.write() as session:
            await self.core.audit(session, community.id, member, "relay.read_original", "question", question.id,
                                  subject_member_id=family.id)
        await ctx.reply_message(Message(title=await ctx.t("Original ({language})", language=message.source_language),
                                        text=message.text))

    # ----- managing -------------------------------------------------------------------------
    @command("resolve", "Mark a question as answered",
             OptionSpec("id", "Question number", type=OptionType.INTEGER,
                        missing=NO_SUCH_QUESTION, required=True, autocomplete="questions"),
             allowed=STAFF)
    async def resolve(self, ctx: Context, id: int) -> None:
        question = await self._question_for_staff(ctx, id)
        async with ctx.write() as session:
            fresh = await session.get(Question, question.id)
            assert fresh is not None
            fresh.status, fresh.resolved_at = "resolved", ctx.now
            await self.core.audit(session, question.community_id, ctx.member, "relay.resolve", "question", question.id,
                                  subject_member_id=question.family_member_id)
        await ctx.reply("Question #{id} is resolved.", id=question.id)

    @command("questions", "Your questions from families, oldest first",
             OptionSpec("which", "open or all", choices=(Choice("open", "open"), Choice("all", "all"))),
             allowed=STAFF)
    async def questions(self, ctx: Context, which: str = "open") -> None:
        community, member = ctx.require_community(), ctx.require_member()
        query = (select(Question, Member.display_name).join(Member, Member.id == Question.family_member_id)
                 .where(Question.community_id == community.id).order_by(Question.created_at, Question.id))
        if not ctx.has_role(Role.ADMIN):
            query = query.where(or_(Question.teacher_member_id == member.id, Question.teacher_member_id.is_(None)))
        if which == "open":
            query = query.where(Question.status.in_(("open", "choosing")))
        async with self.core.db.write() as session:
            rows = (await session.execute(query)).all()
            await self.core.audit(session, community.id, member, "relay.list", "questions", which)
        if not rows:
            await ctx.reply("No questions here.")
            return
        zone = self.core.zone_of(member, community)
        lines = [await ctx.t("Questions ({which}):", which=which)]
        for question, name in rows:
            lines.append(f"#{question.id} — {name} — {question.status} — "
                         f"{format_when(question.created_at, ctx.language, zone)}")
        await ctx.reply_message(Message(text="\n".join(lines)))

    @command("office-hours", "When you answer families, e.g. Mon-Fri 8:00-16:00 (or off)",
             OptionSpec("hours", "Days and hours (none: show yours)"), allowed=STAFF)
    async def office_hours(self, ctx: Context, hours: str | None = None) -> None:
        member = ctx.require_member()
        if not hours:
            async with self.core.db.read() as session:
                current = await session.get(OfficeHours, member.id)
            if current is None:
                await ctx.reply("You have no office hours set. To set them: /office-hours Mon-Fri 8:00-16:00.")
            else:
                await ctx.reply("Your office hours: {hours}. To change them: /office-hours Mon-Fri 8:00-16:00, or "
                                "/office-hours off.", hours=current.spec)
            return
        if hours.strip().lower() == "off":
            async with ctx.write() as session:
                await session.execute(delete(OfficeHours).where(OfficeHours.member_id == member.id))
            await ctx.reply("Office hours removed: families get no automatic replies.")
            return
        if parse_office_hours(hours) is None:
            raise UserError("Please write office hours like Mon-Fri 8:00-16:00.")
        async with ctx.write() as session:
            row = await session.get(OfficeHours, member.id)
            if row is None:
                session.add(OfficeHours(member_id=member.id, spec=hours.strip()))
            else:
                row.spec = hours.strip()
        await ctx.reply("Office hours set: {hours}. Families who write outside them are told when to expect an answer.",
                        hours=hours.strip())

    @command("faq publish", "Publish an anonymised answer for the whole class",
             OptionSpec("id", "Question number", type=OptionType.INTEGER, missing=NO_SUCH_QUESTION, required=True),
             OptionSpec("text", "The public wording (never the family's name)", required=True, long=True),
             OptionSpec("attach", "A file that answers it (an image or a PDF)", type=OptionType.ATTACHMENT),
             allowed=STAFF)
    async def faq_publish(self, ctx: Context, id: int, text: str, attach: FileRef | None = None) -> None:
        question = await self._question_for_staff(ctx, id)
        community, member = ctx.require_community(), ctx.require_member()
        async with self.core.db.read() as session:
            family = await session.get(Member, question.family_member_id)
        text = text.strip()
        if not text:
            raise UserError("Your message is empty.")
        names = [n for n in (family.display_name if family else "",) if n]
        if any(name.lower() in text.lower() for name in names) or (family and family.user_id in text):
            raise UserError("The public text names the family. Please remove their name; nothing was posted.")
        channel = await self.core.channel(community, "announcements")
        if channel is None:
            raise UserError("I can't find the announcements channel. Ask an admin to create #{name}.",
                            name=self.core.config.channels.announcements)
        files = (attach,) if attach is not None else ()
        async with ctx.write() as session:
            entry = FaqEntry(community_id=community.id, author_member_id=member.id, text=text, language=ctx.language,
                             files=[f.to_json() for f in files], created_at=ctx.now)
            session.add(entry)
            await session.flush()
            if not files:
                await self._faq_to_families(session, community, entry)
        lang = community.default_language
        post = Message(
            title=await self.core.localize(lang, "Question from a family"), text=text, files=files,
            buttons=(Button(await self.core.localize(lang, "Translate"), "relay.faq_translate", str(entry.id)),),
            footer=f"FAQ #{entry.id}")
        if not files:
            await ctx.outbound.post(channel, post)
            await ctx.reply("Published as FAQ #{id}.", id=entry.id)
            return
        # with a file, the post comes first: families' messages link it, and a file the
        # platform no longer has stops the entry before anyone is told of it
        try:
            posted = await ctx.outbound.post(channel, post)
        except FileUnavailable as exc:
            async with ctx.write() as session:
                await session.execute(delete(FaqEntry).where(FaqEntry.id == entry.id))
            raise UserError("I could not fetch {file} from the platform any more, so nothing was published. Please "
                            "attach it again.", file=exc.file.filename) from exc
        try:
            link = await ctx.outbound.permalink(posted)
        except Exception:
            log.warning("FAQ %s: no link to its post", entry.id, exc_info=True)
            link = None
        async with ctx.write() as session:
            if posted.files_missing:  # families' messages must not link a file the post lacks
                kept = [f.to_json() for f in files if f not in posted.files_missing]
                await session.execute(update(FaqEntry).where(FaqEntry.id == entry.id).values(files=kept))
                entry.files = kept
            await self._faq_to_families(session, community, entry, link)
        if posted.files_missing:
            await ctx.reply("Published as FAQ #{id}, but without {file}: the platform would not take the file. "
                            "Please post it in the channel yourself.", id=entry.id,
                            file=", ".join(f.filename for f in posted.files_missing))
            return
        await ctx.reply("Published as FAQ #{id}.", id=entry.id)

    async def _faq_to_families(self, session: AsyncSession, community: Community, entry: FaqEntry,
                               post_link: str | None = None) -> None:
        """The FAQ also reaches those who read by DM or digest (BROADCAST: channel readers have
        the post), in each one's language, with "Got it" and its files as links."""
        members = (await session.scalars(select(Member).where(
            Member.community_id == community.id, Member.left_at.is_(None)))).all()
        await self.core.deliveries.enqueue(
            session, community, members, topic=FAQ_TOPIC, subject=f"relay:faq:{entry.id}",
            cause=f"relay:faq:{entry.id}",
            content=Content(title=Phrase.of(N_("Question from a family")),
                            body=Phrase.words(entry.text, entry.language), footer=f"FAQ #{entry.id}",
                            fields=attached(N_("Attached"), map(FileRef.from_json, entry.files or []),
                                            post_link)),
            reach=Reach.BROADCAST, tracked=True)

    @command("faq list", "The class's published questions and answers, newest first")
    async def faq_list(self, ctx: Context) -> None:
        """The latest entries, each in the reader's language (bounded: the newest
        ``FAQ_LIST_LIMIT``, each cut to ``FAQ_LINE_LIMIT`` characters, within the platform's cap)."""
        community = ctx.require_community()
        async with self.core.db.read() as session:
            entries = (await session.scalars(select(FaqEntry).where(FaqEntry.community_id == community.id)
                                             .order_by(FaqEntry.id.desc()).limit(FAQ_LIST_LIMIT))).all()
        if not entries:
            await ctx.reply(N_("No questions have been published for the class yet."))
            return
        lines = [await ctx.t(N_("Published questions and answers ({count}):"), count=len(entries))]
        for entry in entries:
            text, _ = await self.core.translated(entry.text, ctx.language, source=entry.language,
                                                 community_id=community.id)
            text = " ".join(text.split())
            if len(text) > FAQ_LINE_LIMIT:
                text = text[:FAQ_LINE_LIMIT - 1] + "…"
            lines.append(f"#{entry.id} — {text}")
        limit = ctx.outbound.capabilities.max_text_length
        body = "\n".join(lines)
        if len(body) > limit:
            body = body[:limit - 1] + "…"
        await ctx.reply_message(Message(text=body))

    @button("relay.faq_translate")
    async def faq_translate(self, ctx: Context, event: ButtonPressed) -> None:
        async with self.core.db.read() as session:
            entry_id = record_id(event.value)
            entry = await session.get(FaqEntry, entry_id) if entry_id is not None else None
        if entry is None or (ctx.community is not None and entry.community_id != ctx.community.id):
            raise UserError("That message is no longer available.")
        body, _ = await self.core.translated(entry.text, ctx.language, source=entry.language,
                                             community_id=entry.community_id)
        await ctx.reply_message(Message(text=body, footer=f"FAQ #{entry.id}"))

    # ----- privacy -------------------------------------------------------------------------
    async def export_member(self, session: AsyncSession, member: Member) -> dict[str, Any]:
        questions = (await session.scalars(select(Question).where(Question.family_member_id == member.id))).all()
        asked = []
        for question in questions:
            messages = (await session.scalars(select(RelayMessage).where(RelayMessage.question_id == question.id)
                                              .order_by(RelayMessage.id))).all()
            asked.append({"question": question.id, "status": question.status,
                          "created_at": question.created_at.isoformat(),
                          "messages": [{"from": "you" if m.direction == "in" else "teacher", "text": m.text,
                                        "translation": m.translated_text, "at": m.created_at.isoformat()}
                                       for m in messages]})
        answers = (await session.scalars(select(RelayMessage).where(
            RelayMessage.author_member_id == member.id, RelayMessage.direction == "out"))).all()
        hours = await session.get(OfficeHours, member.id)
        return {"questions_asked": asked,
                "answers_written": [{"question": m.question_id, "text": m.text, "at": m.created_at.isoformat()}
                                    for m in answers],
                "office_hours": hours.spec if hours else None}

    async def delete_member(self, session: AsyncSession, member: Member) -> None:
        await session.execute(delete(Question).where(Question.family_member_id == member.id))
        await session.execute(delete(OfficeHours).where(OfficeHours.member_id == member.id))
        await session.execute(update(RelayMessage).where(RelayMessage.author_member_id == member.id)
                              .values(author_member_id=None))
        await session.execute(update(Question).where(Question.teacher_member_id == member.id)
                              .values(teacher_member_id=None))
        await session.execute(update(FaqEntry).where(FaqEntry.author_member_id == member.id)
                              .values(author_member_id=None))

    async def purge_expired(self, session: AsyncSession, cutoffs: dict[str, datetime]) -> dict[str, int]:
        """Questions (with their messages) untouched for longer than the policy."""
        result = await session.execute(delete(Question).where(Question.updated_at < cutoffs["questions"]))
        return {"questions": int(getattr(result, "rowcount", 0) or 0)}

    async def count_expired(self, session: AsyncSession, cutoffs: dict[str, datetime]) -> dict[str, int]:
        count = await session.scalar(select(func.count()).select_from(Question).where(
            Question.updated_at < cutoffs["questions"]))
        return {"questions": int(count or 0)}


def setup(core: Services) -> RelayCog:
    from cogs.relay.completion import questions_source

    core.add_completion("questions", questions_source(core))
    return RelayCog(core)


__all__ = ["RelayCog", "setup"]
