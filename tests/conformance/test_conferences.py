"""The conference scenario through every adapter's real protocol (console lines, Discord
gateway payloads and a fake REST API, signed Slack requests and a fake Web API)."""

from __future__ import annotations

from bot.api.roles import Role
from tests.conformance.driver import Driver, Person
from tests.conformance.test_scenarios import driver, sent_to
from tests.console.driver import ConsoleDriver

__all__ = ["driver"]  # the fixture, shared with the core scenarios


def named(driver: Driver, person: Person) -> str:
    """How a command names a person on this platform: the console by name, Discord and Slack by id."""
    return person.name if isinstance(driver, ConsoleDriver) else person.user_id


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
    assert [f for f in confirmation.files if f.endswith(".ics")]  # the calendar file came with it
    await driver.command(teacher, "conference schedule", id="1")
    listing = next(s for s in sent_to(driver, "ephemeral:Ms Lee") if "Schedule for" in s.text)
    assert "2. Tue 8 Sep 15:15–15:30 — Ana (English)" in listing.text


async def test_a_guardian_books_for_each_child_and_co_parents_share_one_booking(driver: Driver) -> None:
    teacher = await driver.person("Ms Lee", role=Role.TEACHER)
    admin = await driver.person("Mr Park", role=Role.ADMIN)
    amara, luis, tom = await driver.person("Amara"), await driver.person("Luis"), await driver.person("Tom")
    for person in (amara, luis, tom):  # known to the bot before the teacher links them
        await driver.command(person, "help")
    for child, guardian in (("Leo", amara), ("Mia", amara), ("Mia", luis), ("Mia", tom)):
        await driver.command(teacher, "family link", child=child, guardian=named(driver, guardian))
    await driver.command(admin, "family restrict", child="Mia", guardian=named(driver, tom), reason="order 114",
                         class_wide="true")
    await driver.command(teacher, "conference create", title="Autumn conferences",
                         availability="Tue 15:00-16:00 every 15min")
    await driver.command(teacher, "conference post", id="1")
    await driver.command(amara, "conference book", id="1", time="Tue 15:00")
    assert sent_to(driver, "ephemeral:Amara")[-1].text.startswith("Which child is it for? Add child: with one of: "
                                                                  "Leo, Mia.")
    await driver.command(amara, "conference book", id="1", time="Tue 15:00", child="Mia")
    await driver.command(amara, "conference book", id="1", time="Tue 15:30", child="Leo")
    await driver.settle()
    [told] = [s for s in sent_to(driver, "dm:Luis") if "Conference booked" in s.text]
    assert 'The conference "Autumn conferences" for Mia with Ms Lee is on Tuesday 8 September 2026, 15:00' in told.text
    await driver.command(luis, "conference book", id="1", time="Tue 15:15")
    assert sent_to(driver, "ephemeral:Luis")[-1].text.startswith("Changed: your conference is now Tuesday 8 "
                                                                 "September 2026, 15:15")
    await driver.command(tom, "conference book", id="1", time="Tue 15:45")
    assert sent_to(driver, "ephemeral:Tom")[-1].text.startswith("There is no one you can book a conference for")
    await driver.settle()
    assert not [s for s in sent_to(driver, "dm:Tom") if "Mia" in s.text or "conference" in s.text.lower()]
    await driver.command(teacher, "conference schedule", id="1")
    listing = next(s for s in sent_to(driver, "ephemeral:Ms Lee") if "Schedule for" in s.text).text
    assert "2. Tue 8 Sep 15:15–15:30 — Mia" in listing and "3. Tue 8 Sep 15:30–15:45 — Leo" in listing
    assert "1. Tue 8 Sep 15:00–15:15 — free" in listing
