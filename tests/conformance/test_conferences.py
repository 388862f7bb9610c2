"""The conference scenario through every adapter's real protocol (console lines, Discord
gateway payloads and a fake REST API, signed Slack requests and a fake Web API)."""

from __future__ import annotations

from bot.roles import Role
from tests.conformance.driver import Driver
from tests.conformance.test_scenarios import driver, sent_to

__all__ = ["driver"]  # the fixture, shared with the core scenarios


async def test_a_family_books_a_conference_and_the_teacher_sees_it(driver: Driver) -> None:
    teacher = await driver.person("Ms Lee", role=Role.TEACHER)
    ana = await driver.person("Ana")
    await driver.command(teacher, "conference create", title="Autumn conferences",
                         availability="Tue 15:00-16:00 every 15min", where="Room 12")
    preview = sent_to(driver, "ephemeral:Ms Lee")[-1]
    assert preview.text.startswith('4 slots for "Autumn conferences": Tue 8 Sep 15:00–16:00.')
    assert preview.buttons == ["Post", "Edit", "Cancel"]
    await driver.command(teacher, "conference post", id="1")
    [card] = [s for s in driver.seen() if s.where.startswith("channel:") and "Autumn conferences" in s.text]
    assert "4 of 4 free" in card.text
    assert card.buttons == ["Book a time", "None of these work"]
    await driver.click(ana, card.message_id, "Book a time")
    assert "Choose a time for \"Autumn conferences\"" in sent_to(driver, "ephemeral:Ana")[-1].text
    await driver.command(ana, "conference book", id="1", time="Tue 15:15")
    assert sent_to(driver, "ephemeral:Ana")[-1].text.startswith("Booked: Tuesday 8 September 2026, 15:15")
    [confirmation] = sent_to(driver, "dm:Ana")
    assert 'Your conference "Autumn conferences" with Ms Lee is on Tuesday 8 September 2026, 15:15' in \
        confirmation.text
    await driver.command(teacher, "conference schedule", id="1")
    listing = next(s for s in sent_to(driver, "ephemeral:Ms Lee") if "Schedule for" in s.text)
    assert "2. Tue 8 Sep 15:15–15:30 — Ana (English)" in listing.text
