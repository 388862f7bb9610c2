"""A file with a published FAQ answer, on the console, SQLite and PostgreSQL: the post
carries it, DM readers get its link, a refused file publishes nothing."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from adapters.console import console_session
from bot.db.engine import Database
from cogs.relay.models import FaqEntry
from tests.refusing import refuse_files

TEACHER = "as Ms Lee role=teacher"
FAMILY = "as Maria lang=es tz=America/New_York"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


async def test_the_faq_post_carries_the_file_and_dm_readers_get_its_link(db: Database, tmp_path: Path) -> None:
    menu = tmp_path / "lunch-menu.png"
    menu.write_bytes(PNG)
    async with console_session(db) as s:
        await s.run(f"as Bob lang=fr\n/delivery dm\n{TEACHER}\n{FAMILY}\ndm ¿Almuerzo?\n{TEACHER}\n"
                    f'/faq publish id:1 text:"This is the lunch menu." attach:{menu}')
        post = s.last("#announcements")
        dm = s.last("DM → Bob")
        assert "Published as FAQ #1." in s.last("only Ms Lee").text
    assert [(f.filename, f.content) for f in post.files] == [("lunch-menu.png", PNG)]
    assert f"[fr] Attached: lunch-menu.png — {menu}" in dm.text


async def test_a_refused_file_publishes_nothing(db: Database, tmp_path: Path) -> None:
    page = tmp_path / "menu.html"
    page.write_text("<html></html>")
    async with console_session(db) as s:
        await s.run(f"as Bob lang=fr\n/delivery dm\n{TEACHER}\n{FAMILY}\ndm ¿Almuerzo?\n{TEACHER}\n"
                    f'/faq publish id:1 text:"This is the lunch menu." attach:{page}')
        assert "menu.html is a kind of file I don't post" in s.last("only Ms Lee").text
        assert s.find("#announcements") == [] and not any("lunch menu" in e.text for e in s.find("DM → Bob"))
    async with db.read() as session:
        assert await session.scalar(select(func.count()).select_from(FaqEntry)) == 0


async def test_a_file_the_platform_refuses_is_told_and_not_linked(db: Database, tmp_path: Path) -> None:
    menu = tmp_path / "lunch-menu.png"
    menu.write_bytes(PNG)
    async with console_session(db) as s:
        refuse_files(s)
        await s.run(f"as Bob lang=fr\n/delivery dm\n{TEACHER}\n{FAMILY}\ndm ¿Almuerzo?\n{TEACHER}\n"
                    f'/faq publish id:1 text:"This is the lunch menu." attach:{menu}')
        answer = s.last("only Ms Lee").text
        dm = s.last("DM → Bob").text
    assert "Published as FAQ #1, but without lunch-menu.png: the platform would not take the file" in answer
    assert "lunch menu" in dm and "lunch-menu.png" not in dm
