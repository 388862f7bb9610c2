"""Family surveys.

``/survey create`` posts a question in the announcements channel with a numbered button per
option (and Translate), and sends it to families who read by DM or digest in their language
through the delivery service. Families answer with a button or ``/survey answer id: option:``.
A survey is anonymous unless the teacher asks for names (``named:true``); see
:mod:`cogs.surveys.models` for what is kept. ``/survey results`` counts per option and, with
``by_language:true``, per language, so the school hears every community.

Each household answers once (``core.families.household_keys``): a co-parent who answers
after the other replaces the household's answer and is told so privately; results count
households. The household's place is a unique key (named answers: the household; anonymous
ones: a one-way code of it), so parallel or redelivered answers never count a home twice.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections import Counter
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.api.cog import Cog, button, command
from bot.api.commands import OptionSpec, OptionType
from bot.api.context import Context
from bot.api.errors import UserError
from bot.api.events import ButtonPressed
from bot.api.families import member_names
from bot.api.messages import Button, ButtonStyle, Message
from bot.api.refs import ChannelRef, MessageRef
from bot.api.roles import STAFF, Role
from bot.api.services import Services
from bot.db.engine import lock_row
from bot.db.models import Community, Member
from bot.delivery import Action, Content, Item, Phrase, Reach
from bot.i18n import N_, P_
from cogs.surveys.models import Survey, SurveyAnswer, SurveyHouseholdChoice, SurveyParticipant

TOPIC = "survey"
MAX_OPTIONS = 10
MAX_QUESTION = 1000

MSG_TITLE = N_("Survey from school")
MSG_ANONYMOUS = N_("Anonymous: nobody, not even the school, can see what you chose.")
MSG_NAMED = N_("Your teacher will see your name with your answer.")
MSG_HOW = N_("Answer with a number button, or type /survey answer id:{id} option:<number>.")
MSG_OPTIONS = N_("A survey needs between 2 and {max} options, separated by \";\".")
MSG_SAME = N_("Two options are the same; please make each option different.")
MSG_EMPTY = N_("Write the question after question:")
MSG_TOO_LONG = N_("The question is {length} characters; a survey question may have {limit}.")
MSG_NO_CHANNEL = N_("I can't find the announcements channel. Ask an admin to create #{name}.")
MSG_CREATED = N_("Survey #{id} is posted and on its way to every family. See the answers with /survey results "
                 "id:{id}.")
MSG_NO_SURVEY = N_("There is no survey #{id} here.")
MSG_CLOSED = N_("Survey #{id} is closed; thank you all the same.")
MSG_NO_OPTION = N_("Survey #{id} has no option {option}; choose a number from 1 to {count}.")
MSG_FOR_FAMILIES = N_("This survey is for families.")
MSG_COUNTED = N_("Thank you! Your answer to survey #{id} was counted.")
MSG_ONCE = N_("You already answered survey #{id}. Answers are anonymous, so an answer cannot be changed.")
MSG_CHANGED = N_("Your answer to survey #{id} is now {option}.")
MSG_REPLACED = N_("Thank you! Your answer to survey #{id} was counted. It replaces the answer someone else in your "
                  "household gave, because each household answers once.")
MSG_RESULTS = P_("Survey #{id}: {count} answer", "Survey #{id}: {count} answers")
MSG_BY_LANGUAGE = N_("By language")
MSG_CLOSED_NOTE = N_("This survey is closed.")
MSG_CLOSED_NOW = N_("Survey #{id} is closed.")


def parse_options(text: str) -> list[str]:
    options = [o.strip() for o in text.replace("\n", ";").split(";") if o.strip()]
    if not 2 <= len(options) <= MAX_OPTIONS:
        raise UserError(MSG_OPTIONS, max=MAX_OPTIONS)
    if len({o.lower() for o in options}) != len(options):
        raise UserError(MSG_SAME)
    return options


def tally(survey: Survey, answers: list[SurveyAnswer]) -> Counter[tuple[int, str]]:
    """Answers per (option, language); language "" when the survey does not ask for it."""
    if survey.anonymous:
        counted: Counter[tuple[int, str]] = Counter()
        for key, count in (survey.counts or {}).items():
            index, _, language = key.partition(":")
            counted[(int(index), language)] += int(count)
        return counted
    return Counter((a.option_index, a.language if survey.by_language else "") for a in answers)


def household_code(survey: Survey, household: str) -> str:
    """A one-way code of a household for one anonymous survey: it finds the household's
    count again, and says nothing about who lives there."""
    return hmac.new(survey.secret.encode(), household.encode(), hashlib.sha256).hexdigest()


def _bar(count: int, total: int, width: int = 10) -> str:
    filled = round(width * count / total) if total else 0
    return "█" * filled + "░" * (width - filled)


class SurveysCog(Cog):
    name = "surveys"
    personal_data_models = (Survey, SurveyParticipant, SurveyAnswer)

    # ----- creating -----------------------------------------------------------------------
    @command("survey create", "Ask every family a question (anonymous unless you ask for names)",
             OptionSpec("question", "The question", required=True, long=True),
             OptionSpec("options", "The answers, separated by \";\"", required=True),
             OptionSpec("named", "Show who answered what (default: anonymous)", type=OptionType.BOOLEAN),
             OptionSpec("by_language", "Also count the answers per language", type=OptionType.BOOLEAN),
             allowed=STAFF)
    async def create(self, ctx: Context, question: str, options: str, named: bool = False,
                     by_language: bool = False) -> None:
        community, member = ctx.require_community(), ctx.require_member()
        question = question.strip()
        if not question:
            raise UserError(MSG_EMPTY)
        if len(question) > MAX_QUESTION:
            raise UserError(MSG_TOO_LONG, length=len(question), limit=MAX_QUESTION)
        labels = parse_options(options)
        channel = await self.core.channel(community, "announcements")
        if channel is None:
            raise UserError(MSG_NO_CHANNEL, name=self.core.config.channels.announcements)
        async with ctx.write() as session:
            survey = Survey(community_id=community.id, author_member_id=member.id, question=question,
                            options={"labels": labels}, language=ctx.language, anonymous=not named,
                            by_language=bool(by_language), counts={}, status="open", channel_id=channel.id,
                            secret=secrets.token_hex(32), created_at=ctx.now)
            session.add(survey)
            await session.flush()
            families = await self.core.families.audience(session, community.id)
            await self.core.deliveries.enqueue(session, community, families, topic=TOPIC,
                                               subject=f"{TOPIC}:{survey.id}", content=self._content(survey),
                                               reach=Reach.BROADCAST)
        posted = await ctx.outbound.post(channel, await self._card(survey, community))
        async with self.core.db.write() as session:
            fresh = await session.get(Survey, survey.id)
            if fresh is not None:
                fresh.message_id = posted.id
        await ctx.reply(MSG_CREATED, id=survey.id)

    @staticmethod
    def _content(survey: Survey) -> Content:
        """The survey in no language yet: the question and options are the teacher's words."""
        labels = survey.options["labels"]
        # the question and its numbered options are translated as one text (one request, one
        # note if the provider is down); the numbers survive translation
        text = "\n".join([survey.question, "", *(f"{i + 1}. {label}" for i, label in enumerate(labels))])
        return Content(
            title=Phrase.of(MSG_TITLE),
            body=Phrase.words(text, survey.language, survey.author_member_id),
            fields=(Item(Phrase.of(N_("How to answer")), Phrase.of(MSG_HOW, id=survey.id)),),
            actions=tuple(Action(str(i + 1), "survey.answer", f"{survey.id}:{i}", ButtonStyle.PRIMARY, exact=True)
                          for i in range(len(labels))),
            footer=Phrase.of(MSG_ANONYMOUS if survey.anonymous else MSG_NAMED))

    async def _card(self, survey: Survey, community: Community) -> Message:
        """The channel post, in the community's language, with the teacher's own words."""
        lang = community.default_language
        labels = survey.options["labels"]
        notes = [await self.core.localize(lang, MSG_ANONYMOUS if survey.anonymous else MSG_NAMED)]
        if survey.status == "open":
            notes.append(await self.core.localize(lang, MSG_HOW, id=survey.id))
            buttons = tuple(Button(str(i + 1), "survey.answer", f"{survey.id}:{i}", ButtonStyle.PRIMARY)
                            for i in range(len(labels)))
            buttons += (Button(await self.core.localize(lang, "Translate"), "survey.translate", str(survey.id)),)
        else:
            notes.append(await self.core.localize(lang, MSG_CLOSED_NOTE))
            buttons = ()
        text = "\n".join([survey.question, *(f"{i + 1}. {label}" for i, label in enumerate(labels)), "", *notes])
        return Message(title=await self.core.localize(lang, MSG_TITLE), text=text, buttons=buttons,
                       footer=f"#{survey.id}")

    @button("survey.translate")
    async def translate(self, ctx: Context, event: ButtonPressed) -> None:
        survey = await self._survey(ctx, event.value)
        await ctx.reply_message(await self.core.deliveries.render_content(
            self._content(survey), ctx.require_member(), ctx.require_community()))

    # ----- answering ----------------------------------------------------------------------
    @button("survey.answer")
    async def answer_button(self, ctx: Context, event: ButtonPressed) -> None:
        number, _, option = event.value.partition(":")
        await self._answer(ctx, number, option)

    @command("survey answer", "Answer a survey by number",
             OptionSpec("id", "Survey number", type=OptionType.INTEGER, required=True),
             OptionSpec("option", "The number of your answer", type=OptionType.INTEGER, required=True))
    async def answer_command(self, ctx: Context, id: int, option: int) -> None:
        await self._answer(ctx, str(id), str(option - 1))

    async def _in_audience(self, community_id: int, member_id: int) -> bool:
        """Whether the family directory sends class-wide news to this person (a guardian an
        admin restricted from it is not asked, so does not answer)."""
        async with self.core.db.read() as session:
            return any(m.id == member_id for m in await self.core.families.audience(session, community_id))

    async def _answer(self, ctx: Context, raw_id: str, raw_option: str) -> None:
        """Count one family's answer, checked against the survey they were shown."""
        survey = await self._survey(ctx, raw_id)
        member, community = ctx.require_member(), ctx.require_community()
        count = len(survey.options["labels"])
        index = int(raw_option) if raw_option.lstrip("-").isdigit() else -1
        if not 0 <= index < count:
            raise UserError(MSG_NO_OPTION, id=survey.id, option=index + 1 if index >= 0 else raw_option, count=count)
        if Role.FAMILY not in ctx.roles or not await self._in_audience(survey.community_id, member.id):
            raise UserError(MSG_FOR_FAMILIES)
        language = self.core.language_of(member, community) if survey.by_language else ""

        async def work(session: AsyncSession) -> str:
            row = await lock_row(session, Survey, survey.id)
            if row is None or row.status != "open":
                raise UserError(MSG_CLOSED, id=survey.id)
            keys = await self.core.families.household_keys(session, row.community_id, [member.id])
            household = keys.get(member.id, f"member:{member.id}")
            if row.anonymous:
                return await self._count_anonymous(session, row, member.id, household, f"{index}:{language}")
            return await self._count_named(session, row, member.id, household, index, language, ctx.now)

        outcome = await ctx.transaction(work)
        if outcome == "replaced":
            await ctx.reply(MSG_REPLACED, id=survey.id)
        elif outcome == "changed":
            await ctx.reply(MSG_CHANGED, id=survey.id, option=index + 1)
        else:
            await ctx.reply(MSG_COUNTED, id=survey.id)

    async def _count_anonymous(self, session: AsyncSession, row: Survey, member_id: int, household: str,
                               key: str) -> str:
        """One answer per person (who took part, never what they chose); the household's
        answer is the latest, so a co-parent's earlier count moves to the new choice."""
        added = await session.execute(
            self.core.db.insert(SurveyParticipant).values(survey_id=row.id, member_id=member_id)
            .on_conflict_do_nothing(index_elements=["survey_id", "member_id"]))
        if not getattr(added, "rowcount", 0):
            raise UserError(MSG_ONCE, id=row.id)
        code = household_code(row, household)
        before = await session.scalar(select(SurveyHouseholdChoice.counted).where(
            SurveyHouseholdChoice.survey_id == row.id, SurveyHouseholdChoice.household_code == code))
        upsert = self.core.db.insert(SurveyHouseholdChoice).values(survey_id=row.id, household_code=code, counted=key)
        await session.execute(upsert.on_conflict_do_update(index_elements=["survey_id", "household_code"],
                                                           set_={"counted": upsert.excluded.counted}))
        counts = dict(row.counts or {})
        if before is not None and int(counts.get(before, 0)) > 0:
            counts[before] = int(counts[before]) - 1
            if not counts[before]:
                del counts[before]
        counts[key] = int(counts.get(key, 0)) + 1
        row.counts = counts
        return "counted" if before is None else "replaced"

    async def _count_named(self, session: AsyncSession, row: Survey, member_id: int, household: str, index: int,
                           language: str, now: datetime) -> str:
        """The household's one answer, with whoever gave it last; an answer this person
        gave for a home they no longer live in is withdrawn, so no home counts twice."""
        before = await session.scalar(select(SurveyAnswer.member_id).where(SurveyAnswer.survey_id == row.id,
                                                                           SurveyAnswer.household == household))
        await session.execute(delete(SurveyAnswer).where(SurveyAnswer.survey_id == row.id,
                                                         SurveyAnswer.member_id == member_id,
                                                         SurveyAnswer.household != household))
        upsert = self.core.db.insert(SurveyAnswer).values(survey_id=row.id, household=household, member_id=member_id,
                                                    option_index=index, language=language, at=now)
        await session.execute(upsert.on_conflict_do_update(
            index_elements=["survey_id", "household"],
            set_={"member_id": upsert.excluded.member_id, "option_index": upsert.excluded.option_index,
                  "language": upsert.excluded.language, "at": upsert.excluded.at}))
        if before is None:
            return "counted"
        return "changed" if before == member_id else "replaced"

    # ----- results ------------------------------------------------------------------------
    @command("survey results", "The answers to a survey, per option (and per language)",
             OptionSpec("id", "Survey number", type=OptionType.INTEGER, required=True), allowed=STAFF)
    async def results(self, ctx: Context, id: int) -> None:
        survey = await self._survey(ctx, str(id), open_only=False)
        await ctx.reply_message(await self._results(ctx, survey))

    async def _results(self, ctx: Context, survey: Survey) -> Message:
        async with self.core.db.read() as session:
            answers = list((await session.scalars(select(SurveyAnswer).where(
                SurveyAnswer.survey_id == survey.id))).all())
            names = await member_names(session, {a.member_id for a in answers})
        counted = tally(survey, answers)
        labels = survey.options["labels"]
        per_option = [sum(n for (i, _), n in counted.items() if i == index) for index in range(len(labels))]
        total = sum(per_option)
        lines = [survey.question]
        for index, label in enumerate(labels):
            share = f"{round(100 * per_option[index] / total)}%" if total else "0%"
            line = f"{index + 1}. {label} — {per_option[index]} {_bar(per_option[index], total)} {share}"
            if not survey.anonymous:
                who = sorted(names.get(a.member_id) or f"member {a.member_id}" for a in answers
                             if a.option_index == index)
                line += f" ({', '.join(who)})" if who else ""
            lines.append(line)
        if survey.by_language:
            lines += ["", await ctx.t(MSG_BY_LANGUAGE)]
            for language in sorted({lang for _, lang in counted}):
                shares = " · ".join(f"{i + 1}: {counted.get((i, language), 0)}" for i in range(len(labels)))
                lines.append(f"{language or '?'} — {shares}")
        return Message(title=await ctx.t(MSG_RESULTS, id=survey.id, count=total), text="\n".join(lines),
                       footer=f"#{survey.id}")

    @command("survey close", "Close a survey and see its answers",
             OptionSpec("id", "Survey number", type=OptionType.INTEGER, required=True), allowed=STAFF)
    async def close(self, ctx: Context, id: int) -> None:
        survey = await self._survey(ctx, str(id), open_only=False)
        community = ctx.require_community()
        async with ctx.write() as session:
            row = await lock_row(session, Survey, survey.id)
            assert row is not None
            row.status = "closed"
            # who took part, and where each household's answer was counted, were kept only so
            # each person answers once and each household counts once
            await session.execute(delete(SurveyParticipant).where(SurveyParticipant.survey_id == row.id))
            await session.execute(delete(SurveyHouseholdChoice).where(SurveyHouseholdChoice.survey_id == row.id))
            await self.core.deliveries.cancel(session, f"{TOPIC}:{row.id}")
        survey = await self._survey(ctx, str(id), open_only=False)
        if survey.message_id:
            await ctx.outbound.edit(MessageRef(ChannelRef(community.platform, survey.channel_id,
                                                          self.core.community_ref(community)), survey.message_id),
                                    await self._card(survey, community))
        results = await self._results(ctx, survey)
        await ctx.reply_message(Message(title=results.title, text=f"{await ctx.t(MSG_CLOSED_NOW, id=survey.id)}\n"
                                        f"{results.text}", footer=results.footer))

    # ----- helpers ------------------------------------------------------------------------
    async def _survey(self, ctx: Context, raw_id: str, *, open_only: bool = True) -> Survey:
        community = ctx.require_community()
        number = int(raw_id) if raw_id.isdigit() else None
        async with self.core.db.read() as session:
            survey = await session.get(Survey, number) if number is not None else None
        if survey is None or survey.community_id != community.id:
            raise UserError(MSG_NO_SURVEY, id=raw_id)
        if open_only and survey.status != "open":
            raise UserError(MSG_CLOSED, id=survey.id)
        return survey

    # ----- privacy ------------------------------------------------------------------------
    async def export_member(self, session: AsyncSession, member: Member) -> dict[str, Any]:
        took_part = (await session.scalars(select(SurveyParticipant.survey_id).where(
            SurveyParticipant.member_id == member.id))).all()
        answers = (await session.scalars(select(SurveyAnswer).where(SurveyAnswer.member_id == member.id))).all()
        written = (await session.scalars(select(Survey).where(Survey.author_member_id == member.id))).all()
        data: dict[str, Any] = {}
        if took_part:
            data["anonymous_surveys_answered"] = list(took_part)
        if answers:
            data["survey_answers"] = [{"survey": a.survey_id, "option": a.option_index + 1, "at": a.at.isoformat()}
                                      for a in answers]
        if written:
            data["surveys_asked"] = [{"survey": s.id, "question": s.question} for s in written]
        return data

    async def delete_member(self, session: AsyncSession, member: Member) -> None:
        await session.execute(delete(SurveyParticipant).where(SurveyParticipant.member_id == member.id))
        await session.execute(delete(SurveyAnswer).where(SurveyAnswer.member_id == member.id))
        for survey in (await session.scalars(select(Survey).where(Survey.author_member_id == member.id))).all():
            survey.author_member_id = None

    # ----- retention ----------------------------------------------------------------------
    def expired_rows(self, cutoffs: dict[str, datetime]) -> dict[str, tuple[Any, Any]]:
        """Closed surveys (with who took part and their answers) older than the deliveries'
        retention; an open one stays until it is closed."""
        return {"surveys": (Survey, (Survey.status != "open") & (Survey.created_at < cutoffs["deliveries"]))}


def setup(core: Services) -> SurveysCog:
    return SurveysCog(core)
