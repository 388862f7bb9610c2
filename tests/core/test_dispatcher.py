"""The dispatcher: de-duplication (also across a restart), permissions, failure isolation."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError, OperationalError

from bot.api.cog import Cog, command, listener
from bot.api.emoji import parse as parse_emoji
from bot.api.events import Actor, ChannelMessage, CommandInvoked, DirectMessage, ReactionAdded
from bot.api.messages import Message
from bot.api.refs import ChannelRef, CommunityRef, InteractionRef, MessageRef, UserRef
from bot.api.roles import STAFF, Role
from bot.app import build_core
from bot.config import Config, Secrets
from bot.db.engine import Database
from bot.db.models import Member, ProcessedEvent
from bot.runtime.core import Context, Core
from bot.runtime.dispatcher import listener_key
from bot.testing import FakeTranslator
from bot.util.clock import ManualClock
from tests.core.recording import RecordingOutbound

START = datetime(2026, 9, 7, 12, 0, tzinfo=UTC)
COMMUNITY = CommunityRef("test", "school")


class CounterCog(Cog):
    name = "counter"

    def __init__(self, core: Core) -> None:
        super().__init__(core)
        self.count = 0
        self.dms: list[str] = []

    @command("bump", "Count one")
    async def bump(self, ctx: Context) -> None:
        async with ctx.write():
            self.count += 1
        await ctx.reply("Counted.")

    @command("staff-only", "Teachers only", allowed=STAFF)
    async def staff_only(self, ctx: Context) -> None:
        await ctx.reply("Hello staff.")

    @command("explode", "Always fails")
    async def explode(self, ctx: Context) -> None:
        raise RuntimeError("boom")

    @listener(DirectMessage)
    async def on_dm(self, ctx: Context, event: DirectMessage) -> None:
        self.dms.append(event.text)


def make_core(db: Database) -> tuple[Core, CounterCog, RecordingOutbound]:
    core = build_core(Config(), secrets=Secrets(), db=db, clock=ManualClock(START), translator=FakeTranslator(),
                      cogs=())
    cog = CounterCog(core)
    core.add_cog(cog)
    outbound = RecordingOutbound()
    core.add_adapter(outbound)
    return core, cog, outbound


def invoke(name: str, key: str, user: str = "u1", roles: frozenset[Role] = frozenset()) -> CommandInvoked:
    channel = ChannelRef("test", "general", COMMUNITY)
    return CommandInvoked(
        key=key, actor=Actor(user=UserRef("test", user), display_name=user, platform_roles=roles),
        community=COMMUNITY, name=name, channel=channel,
        interaction=InteractionRef("test", key, token=user, channel=channel),
    )


async def test_same_event_twice_has_one_effect(db: Database) -> None:
    core, cog, outbound = make_core(db)
    await core.dispatch(invoke("bump", "k1"))
    await core.dispatch(invoke("bump", "k1"))
    assert cog.count == 1
    assert len(outbound.private) == 1


async def test_redelivery_after_restart_is_still_caught(db: Database) -> None:
    core, cog, _ = make_core(db)
    await core.dispatch(invoke("bump", "k-restart"))
    restarted, cog2, outbound2 = make_core(db)
    await restarted.dispatch(invoke("bump", "k-restart"))
    assert cog.count == 1 and cog2.count == 0
    assert outbound2.private == []


async def test_family_gets_private_refusal_for_teacher_command(db: Database) -> None:
    core, _, outbound = make_core(db)
    await core.dispatch(invoke("staff-only", "k2"))
    assert len(outbound.private) == 1
    assert "only for teachers and admins" in outbound.private[0][1].text
    assert outbound.posts == []


async def test_teacher_may_run_teacher_command(db: Database) -> None:
    core, _, outbound = make_core(db)
    await core.dispatch(invoke("staff-only", "k3", roles=frozenset({Role.TEACHER})))
    assert outbound.private[0][1].text == "Hello staff."


async def test_failing_handler_answers_with_error_id_and_bot_keeps_running(
        db: Database, caplog: pytest.LogCaptureFixture) -> None:
    core, cog, outbound = make_core(db)
    with caplog.at_level(logging.ERROR):
        await core.dispatch(invoke("explode", "k4"))
    apology = outbound.private[-1][1].text
    assert apology.startswith("Sorry, something went wrong")
    error_id = apology.rsplit(" ", 1)[-1]
    assert any(error_id in record.getMessage() and record.exc_info for record in caplog.records)
    await core.dispatch(invoke("bump", "k5"))
    assert cog.count == 1


async def test_failed_event_can_be_retried_by_the_platform(db: Database) -> None:
    core, _, outbound = make_core(db)
    await core.dispatch(invoke("explode", "k6"))
    await core.dispatch(invoke("explode", "k6"))
    assert sum("went wrong" in m.text for _, m in outbound.private) == 2


async def test_messages_from_bots_are_ignored(db: Database) -> None:
    core, cog, _ = make_core(db)
    channel = ChannelRef("test", "dm", None, is_dm=True)
    await core.dispatch(DirectMessage(key="dm1", actor=Actor(user=UserRef("test", "bot"), is_bot=True),
                                      community=None, text="hello", message=MessageRef(channel, "1")))
    assert cog.dms == []


async def test_unknown_command_is_answered_kindly(db: Database) -> None:
    core, _, outbound = make_core(db)
    await core.dispatch(invoke("nonsense", "k7"))
    assert "I don't know the command /nonsense" in outbound.private[0][1].text


async def test_dm_is_attributed_to_the_only_community_of_the_sender(db: Database) -> None:
    core, cog, _ = make_core(db)
    await core.dispatch(invoke("bump", "k8", user="fam"))
    channel = ChannelRef("test", "dm", None, is_dm=True)
    await core.dispatch(DirectMessage(key="dm2", actor=Actor(user=UserRef("test", "fam")), community=None,
                                      text="hola", message=MessageRef(channel, "2")))
    assert cog.dms == ["hola"]


def test_two_cogs_declaring_one_command_fail_at_start(sqlite_db: Database) -> None:
    core, _, _ = make_core(sqlite_db)
    with pytest.raises(ValueError, match="two cogs declare the command /bump"):
        core.add_cog(CounterCog(core))


async def test_reply_to_event_without_interaction_goes_by_dm(db: Database) -> None:
    core, _, outbound = make_core(db)
    event = invoke("bump", "k9")
    no_interaction = CommandInvoked(key=event.key, actor=event.actor, community=event.community, name="bump",
                                    channel=event.channel)
    await core.dispatch(no_interaction)
    assert outbound.dms and outbound.dms[0][1] == Message(text="Counted.")


def unreadable(monkeypatch: pytest.MonkeyPatch, db: Database) -> None:
    async def fail(*args: object, **kwargs: object) -> None:
        raise OperationalError("SELECT 1", {}, Exception("server closed the connection"))

    monkeypatch.setattr(db, "read_retrying", fail)


async def test_a_direct_message_that_cannot_be_read_in_is_answered_with_an_apology(
        db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    core, cog, outbound = make_core(db)
    unreadable(monkeypatch, db)
    channel = ChannelRef("test", "dm", None, is_dm=True)
    await core.dispatch(DirectMessage(key="dm3", actor=Actor(user=UserRef("test", "fam")), community=None,
                                      text="Is school open tomorrow?", message=MessageRef(channel, "3")))
    [(user, message)] = outbound.dms
    assert user == UserRef("test", "fam")
    assert message.text.startswith("Sorry, something went wrong on our side")
    assert cog.dms == []


async def test_a_command_that_cannot_be_read_in_is_answered_privately(db: Database,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    core, cog, outbound = make_core(db)
    unreadable(monkeypatch, db)
    await core.dispatch(invoke("bump", "k9"))
    [(_, message)] = outbound.private
    assert "tell your teacher this code" in message.text
    assert cog.count == 0


async def test_a_connection_the_server_closed_is_retried_for_reads(db: Database) -> None:
    calls = 0

    async def flaky(session: object) -> int:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise DBAPIError("SELECT 1", {}, Exception("closed"), connection_invalidated=True)
        return 7

    assert await db.read_retrying(flaky) == 7
    assert calls == 2


async def test_channel_chatter_no_cog_listens_to_stores_nothing(db: Database) -> None:
    core, _, _ = make_core(db)
    channel = ChannelRef("test", "general", COMMUNITY)
    await core.dispatch(ChannelMessage(key="chat1", actor=Actor(user=UserRef("test", "parent")), community=COMMUNITY,
                                       text="See you all at pickup!", message=MessageRef(channel, "9")))
    async with db.read() as session:
        assert await session.scalar(select(func.count()).select_from(Member)) == 0
        assert await session.scalar(select(func.count()).select_from(ProcessedEvent)) == 0


async def test_a_failure_before_the_sender_is_identified_still_gets_an_apology(
        db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    core, cog, outbound = make_core(db)

    async def no_community(*args: object, **kwargs: object) -> None:
        raise OperationalError("INSERT", {}, Exception("disk full"))

    monkeypatch.setattr(core, "ensure_community", no_community)
    await core.dispatch(invoke("bump", "k10"))
    [(_, message)] = outbound.private
    assert "tell your teacher this code" in message.text
    assert cog.count == 0


# ----- several listeners of one event ------------------------------------------------------
class FlakyCog(Cog):
    """A reaction listener that fails on its first delivery."""

    name = "flaky"

    def __init__(self, core: Core) -> None:
        super().__init__(core)
        self.attempts = 0

    @listener(ReactionAdded)
    async def on_reaction(self, ctx: Context, event: ReactionAdded) -> None:
        self.attempts += 1
        if self.attempts == 1:
            raise RuntimeError("flaky listener")


class SiblingCog(Cog):
    """A reaction listener whose effect is a write (counted, so a second run would show)."""

    name = "sibling"

    def __init__(self, core: Core) -> None:
        super().__init__(core)
        self.applied = 0

    @listener(ReactionAdded)
    async def on_reaction(self, ctx: Context, event: ReactionAdded) -> None:
        async with ctx.write():
            self.applied += 1


def make_listeners_core(db: Database) -> tuple[Core, FlakyCog, SiblingCog, RecordingOutbound]:
    core = build_core(Config(), secrets=Secrets(), db=db, clock=ManualClock(START), translator=FakeTranslator(),
                      cogs=())
    flaky, sibling = FlakyCog(core), SiblingCog(core)
    core.add_cog(flaky)  # registered first: its failure comes before the sibling runs
    core.add_cog(sibling)
    outbound = RecordingOutbound()
    core.add_adapter(outbound)
    return core, flaky, sibling, outbound


def reaction(key: str) -> ReactionAdded:
    channel = ChannelRef("test", "general", COMMUNITY)
    return ReactionAdded(key=key, actor=Actor(user=UserRef("test", "ana"), display_name="ana"), community=COMMUNITY,
                         message=MessageRef(channel, "m1"), emoji=parse_emoji("🍪"))


async def test_failing_listener_does_not_stop_its_sibling(db: Database) -> None:
    core, flaky, sibling, _ = make_listeners_core(db)
    await core.dispatch(reaction("r1"))
    assert flaky.attempts == 1
    assert sibling.applied == 1


async def test_redelivery_runs_only_the_listener_that_failed(db: Database) -> None:
    core, flaky, sibling, _ = make_listeners_core(db)
    await core.dispatch(reaction("r2"))
    await core.dispatch(reaction("r2"))  # the platform's retry
    assert flaky.attempts == 2 and sibling.applied == 1
    await core.dispatch(reaction("r2"))  # both completed now: nothing runs
    assert flaky.attempts == 2 and sibling.applied == 1


async def test_listener_completion_survives_a_restart(db: Database) -> None:
    core, _, sibling, _ = make_listeners_core(db)
    await core.dispatch(reaction("r3"))
    restarted, flaky2, sibling2, _ = make_listeners_core(db)
    flaky2.attempts = 1  # it will succeed this time
    await restarted.dispatch(reaction("r3"))
    assert sibling.applied == 1 and sibling2.applied == 0
    assert flaky2.attempts == 2


async def test_failed_listener_logs_its_error_id_once_and_apologises_once(
        db: Database, caplog: pytest.LogCaptureFixture) -> None:
    core, _, _, outbound = make_listeners_core(db)
    with caplog.at_level(logging.ERROR):
        await core.dispatch(reaction("r4"))
    failures = [r for r in caplog.records if "error id" in r.getMessage()]
    assert len(failures) == 1 and failures[0].exc_info
    [(_, apology)] = outbound.dms
    assert apology.text.rsplit(" ", 1)[-1] in failures[0].getMessage()


async def test_each_listener_records_its_own_key_and_a_lone_listener_the_events(db: Database) -> None:
    core, _, _, _ = make_listeners_core(db)
    flaky = core.dispatcher.listeners[ReactionAdded][0]
    await core.dispatch(reaction("r5"))
    await core.dispatch(reaction("r5"))
    core2, _, _ = make_core(db)
    channel = ChannelRef("test", "dm", None, is_dm=True)
    await core2.dispatch(DirectMessage(key="dm-lone", actor=Actor(user=UserRef("test", "ana")), community=None,
                                       text="hi", message=MessageRef(channel, "9")))
    async with db.read() as session:
        keys = set(await session.scalars(select(ProcessedEvent.key)))
    assert listener_key("r5", flaky.name) in keys
    assert {key for key in keys if key.startswith("r5")} == {
        listener_key("r5", listener.name) for listener in core.dispatcher.listeners[ReactionAdded]}
    assert "dm-lone" in keys


def test_listener_key_fits_the_key_column() -> None:
    key = listener_key("k" * 250, "cogs.some.Cog.on_reaction")
    assert len(key) <= 255 and key != listener_key("k" * 250, "cogs.other.Cog.on_reaction")


async def test_several_listeners_still_cost_one_first_read(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    core, flaky, _, _ = make_listeners_core(db)
    flaky.attempts = 1  # no failure in this test
    await core.dispatch(reaction("warm-up"))  # the community and the member now exist
    reads: list[str] = []
    plain_read = core.db.read

    def counting_read() -> Any:  # every read session, retried or not, opens here
        reads.append("read")
        return plain_read()

    monkeypatch.setattr(core.db, "read", counting_read)
    await core.dispatch(reaction("r6"))
    assert len(reads) == 1
