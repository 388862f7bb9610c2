"""/announcement report: read rates over several weeks, per announcement and per language, the
families who saw none, and a chart of the same numbers."""

from __future__ import annotations

import io

from PIL import Image

from adapters.console.harness import console_session
from bot.db.engine import Database

TEACHER = "as Ms Lee role=teacher"
SETUP = "as Maria lang=es\n/help\nas Ana\n/help\nas Ben\n/help\n"


async def _two_posts_read_unevenly(s: object) -> None:
    await s.run(f'{SETUP}{TEACHER}\n/announce text:"Picture day"')  # type: ignore[attr-defined]
    first = s.last("#announcements").number  # type: ignore[attr-defined]
    await s.run('/announce text:"Book fair"')  # type: ignore[attr-defined]
    second = s.last("#announcements").number  # type: ignore[attr-defined]
    await s.run(f"as Maria\nclick #{first} Got it\nas Ana\nclick #{first} Got it\n"  # type: ignore[attr-defined]
                f"click #{second} Got it\n{TEACHER}\n/announcement report")


async def test_the_report_gives_the_average_the_languages_and_who_saw_nothing(db: Database) -> None:
    async with console_session(db) as s:
        await _two_posts_read_unevenly(s)
    assert s.last("only Ms Lee").text.splitlines()[:3] == [
        "Since Monday 10 August 2026: 2 announcements, seen by 50% of families on average.",
        "By language: en 50%, es 50%",
        "Saw none of them: Ben. Please contact them another way.",
    ]


async def test_the_report_chart_is_a_png_attached_to_the_answer(db: Database) -> None:
    async with console_session(db) as s:
        await _two_posts_read_unevenly(s)
    [chart] = s.last("only Ms Lee").files
    assert chart.content_type == "image/png" and chart.filename == "announcements-4w.png"
    with Image.open(io.BytesIO(chart.content)) as image:
        assert image.format == "PNG" and image.size == (800, 600)


async def test_the_report_agrees_with_each_announcements_status(db: Database) -> None:
    async with console_session(db) as s:
        await _two_posts_read_unevenly(s)
        await s.run("/announcement status id:1")
        first = s.last("only Ms Lee").text
        await s.run("/announcement status id:2")
        second = s.last("only Ms Lee").text
    assert first.startswith("Announcement #1 — seen: 2 of 3 families.")
    assert second.startswith("Announcement #2 — seen: 1 of 3 families.")  # (2 + 1) / 6 = 50%


async def test_announcements_older_than_the_window_are_left_out(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f'{SETUP}{TEACHER}\n/announce text:"Old news"\nadvance 15d\n/announce text:"New news"\n'
                    "/announcement report weeks:2")
    assert s.last("only Ms Lee").text.startswith(
        "Since Tuesday 8 September 2026: 1 announcement, seen by 0% of families")


async def test_with_nothing_posted_the_teacher_is_told_kindly(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"{TEACHER}\n/announcement report")
    assert s.last("only Ms Lee").text == "No announcements were posted in the last 4 weeks."
    assert s.last("only Ms Lee").files == []


async def test_families_cannot_see_the_report(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f'{TEACHER}\n/announce text:"Picture day"\nas Ana\n/announcement report')
    assert s.last("only Ana").files == []
