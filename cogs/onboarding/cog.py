"""The first time a person meets the bot, a private welcome asks which language they read.

"First time" is when the core creates their member row (their first interaction, or the
first time the platform tells us about them): the welcome is queued in that same
transaction through the delivery service, so it respects quiet hours, is written in the
language the bot already assumes for them (their platform's locale, else the community's),
and is queued at most once per person — the outbox's (cause, person) key makes a second
enqueue a no-op, even from another process. The picker offers the languages the bot itself
speaks (a catalog each) that the translation provider can also translate into, each named
in itself; choosing one is checked against the options that person's welcome showed.
Ignoring the welcome keeps the defaults. Off unless ``[onboarding] welcome_new_members``.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import i18n
from bot.api.cog import Cog, button
from bot.api.context import Context
from bot.api.errors import UserError
from bot.api.events import ButtonPressed
from bot.api.messages import Message
from bot.api.services import Services
from bot.db.models import Member
from bot.delivery import Content, Menu, Phrase, Reach
from bot.delivery.content import from_json
from bot.delivery.models import OutboxEntry
from bot.i18n import N_, languages
from bot.translation.offered import can_translate_into, offered_codes
from cogs.onboarding.config import Section

ACTION = "onboarding.language"
TOPIC = "onboarding.welcome"
CAUSE = "onboarding:welcome"
MSG_TITLE = N_("Welcome to Homeroom!")
MSG_WELCOME = N_("I help your family and your child's school talk to each other, each in their own language. "
                 "Which language do you read? Choose it below; you can change it any time with /language.")
MSG_PLACEHOLDER = N_("Choose your language")
MSG_NEXT = N_("You can also choose how announcements reach you with /delivery, and hours without messages "
              "with /quiet-hours.")
MSG_NOT_OFFERED = N_("That language was not one of the choices I showed you. Please use /language instead.")


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

    async def on_start(self) -> None:
        """Ask the provider once, before events flow (never inside the welcome's transaction);
        with the welcome off, nothing is asked (a console start loads no provider stack)."""
        if self.settings.welcome_new_members:
            self._choices = await self.choices()

    async def choices(self) -> tuple[tuple[str, str], ...]:
        """(label, code) for English and each catalog language the provider can translate into."""
        codes = ["en", *sorted(languages.normalize(lang) or lang for lang in i18n.load_catalogs())]
        offered = await offered_codes(self.core.config.translation, self.core.secrets)
        usable = [code for code in codes if code == "en" or offered is None or can_translate_into(code, offered)]
        return tuple((named_in_itself(code), code) for code in dict.fromkeys(usable))

    async def welcome(self, session: AsyncSession, community_id: int, members: list[Member]) -> None:
        newcomers = [member for member in members if not member.is_bot]
        if not newcomers or not self._choices:
            return
        community = await self.core.community_by_id(session, community_id)
        if community is None:
            return
        content = Content(title=Phrase.of(MSG_TITLE), body=Phrase.of(MSG_WELCOME),
                          menu=Menu(MSG_PLACEHOLDER, ACTION, self._choices))
        await self.core.deliveries.enqueue(session, community, newcomers, content=content, cause=CAUSE, topic=TOPIC,
                                           subject=f"{TOPIC}:{community_id}", reach=Reach.PERSONAL)

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
        await ctx.reply_message(Message(text=f"{done}\n{await ctx.t(MSG_NEXT)}"))

    async def _shown_to(self, member_id: int) -> set[str]:
        """The language codes this person's own welcome offered."""
        async with self.core.db.read() as session:
            stored = await session.scalar(select(OutboxEntry.content).where(
                OutboxEntry.member_id == member_id, OutboxEntry.topic == TOPIC))
        menu = from_json(stored).menu if stored else None
        return {code for _, code in menu.options} if menu else set()
