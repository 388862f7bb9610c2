"""Homework reminders end to end on every adapter's real protocol: a feature added as files
under cogs/homework/ alone works on the console, Discord and Slack."""

from __future__ import annotations

from datetime import timedelta

from bot.api.roles import Role
from bot.util.clock import ManualClock
from tests.conformance.driver import Driver
from tests.conformance.test_scenarios import driver, sent_to

__all__ = ["driver"]


async def test_homework_posted_listed_and_reminded_the_evening_before(driver: Driver) -> None:
    teacher = await driver.person("Ms Lee", role=Role.TEACHER)
    ana = await driver.person("Ana")
    await driver.command(ana, "help")
    await driver.command(teacher, "homework add", title="Reading log", due="Thursday")
    assert "Families will be reminded Wednesday 9 September 2026, 18:00" in sent_to(driver, "ephemeral:Ms Lee")[-1].text
    await driver.command(ana, "homework list")
    assert "#1 Reading log: due Thursday 10 September 2026" in sent_to(driver, "ephemeral:Ana")[-1].text
    clock = driver.core.clock
    assert isinstance(clock, ManualClock)
    clock.advance(timedelta(days=2, hours=10, minutes=30))  # Wednesday 18:30 in New York
    await driver.settle()
    [reminder] = [s for s in sent_to(driver, "dm:Ana") if "Reading log" in s.text]
    assert 'Reminder: "Reading log" is due Thursday 10 September 2026.' in reminder.text
