"""One definition of the core scenarios, run through every adapter's real protocol: the
console, Discord (discord.py against a fake REST API) and Slack (signed HTTP to bolt, a fake
Web API). A new adapter is done when it passes these."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from adapters.console.harness import DEFAULT_START
from bot.api.roles import Role
from bot.app import build_core
from bot.config import Config, Secrets
from bot.db.engine import Database
from bot.testing import FakeTranslator
from bot.util.clock import ManualClock
from tests.conformance.driver import Driver, Seen
from tests.console.driver import ConsoleDriver
from tests.discord.harness import DiscordDriver
from tests.slack.harness import SECRET, SlackDriver

DRIVERS = {"console": ConsoleDriver, "discord": DiscordDriver, "slack": SlackDriver}


@pytest.fixture(params=sorted(DRIVERS))
async def driver(request: pytest.FixtureRequest, sqlite_db: Database) -> AsyncIterator[Driver]:
    secrets = Secrets(discord_token="fake", slack_bot_token="xoxb-test", slack_signing_secret=SECRET)
    core = build_core(Config(), secrets=secrets, db=sqlite_db, clock=ManualClock(DEFAULT_START),
                      translator=FakeTranslator())
    chosen = DRIVERS[request.param](core)
    await chosen.start()
    yield chosen
    await chosen.stop()


def sent_to(driver: Driver, where: str) -> list[Seen]:
    return [s for s in driver.seen() if s.where == where]


async def test_announce_and_acknowledge(driver: Driver) -> None:
    teacher = await driver.person("Ms Lee", role=Role.TEACHER)
    ana = await driver.person("Ana")
    await driver.command(ana, "help")
    await driver.command(teacher, "announce", text="Field trip on Friday")
    [post] = sent_to(driver, "channel:announcements")
    assert "Field trip on Friday" in post.text
    assert post.buttons == ["Translate", "Got it ✓"]
    await driver.click(ana, post.message_id, "Got it")
    assert "Thank you! Your teacher can see that you got announcement #1." in sent_to(driver, "ephemeral:Ana")[-1].text
    await driver.command(teacher, "announcement status")
    assert "seen: 1 of 1 family" in sent_to(driver, "ephemeral:Ms Lee")[-1].text


async def test_sign_up_by_reaction_with_waitlist_and_promotion(driver: Driver) -> None:
    teacher = await driver.person("Ms Lee", role=Role.TEACHER)
    ana, ben = await driver.person("Ana"), await driver.person("Ben")
    await driver.command(teacher, "signup create", title="Zoo trip", slots="🚌 Chaperone x1")
    [card] = sent_to(driver, "channel:general")
    await driver.react(ana, card.message_id, "🚌")
    await driver.react(ben, card.message_id, "🚌")
    await driver.unreact(ana, card.message_id, "🚌")
    ana_dms = [s.text for s in sent_to(driver, "dm:Ana")]
    ben_dms = [s.text for s in sent_to(driver, "dm:Ben")]
    assert ana_dms[0].startswith("You're signed up for 🚌 Chaperone on \"Zoo trip\"")
    assert ana_dms[1].startswith("You're no longer signed up for 🚌 Chaperone")
    assert "number 1 on the waitlist" in ben_dms[0]
    assert ben_dms[1].startswith("Good news: a place opened")


async def test_relay_a_question_and_its_answer(driver: Driver) -> None:
    teacher = await driver.person("Ms Lee", role=Role.TEACHER)
    maria = await driver.person("Maria")
    await driver.command(teacher, "help")
    await driver.command(maria, "language", name="es")
    await driver.dm(maria, "¿Puede traer almuerzo?")
    [question] = sent_to(driver, "dm:Ms Lee")
    assert "Question #1 from Maria" in question.text and "¿Puede traer almuerzo?" in question.text
    await driver.reply(teacher, question.message_id, "Yes, of course")
    answer = sent_to(driver, "dm:Maria")[-1]
    assert "[es] Yes, of course" in answer.text
    assert answer.buttons == ["[es] Show original"]
