"""docs/scripts/households.txt runs as documented, and its scenario plays the same through
every adapter's real protocol (console, Discord, Slack) via the conformance drivers."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.console.harness import DEFAULT_START
from bot.api.roles import Role
from bot.app import build_core
from bot.config import Config, Secrets
from bot.db.engine import Database
from bot.testing import FakeTranslator
from bot.util.clock import ManualClock
from tests.conformance.driver import Driver, Person, Seen
from tests.console.driver import ConsoleDriver
from tests.discord.harness import DiscordDriver
from tests.slack.harness import SECRET, SlackDriver

SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "scripts" / "households.txt"
DRIVERS = {"console": ConsoleDriver, "discord": DiscordDriver, "slack": SlackDriver}


def test_the_households_script_runs_as_documented(tmp_path: Path) -> None:
    config = tmp_path / "homeroom.toml"
    config.write_text(f'[database]\nurl = "sqlite+aiosqlite:///{tmp_path / "h.db"}"\n'
                      '[translation]\nprovider = "libre"\nlibre_url = "http://127.0.0.1:9"\n', encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "bot", "--config", str(config), "run", "--script", str(SCRIPT),
                             "--start", "2026-09-07T13:00:00+00:00"], capture_output=True, text=True, timeout=180,
                            cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.count("Announcement #1 — seen: 1 of 3 families.") == 2
    assert "Not seen yet: Leo, Mia" in out and "Seen: Sam (Maria)" in out
    # restricted, without class-wide news: nothing but the welcome he got before the restriction
    assert re.findall(r"\[DM → Tom\] [^\n]*", out) == ["[DM → Tom] **Welcome to Homeroom!**"]
    assert "#31 [DM → Luis] **Maria shared a question about Sam with you**" in out
    assert "You're signed up for 🧃 Drinks" in out and 'Está inscrito/a para 🍪 Baker' in out


@pytest.fixture(params=sorted(DRIVERS))
async def driver(request: pytest.FixtureRequest, sqlite_db: Database) -> AsyncIterator[Driver]:
    secrets = Secrets(discord_token="fake", slack_bot_token="xoxb-test", slack_signing_secret=SECRET)
    core = build_core(Config(), secrets=secrets, db=sqlite_db, clock=ManualClock(DEFAULT_START.replace(hour=13)),
                      translator=FakeTranslator())
    chosen = DRIVERS[request.param](core)
    await chosen.start()
    yield chosen
    await chosen.stop()


def named(driver: Driver, person: Person) -> str:
    """How a command names a person on this platform: the console by name, Discord and Slack by id."""
    return person.name if isinstance(driver, ConsoleDriver) else person.user_id


def sent_to(driver: Driver, where: str) -> list[Seen]:
    return [s for s in driver.seen() if s.where == where]


async def test_the_households_scenario_on_every_platform(driver: Driver) -> None:
    teacher = await driver.person("Ms Rivera", role=Role.TEACHER)
    admin = await driver.person("Mr Park", role=Role.ADMIN)
    maria, luis = await driver.person("Maria"), await driver.person("Luis")
    amara, tom = await driver.person("Amara"), await driver.person("Tom")
    for person in (maria, luis, tom):
        await driver.command(person, "delivery", mode="dm")
    await driver.command(maria, "language", name="es")
    await driver.command(amara, "help")
    for child, guardian in (("Sam", maria), ("Sam", luis), ("Leo", amara), ("Mia", amara), ("Mia", tom)):
        await driver.command(teacher, "family link", child=child, guardian=named(driver, guardian))
    await driver.command(admin, "family restrict", child="Mia", guardian=named(driver, tom), reason="order 114",
                         class_wide="false")
    await driver.command(teacher, "announce", text="Picture day on Friday")
    await driver.settle()
    [dm] = [s for s in sent_to(driver, "dm:Maria") if "Picture day" in s.text]
    assert "[es] Picture day on Friday" in dm.text
    assert [s for s in sent_to(driver, "dm:Luis") if "Picture day on Friday" in s.text]
    assert not [s for s in sent_to(driver, "dm:Tom") if "Picture day" in s.text]
    await driver.click(maria, dm.message_id, "[es] Got it ✓")
    await driver.command(teacher, "announcement status")
    status = sent_to(driver, "ephemeral:Ms Rivera")[-1].text
    assert "seen: 1 of 3 families" in status and "Seen: Sam (Maria)" in status
    await driver.dm(maria, "¿Sam puede salir temprano?")
    [question] = sent_to(driver, "dm:Ms Rivera")
    assert "Question #1 from Maria about Sam" in question.text
    await driver.reply(teacher, question.message_id, "Yes, at 2pm")
    answer = [s for s in sent_to(driver, "dm:Maria") if "2pm" in s.text][-1]
    await driver.click(maria, answer.message_id, "[es] Share with the child's other guardians")
    shared = [s.text for s in sent_to(driver, "dm:Luis")]
    assert any("Maria shared a question about Sam with you" in text for text in shared)
    assert any("Answer from Ms Rivera about Sam" in text and "Yes, at 2pm" in text for text in shared)
    assert not [s for s in sent_to(driver, "dm:Tom") if "Sam" in s.text or "Mia" in s.text]


async def test_a_guardian_joins_with_the_teachers_code_on_every_platform(driver: Driver) -> None:
    teacher = await driver.person("Ms Rivera", role=Role.TEACHER)
    amara = await driver.person("Amara")
    await driver.command(teacher, "family invite", child="Ava")
    invite = next(s.text for s in sent_to(driver, "ephemeral:Ms Rivera") if "Join code for Ava" in s.text)
    slips = [s for s in driver.seen() if "join-Ava.png" in s.files]
    assert [s.where for s in slips] == ["dm:Ms Rivera"]  # the printable slip, to the teacher alone
    assert "A printable slip for Ava." in slips[0].text
    code = invite.split("Join code for Ava: ", 1)[1].split(" ", 1)[0]
    await driver.command(amara, "family join", code="WRONG-CODE")
    assert "That code does not work" in sent_to(driver, "ephemeral:Amara")[-1].text
    await driver.command(amara, "family join", code=code)
    assert "You are now linked to Ava" in sent_to(driver, "ephemeral:Amara")[-1].text
