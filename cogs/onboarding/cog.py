"""The first time a person meets the bot, a private welcome asks which language they read.

"First time" is when the core creates their member row (their first interaction, or the
first time the platform tells us about them): the welcome is queued in that same
transaction through the delivery service, so it respects quiet hours, is written in the
language the bot already assumes for them (their platform's locale, else the community's),
and is queued at most once per person — the outbox's (cause, person) key makes a second
enqueue a no-op, even from another process. The picker offers the languages the bot itself
speaks (a catalog each), each named in itself; choosing one is checked against the options
that person's welcome showed, and a language the translation provider cannot translate into
gets the same note /language gives (the provider is asked then, never at start).
Choosing a language is followed by two more menus in that language, how announcements
reach them and their quiet hours; ignoring any of them keeps the defaults. Staff (a member
the platform already calls teacher, committee or admin) are not welcomed as families. A
welcome to someone whose DMs are closed is recorded as unreachable by the delivery service
and never retried. On unless ``[onboarding] welcome_new_members = false``.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import i18n
from bot.api import preferences
from bot.api.cog import Cog, button, listener
from bot.api.context import Context
from bot.api.errors import UserError
from bot.api.events import ButtonPressed, MemberJoined
from bot.api.messages import Message, Select, SelectOption
from bot.api.roles import Role
from bot.api.services import Services
from bot.db.models import Member
from bot.delivery import Content, Menu, Phrase, Reach
from bot.delivery.content import from_json
from bot.delivery.models import OutboxEntry
from bot.i18n import N_, languages
from bot.translation.offered import can_translate_into, offered_codes
from cogs.onboarding.config import Section

ACTION = "onboarding.language"
DELIVERY_ACTION = "onboarding.delivery"
QUIET_ACTION = "onboarding.quiet"
TOPIC = "onboarding.welcome"
CAUSE = "onboarding:welcome"
MSG_TITLE = N_("Welcome to Homeroom!")
MSG_WELCOME = N_("I help your family and your child's school talk to each other, each in their own language. "
                 "Which language do you read? Choose it below; you can change it any time with /language.")
MSG_PLACEHOLDER = N_("Choose your language")
MSG_NOT_OFFERED = N_("That language was not one of the choices I showed you. Please use /language instead.")
MSG_UNTRANSLATABLE = N_("Note: the translation service here cannot translate into {language}, so what "
                        "teachers and other families write will reach you as they wrote it.")
MSG_NOT_A_CHOICE = N_("That was not one of the choices I showed you. You can use /delivery and /quiet-hours instead.")
MSG_DELIVERY = N_("How would you like to get announcements from school?")
MSG_CHOOSE = N_("Choose one")
#: (mode, label), in the order offered; the default first
DELIVERY_CHOICES = (("channel", N_("In the class channel")), ("dm", N_("By direct message")),
                    ("digest", N_("One message a day with everything new")))
MSG_QUIET = N_("When should I not send you messages? Urgent alerts from school still come at any time.")
QUIET_CHOICES = ("21:00-07:00", "22:00-06:00", "20:00-07:00", preferences.QUIET_OFF)
MSG_NO_QUIET = N_("No quiet hours")
MSG_DONE = N_("All set! You can change any of this later with /language, /delivery and /quiet-hours.")


def named_in_itself(code: str) -> str:
    """"Español", "Tiếng Việt", "中文 (简体)": the native name, capitalised where the script has case."""
    found = languages.lookup(code)
    native = found.native if found is not None else code
    return native[:1].upper() + native[1:]


class OnboardingCog(Cog):
    name = "onboarding"

    def __init__(self, core: Services) -> None:
        super().__init__(core)
        self._choices: tuple[tuple[str, str], ...] = ()
        self.settings: Section = core.config.section("onboarding")
        if self.settings.welcome_new_members:
            core.member_created_hooks.append(self.welcome)
            # someone met as a family and made staff before the welcome went out (a teacher
            # first named in /role, or whose first message carried no roles) is not welcomed
            core.deliveries.only_while(TOPIC, self._is_family)

    async def on_start(self) -> None:
        """The languages the bot speaks, read once (the catalogs are already loaded); the
        provider is not asked here, so a start waits for none and loads no provider stack."""
        if self.settings.welcome_new_members:
            self._choices = self.spoken()

    @staticmethod
    def spoken() -> tuple[tuple[str, str], ...]:
        """(label, code) for English and each language with a catalog."""
        codes = ["en", *sorted(languages.normalize(lang) or lang for lang in i18n.load_catalogs())]
        return tuple((named_in_itself(code), code) for code in dict.fromkeys(codes))

    def _is_family(self, member: Member) -> bool:
        return not member.is_bot and self.core.roles_of(member) == {Role.FAMILY}

    async def welcome(self, session: AsyncSession, community_id: int, members: list[Member]) -> None:
        """Queue one welcome per newcomer who is a family, in the transaction that creates them."""
        newcomers = [member for member in members if self._is_family(member)]
        if not newcomers:
            return
        community = await self.core.community_by_id(session, community_id)
        if community is None:
            return
        content = Content(title=Phrase.of(MSG_TITLE), body=Phrase.of(MSG_WELCOME),
                          menu=Menu(MSG_PLACEHOLDER, ACTION, self._choices or self.spoken()))
        await self.core.deliveries.enqueue(session, community, newcomers, content=content, cause=CAUSE, topic=TOPIC,
                                           subject=f"{TOPIC}:{community_id}", reach=Reach.PERSONAL)

    @listener(MemberJoined)
    async def joined(self, ctx: Context, event: MemberJoined) -> None:
        """Where the platform says who joined, the bot meets them then: the dispatcher creates
        their member row for this event, and that queues the welcome (once: a redelivered or
        repeated join finds the row)."""

    @button(ACTION)
    async def chosen(self, ctx: Context, event: ButtonPressed) -> None:
        member = ctx.require_member()
        if event.value not in await self._shown_to(member.id):
            raise UserError(MSG_NOT_OFFERED)
        chosen = languages.lookup(event.value)
        if chosen is None:
            raise UserError(MSG_NOT_OFFERED)
        async with ctx.write() as session:
            row = await session.get(Member, member.id)
            assert row is not None
            row.language = chosen.code
        ctx.language = chosen.code
        done = await ctx.t("Done! I will write to you in {language}.", language=chosen.native)
        if not await self._translatable(chosen.code):
            done = f"{done}\n{await ctx.t(MSG_UNTRANSLATABLE, language=chosen.native)}"
        options = tuple([SelectOption(await ctx.t(label), mode) for mode, label in DELIVERY_CHOICES])
        await ctx.reply_message(Message(text=f"{done}\n{await ctx.t(MSG_DELIVERY)}", selects=(
            Select(DELIVERY_ACTION, await ctx.t(MSG_CHOOSE), options),)))

    @staticmethod
    async def _keep(ctx: Context, value: str, offered: Iterable[str], column: str) -> None:
        """Store a choice as /delivery and /quiet-hours do, refusing one they were not offered."""
        if value not in offered:
            raise UserError(MSG_NOT_A_CHOICE)
        await preferences.keep(ctx, **{column: value})

    @button(DELIVERY_ACTION)
    async def delivery_chosen(self, ctx: Context, event: ButtonPressed) -> None:
        """The second step: how announcements reach them; then the quiet hours."""
        await self._keep(ctx, event.value, preferences.DELIVERY_MODES, "delivery")
        options = tuple([SelectOption(await ctx.t(MSG_NO_QUIET) if hours == preferences.QUIET_OFF
                                      else hours.replace("-", "–"), hours) for hours in QUIET_CHOICES])
        await ctx.reply_message(Message(
            text=f"{await preferences.delivery_set(ctx, event.value)}\n{await ctx.t(MSG_QUIET)}",
            selects=(Select(QUIET_ACTION, await ctx.t(MSG_CHOOSE), options),)))

    @button(QUIET_ACTION)
    async def quiet_chosen(self, ctx: Context, event: ButtonPressed) -> None:
        """The last step: quiet hours, from the choices offered."""
        await self._keep(ctx, event.value, QUIET_CHOICES, "quiet_hours")
        said = await preferences.quiet_hours_set(ctx, event.value)
        await ctx.reply_message(Message(text=f"{said}\n{await ctx.t(MSG_DONE)}"))

    async def _translatable(self, code: str) -> bool:
        """Whether the provider can put people's words into ``code`` (asked when a family
        chooses, not at start; unknown counts as yes)."""
        if code == "en":
            return True
        offered = await offered_codes(self.core.config.translation, self.core.secrets)
        return offered is None or can_translate_into(code, offered)

    async def _shown_to(self, member_id: int) -> set[str]:
        """The language codes this person's own welcome offered."""
        async with self.core.db.read() as session:
            stored = await session.scalar(select(OutboxEntry.content).where(
                OutboxEntry.member_id == member_id, OutboxEntry.topic == TOPIC))
        menu = from_json(stored).menu if stored else None
        return {code for _, code in menu.options} if menu else set()
