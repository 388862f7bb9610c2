"""Typed options on every platform.

The same command with the same values goes in through each platform's real protocol: a
console line, a Discord interaction (option values typed in JSON as Discord's interaction
payloads carry them: strings, integers, booleans, users and channels as snowflake strings)
and a signed Slack slash command (text, with users and channels escaped as Slack sends
them, ``<@U123|name>`` and ``<#C123|name>``). The handler must get the same Python values
from all three, and every wrong value the same words on all three, with nothing run.
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import pytest

from adapters.console.harness import DEFAULT_START
from bot.api import customid
from bot.api.cog import Cog, command
from bot.api.commands import Choice, OptionSpec, OptionType
from bot.api.context import Context
from bot.api.events import Actor, CommandInvoked, FrozenMap
from bot.api.refs import ChannelRef, CommunityRef, UserRef
from bot.api.roles import Role
from bot.app import build_core
from bot.config import Config, Secrets
from bot.db.engine import Database
from bot.runtime.core import Core
from bot.testing import FakeTranslator
from bot.util.clock import ManualClock
from tests.conformance.driver import Person
from tests.console.driver import ConsoleDriver
from tests.discord.harness import CHANNELS as DISCORD_CHANNELS
from tests.discord.harness import GUILD_ID, DiscordDriver, snowflake
from tests.slack.fake_api import CHANNELS as SLACK_CHANNELS
from tests.slack.harness import SECRET, TEAM, SlackDriver

PLATFORMS = ("console", "discord", "slack")
#: Discord's application command option types (ApplicationCommandOptionType)
DISCORD_TYPES = {OptionType.STRING: 3, OptionType.INTEGER: 4, OptionType.BOOLEAN: 5, OptionType.USER: 6,
                 OptionType.CHANNEL: 7}

OPTIONS = (
    OptionSpec("title", "What the outing is", required=True),
    OptionSpec("seats", "Seats on the bus", type=OptionType.INTEGER, min_value=1, max_value=40),
    OptionSpec("bus", "Whether a bus is needed", type=OptionType.BOOLEAN),
    OptionSpec("size", "Group size", choices=(Choice("small", "small"), Choice("large", "large"))),
    OptionSpec("helper", "Who helps", type=OptionType.USER),
    OptionSpec("where", "Where to post it", type=OptionType.CHANNEL),
)


class OutingProbe(Cog):
    """A command with one option of every kind; it records what its handler was given."""

    name = "outing-probe"

    def __init__(self, core: Core) -> None:
        super().__init__(core)
        self.calls: list[tuple[CommandInvoked, dict[str, Any]]] = []

    @command("outing plan", "Plan an outing", *OPTIONS)
    async def plan(self, ctx: Context, **options: Any) -> None:
        assert isinstance(ctx.event, CommandInvoked)
        self.calls.append((ctx.event, options))
        await ctx.reply("Planned.")


@dataclass(frozen=True)
class Someone:
    """An option value naming a person of the test (each platform names them its own way)."""

    person: Person


@dataclass(frozen=True)
class Channel:
    """An option value naming one of the community's channels by its name."""

    name: str


class Platform:
    """One platform's driver, and how a person there runs ``/outing plan`` with given values."""

    def __init__(self, kind: str, driver: ConsoleDriver | DiscordDriver | SlackDriver, probe: OutingProbe) -> None:
        self.kind = kind
        self.driver = driver
        self.probe = probe

    async def person(self, name: str, role: Role = Role.FAMILY, language: str | None = None) -> Person:
        return await self.driver.person(name, role=role, language=language)

    def _text(self, value: Any) -> str:
        if isinstance(value, Someone):
            if self.kind == "slack":
                return f"<@{value.person.user_id}|{value.person.name.lower()}>"
            return f"@{value.person.name}"
        if isinstance(value, Channel):
            if self.kind == "slack":
                return f"<#{SLACK_CHANNELS[value.name]}|{value.name}>"
            return f"#{value.name}"
        if isinstance(value, bool):
            return "yes" if value else "no"
        return str(value)

    def _discord_value(self, value: Any) -> Any:
        if isinstance(value, Someone):
            return value.person.user_id
        if isinstance(value, Channel):
            return str(DISCORD_CHANNELS[value.name])
        return value

    async def plan(self, who: Person, **values: Any) -> None:
        if isinstance(self.driver, DiscordDriver):
            # the type Discord would tag each option with is the declared one; the value is
            # the JSON it carries (a stale or forged client may send anything)
            declared = {opt.name: opt.type for opt in OPTIONS}
            options = [{"name": name, "type": DISCORD_TYPES[declared.get(name, OptionType.STRING)],
                        "value": self._discord_value(value)} for name, value in values.items()]
            data = {"id": str(snowflake()), "name": "outing", "type": 1,
                    "options": [{"name": "plan", "type": 1, "options": options}]}
            await self.driver.feed_interaction(self.driver.interaction(who, 2, data))
            return
        text = " ".join(f'{name}:"{self._text(value)}"' for name, value in values.items())
        if isinstance(self.driver, SlackDriver):
            await self.driver.post_form(self.driver.command_fields(who, "outing", f"plan {text}"))
            await self.driver.settle()
            return
        await self.driver._as(who)
        await self.driver.console.execute(f"/outing plan {text}")

    def answers(self, who: Person) -> list[str]:
        """What ``who`` alone was told, in order."""
        return [seen.text for seen in self.driver.seen() if seen.where == f"ephemeral:{who.name}"]

    def general(self) -> ChannelRef:
        """#general as this platform's adapter names it."""
        if self.kind == "discord":
            return ChannelRef("discord", str(DISCORD_CHANNELS["general"]), CommunityRef("discord", str(GUILD_ID)))
        if self.kind == "slack":
            return ChannelRef("slack", SLACK_CHANNELS["general"], CommunityRef("slack", TEAM))
        assert isinstance(self.driver, ConsoleDriver)
        return self.driver.console.channels["general"]


@asynccontextmanager
async def started(kind: str, db: Database) -> AsyncIterator[Platform]:
    """Every cog and the probe, behind one platform's adapter and its fakes."""
    secrets = Secrets(discord_token="fake", slack_bot_token="xoxb-test", slack_signing_secret=SECRET)
    core = build_core(Config(), secrets=secrets, db=db, clock=ManualClock(DEFAULT_START),
                      translator=FakeTranslator())
    probe = OutingProbe(core)
    core.add_cog(probe)
    drivers = {"console": ConsoleDriver, "discord": DiscordDriver, "slack": SlackDriver}
    driver = drivers[kind](core)
    await driver.start()
    try:
        yield Platform(kind, driver, probe)
    finally:
        await driver.stop()


@pytest.fixture(params=PLATFORMS)
async def platform(request: pytest.FixtureRequest, sqlite_db: Database) -> AsyncIterator[Platform]:
    async with started(request.param, sqlite_db) as chosen:
        yield chosen


async def test_the_handler_gets_the_same_typed_values_on_every_platform(platform: Platform) -> None:
    teacher = await platform.person("Ms Lee", Role.TEACHER)
    ana = await platform.person("Ana")
    await platform.plan(teacher, title="Zoo trip", seats=3, bus=True, size="large", helper=Someone(ana),
                        where=Channel("general"))
    [(_, options)] = platform.probe.calls
    assert options == {"title": "Zoo trip", "seats": 3, "bus": True, "size": "large",
                       "helper": UserRef(platform.kind, ana.user_id), "where": platform.general()}
    assert {name: type(value) for name, value in options.items()} == {
        "title": str, "seats": int, "bus": bool, "size": str, "helper": UserRef, "where": ChannelRef}
    assert platform.answers(teacher) == ["Planned."]


async def test_the_handler_sees_the_declared_command_and_its_typed_options_on_the_event(platform: Platform) -> None:
    teacher = await platform.person("Ms Lee", Role.TEACHER)
    await platform.plan(teacher, title="Zoo trip", seats=12, bus=False)
    [(event, options)] = platform.probe.calls
    assert event.name == "outing plan"
    assert isinstance(event.options, FrozenMap)
    assert event.options == options == {"title": "Zoo trip", "seats": 12, "bus": False}
    with pytest.raises(TypeError):
        event.options["seats"] = 40  # type: ignore[index]


#: each wrong value, and the one answer it gets on every platform
WRONG = [
    ({"title": "Zoo", "seats": 0}, "seats must be at least 1."),
    ({"title": "Zoo", "seats": 41}, "seats must be at most 40."),
    ({"title": "Zoo", "seats": "three"}, "seats must be a whole number."),
    ({"title": "Zoo", "bus": "maybe"}, "bus must be true or false."),
    ({"title": "Zoo", "size": "huge"}, "size must be one of: small, large."),
    ({"seats": 3}, "The option title is required."),
    ({"title": "Zoo", "colour": "red"},
     "/outing plan has no option colour. Its options are: title:, seats:, bus:, size:, helper:, where:"),
    ({"title": "Zoo", "helper": "nobody"}, "I can't find nobody in this community."),
    ({"title": "Zoo", "where": "nowhere"}, "I can't find the channel nowhere."),
]


async def test_every_wrong_value_gets_the_same_words_on_every_platform_and_nothing_runs(platform: Platform) -> None:
    teacher = await platform.person("Ms Lee", Role.TEACHER)
    for values, _ in WRONG:
        await platform.plan(teacher, **values)
    assert platform.answers(teacher) == [answer for _, answer in WRONG]
    assert platform.probe.calls == []


async def test_a_wrong_value_is_answered_in_the_persons_language(platform: Platform) -> None:
    maria = await platform.person("Maria", language="es")
    await platform.plan(maria, title="Zoo", seats=0)
    assert platform.answers(maria) == ["[es] seats must be at least 1."]
    assert platform.probe.calls == []


async def test_a_command_sent_as_a_slack_form_reaches_the_handler_typed(sqlite_db: Database) -> None:
    async with started("slack", sqlite_db) as slack:
        driver = slack.driver
        assert isinstance(driver, SlackDriver)
        teacher = await slack.person("Ms Lee", Role.TEACHER)
        await driver.post_form(driver.command_fields(teacher, "outing", ""))  # nothing typed: a form opens
        [opened] = driver.fake.called("views.open")
        view = json.loads(opened["view"]) if isinstance(opened["view"], str) else opened["view"]
        typed = {"title": "Zoo trip", "seats": "3", "bus": "yes", "size": "LARGE"}
        state = {name: {"value": {"type": "plain_text_input", "value": value}} for name, value in typed.items()}
        await driver.post_payload({"type": "view_submission", "team": {"id": TEAM}, "user": {"id": teacher.user_id},
                                   "trigger_id": "t", "view": {"id": "V1", "type": "modal", "hash": "h",
                                                               "callback_id": view["callback_id"],
                                                               "state": {"values": state}}})
        await driver.settle()
    [(event, options)] = slack.probe.calls
    assert options == {"title": "Zoo trip", "seats": 3, "bus": True, "size": "large"}
    assert event.options == options


async def test_a_command_sent_as_a_discord_form_reaches_the_handler_typed(sqlite_db: Database) -> None:
    async with started("discord", sqlite_db) as discord:
        driver = discord.driver
        assert isinstance(driver, DiscordDriver)
        teacher = await discord.person("Ms Lee", Role.TEACHER)
        fields = {"title": "Zoo trip", "size": "LARGE"}  # a Discord form holds the text options
        submit = {"custom_id": customid.command_form("outing plan"), "components": [
            {"type": 1, "components": [{"type": 4, "custom_id": name, "value": value}]}
            for name, value in fields.items()]}
        await driver.feed_interaction(driver.interaction(teacher, 5, submit))
    [(event, options)] = discord.probe.calls
    assert options == {"title": "Zoo trip", "size": "large"}
    assert event.options == options


def test_an_events_options_cannot_be_changed() -> None:
    given = {"title": "Zoo trip", "seats": 3}
    event = CommandInvoked(key=f"k:{uuid.uuid4().hex}", actor=Actor(user=UserRef("test", "u1")), community=None,
                           name="outing plan", options=given)
    given["seats"] = 40  # the adapter's own dict changing later changes nothing
    with pytest.raises(TypeError):
        event.options["seats"] = 40  # type: ignore[index]
    with pytest.raises(TypeError):
        del event.options["title"]  # type: ignore[attr-defined]
    with pytest.raises(AttributeError):
        event.options.update(seats=40)  # type: ignore[attr-defined]
    with pytest.raises(AttributeError):
        event.options._items = ()  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        event.options = {}  # type: ignore[misc]
    assert event.options == {"title": "Zoo trip", "seats": 3}
    assert hash(event) == hash(dataclasses.replace(event))
