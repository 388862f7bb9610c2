"""Photos and flyers in the newsletter, on the console, SQLite and PostgreSQL: the edition's
post carries them, DM readers get their links, a file gone by Friday leaves the rest of the
edition going out and its author told, a refused file is never added."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from adapters.console import console_session
from bot.db.engine import Database
from cogs.newsletter.models import NewsletterItem
from tests.refusing import refuse_files

TEACHER = "as Ms Lee role=teacher"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 128
SCHEDULE = '/newsletter schedule every:"Friday 15:00"'


async def test_the_edition_posts_the_photo_and_dm_readers_get_its_link(db: Database, tmp_path: Path) -> None:
    photo = tmp_path / "beans.png"
    photo.write_bytes(PNG)
    async with console_session(db) as s:
        await s.run(f"as Maria lang=es\n/delivery dm\n{TEACHER}\n{SCHEDULE}\n"
                    f'/newsletter add section:photos text:"Our bean plants" attach:{photo}\nadvance 5d')
        post = s.last("#announcements")
        dm = s.last("DM → Maria")
    assert [(f.filename, f.content) for f in post.files] == [("beans.png", PNG)]
    assert f"[es] Attached: beans.png — {photo}" in dm.text


async def test_a_file_gone_by_the_day_leaves_the_rest_going_out_and_the_author_told(
        db: Database, tmp_path: Path) -> None:
    photo = tmp_path / "beans.png"
    photo.write_bytes(PNG)
    async with console_session(db) as s:
        await s.run(f'{TEACHER}\n{SCHEDULE}\n/newsletter add section:photos text:"Our bean plants" attach:{photo}\n'
                    '/newsletter add section:reminders text:"Library books back"')
        photo.unlink()
        await s.run("advance 5d")
        post = s.last("#announcements")
        told = s.last("DM → Ms Lee").text
    assert "Library books back" in post.text and post.files == []
    assert "went out without beans.png: the file is no longer available" in told


async def test_a_refused_file_is_not_added(db: Database, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("just text")
    async with console_session(db) as s:
        await s.run(f'{TEACHER}\n{SCHEDULE}\n/newsletter add section:photos text:"Notes" attach:{notes}')
        assert "notes.txt is a kind of file I don't post" in s.last("only Ms Lee").text
    async with db.read() as session:
        assert await session.scalar(select(func.count()).select_from(NewsletterItem)) == 0


async def test_a_file_the_platform_refuses_goes_without_it_and_its_author_is_told(
        db: Database, tmp_path: Path) -> None:
    photo = tmp_path / "beans.png"
    photo.write_bytes(PNG)
    async with console_session(db) as s:
        refuse_files(s)
        await s.run(f"as Maria lang=es\n/delivery dm\n{TEACHER}\n{SCHEDULE}\n"
                    f'/newsletter add section:photos text:"Our bean plants" attach:{photo}\nadvance 5d')
        posts = s.find("#announcements", "Our bean plants")
        told = s.last("DM → Ms Lee").text
        dm = s.last("DM → Maria").text
    assert len(posts) == 1 and posts[0].files == []
    assert "went out without beans.png: the platform would not take the file" in told
    assert "beans.png" not in dm
