"""Capabilities and their fallbacks: every adapter declares every capability, and each
missing capability has its declared outcome (one test per fallback)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

import pytest

from adapters.console.adapter import ConsoleAdapter
from adapters.discord.adapter import DiscordAdapter
from adapters.slack.adapter import SlackAdapter
from bot.api import fallbacks
from bot.api.cog import Cog, command
from bot.api.emoji import Emoji, parse
from bot.api.messages import Form, FormField
from bot.api.outbound import Capabilities
from bot.api.refs import ChannelRef, CommunityRef, MessageRef, UserRef
from bot.app import build_core
from bot.config import Config, Secrets
from bot.db.engine import Database
from bot.runtime.core import Context, Core
from bot.testing import FakeTranslator
from bot.util.clock import ManualClock
from tests.core.recording import RecordingOutbound
from tests.core.test_dispatcher import invoke, make_core

START = datetime(2026, 9, 7, 12, 0, tzinfo=UTC)
ADAPTERS = [DiscordAdapter, SlackAdapter, ConsoleAdapter]
MESSAGE = MessageRef(ChannelRef("test", "general", CommunityRef("test", "school")), "7")


def lacking(**missing: Any) -> Capabilities:
    """The recording double's capabilities with some switched off."""
    return dataclasses.replace(RecordingOutbound.capabilities, **missing)


class Lacking(RecordingOutbound):
    """The recording double on a platform without some capabilities; it records removals."""

    def __init__(self, **missing: Any) -> None:
        super().__init__()
        self.capabilities = lacking(**missing)
        self.removed: list[tuple[MessageRef, Emoji, UserRef]] = []

    async def remove_reaction(self, ref: MessageRef, emoji: Emoji, user: UserRef) -> None:
        self.removed.append((ref, emoji, user))


class Notice:
    """Stands in for the context of the person's event: what they were told privately."""

    def __init__(self) -> None:
        self.told: list[tuple[str, dict[str, Any]]] = []

    async def reply(self, msgid: str, **params: Any) -> None:
        self.told.append((msgid, params))


# ----- declarations ------------------------------------------------------------------------
def test_capabilities_have_no_defaults_to_fall_back_on() -> None:
    defaulted = [f.name for f in dataclasses.fields(Capabilities)
                 if f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING]
    assert defaulted == []


@pytest.mark.parametrize("adapter", ADAPTERS, ids=lambda a: a.platform)
def test_every_adapter_declares_every_capability(adapter: type) -> None:
    declared = adapter.__dict__["capabilities"]  # on the adapter class itself, not inherited
    assert isinstance(declared, Capabilities)
    assert set(dataclasses.asdict(declared)) == {f.name for f in dataclasses.fields(Capabilities)}


def test_slack_declares_it_cannot_remove_a_persons_reaction() -> None:
    # reactions.remove removes only the calling app's own reaction
    assert SlackAdapter.capabilities.remove_others_reactions is False
    assert DiscordAdapter.capabilities.remove_others_reactions is True


def test_console_declares_it_has_no_forms() -> None:
    assert ConsoleAdapter.capabilities.forms is False


# ----- one fallback each -------------------------------------------------------------------
class AskCog(Cog):
    name = "ask"

    @command("ask", "Ask something in a form")
    async def ask(self, ctx: Context) -> None:
        form = Form("ask.question", "Ask", (FormField("question", "Your question", long=True),
                                            FormField("when", "By when", required=False)))
        await fallbacks.open_form(ctx, form, "ask")


async def test_form_falls_back_to_the_typed_command_on_the_console(db: Database) -> None:
    core: Core = build_core(Config(), secrets=Secrets(), db=db, clock=ManualClock(START),
                            translator=FakeTranslator(), cogs=())
    core.add_cog(AskCog(core))
    lines: list[str] = []
    console = ConsoleAdapter(core, out=lines.append)
    await console.execute("as Ana")
    await console.execute("/ask")
    [told] = [e for e in console.entries if e.where == "only Ana sees"]
    assert told.text == 'Please type the command instead: /ask question:"Your question" when:"By when"'


async def test_private_reply_goes_by_dm_where_the_platform_has_no_ephemeral(db: Database) -> None:
    core, _, _ = make_core(db)
    outbound = Lacking(ephemeral=False)
    core.add_adapter(outbound)
    await core.dispatch(invoke("bump", "k-eph", user="ana"))
    assert outbound.private == []
    assert [(user.id, message.text) for user, message in outbound.dms] == [("ana", "Counted.")]


async def test_others_reaction_is_noticed_privately_where_it_cannot_be_removed() -> None:
    outbound, notice = Lacking(remove_others_reactions=False), Notice()
    route = await fallbacks.take_back_reaction(outbound, MESSAGE, parse("🍪"), UserRef("test", "ana"),
                                               notice=notice, msgid="That reaction does not count.")  # type: ignore[arg-type]
    assert route is fallbacks.ReactionRemoval.NOTICE
    assert outbound.removed == []
    assert notice.told == [("That reaction does not count.", {})]


async def test_others_reaction_is_removed_where_the_platform_allows_it() -> None:
    outbound, notice = Lacking(), Notice()
    await fallbacks.take_back_reaction(outbound, MESSAGE, parse("🍪"), UserRef("test", "ana"),
                                       notice=notice, msgid="That reaction does not count.")  # type: ignore[arg-type]
    assert [(user.id, emoji.display) for _, emoji, user in outbound.removed] == [("ana", "🍪")]
    assert notice.told == []


def test_thread_reply_goes_by_dm_where_the_platform_has_no_threads() -> None:
    assert fallbacks.thread_route(Lacking(threads=False).capabilities) is fallbacks.ThreadRoute.DM
    assert fallbacks.thread_route(Lacking().capabilities) is fallbacks.ThreadRoute.THREAD


def test_buttons_fall_back_to_reactions_then_to_the_typed_command() -> None:
    no_buttons = Lacking(buttons=False).capabilities
    assert fallbacks.choice_route(no_buttons, 3) is fallbacks.ChoiceRoute.REACTIONS
    assert fallbacks.choice_route(no_buttons, no_buttons.max_reactions_per_message + 1) \
        is fallbacks.ChoiceRoute.TYPED_COMMAND
    assert fallbacks.choice_route(Lacking(buttons=False, reactions=False).capabilities, 2) \
        is fallbacks.ChoiceRoute.TYPED_COMMAND
    assert fallbacks.choice_route(Lacking().capabilities, 3) is fallbacks.ChoiceRoute.BUTTONS
