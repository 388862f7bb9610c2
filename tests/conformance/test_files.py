"""Files with an announcement through every adapter's real protocol: a teacher shares a file
the way their platform lets them (a file on disk for the console, an upload in Discord's
attachment option, a Slack file's link), and what each platform received or still shows is
what the scenarios check."""

from __future__ import annotations

from bot.api.roles import Role
from tests.conformance.driver import Driver, FileToShare
from tests.conformance.test_scenarios import driver, sent_to

__all__ = ["driver"]  # the fixture, shared with the core scenarios

MIB = 1024 * 1024
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\n" + b"0" * 2048 + b"\ntrailer <<>>\n%%EOF\n"
FLYER = FileToShare("field-trip.pdf", PDF, "application/pdf")
PROGRAM = FileToShare("setup.exe", b"MZ\x90\x00" + b"\x00" * 60, "application/x-msdownload")
RECORDING = FileToShare("assembly.pdf", b"%PDF-1.4\n" + b"0" * (11 * MIB), "application/pdf")


def link_to(text: str, filename: str) -> str:
    """The address written after a file's name ("field-trip.pdf — <link>") in a message."""
    line = next(line for line in text.splitlines() if f"{filename} — " in line)
    return line.split(f"{filename} — ", 1)[1].strip()


async def test_an_announcement_with_a_pdf_posts_exactly_that_file(driver: Driver) -> None:
    teacher = await driver.person("Ms Lee", role=Role.TEACHER)
    await driver.command(teacher, "announce", files={"attach": FLYER}, text="Field trip on Friday")
    [post] = sent_to(driver, "channel:announcements")
    assert "Field trip on Friday" in post.text
    assert post.files == ["field-trip.pdf"]
    assert post.file_sizes == {"field-trip.pdf": len(PDF)}


async def test_a_family_reading_by_dm_gets_a_link_that_opens_the_file(driver: Driver) -> None:
    teacher = await driver.person("Ms Lee", role=Role.TEACHER)
    ana = await driver.person("Ana")
    await driver.command(ana, "delivery", mode="dm")
    await driver.command(teacher, "announce", files={"attach": FLYER}, text="Field trip on Friday")
    await driver.settle()
    [dm] = [s for s in sent_to(driver, "dm:Ana") if "Field trip on Friday" in s.text]
    assert dm.files == []  # a link, not a second copy
    assert driver.files_behind(link_to(dm.text, "field-trip.pdf")) == ["field-trip.pdf"]


async def test_a_refused_kind_of_file_is_refused_privately_and_nothing_is_posted(driver: Driver) -> None:
    teacher = await driver.person("Ms Lee", role=Role.TEACHER)
    await driver.command(teacher, "announce", files={"attach": PROGRAM}, text="Install this")
    await driver.settle()
    assert "setup.exe is a kind of file I don't post" in sent_to(driver, "ephemeral:Ms Lee")[-1].text
    assert sent_to(driver, "channel:announcements") == []
    assert driver.files_shown("channel:announcements") == []


async def test_a_file_over_the_size_limit_is_refused_privately_and_nothing_is_posted(driver: Driver) -> None:
    teacher = await driver.person("Ms Lee", role=Role.TEACHER)
    await driver.command(teacher, "announce", files={"attach": RECORDING}, text="Assembly recording")
    await driver.settle()
    assert "assembly.pdf is 11 MB; a file can be at most 10 MB" in sent_to(driver, "ephemeral:Ms Lee")[-1].text
    assert sent_to(driver, "channel:announcements") == []
    assert driver.files_shown("channel:announcements") == []


async def test_deleting_the_announcement_leaves_no_file_in_the_channel(driver: Driver) -> None:
    teacher = await driver.person("Ms Lee", role=Role.TEACHER)
    await driver.command(teacher, "announce", files={"attach": FLYER}, text="Field trip on Friday")
    assert driver.files_shown("channel:announcements") == ["field-trip.pdf"]
    await driver.command(teacher, "announcement delete", id="1")
    assert "Announcement #1 was deleted." in sent_to(driver, "ephemeral:Ms Lee")[-1].text
    assert driver.files_shown("channel:announcements") == []
