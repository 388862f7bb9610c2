"""Files with an announcement on the console, on SQLite and PostgreSQL: the post carries the
file, DM and digest readers get its link, a file the rules refuse stops everything."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from adapters.console import console_session
from bot.db.engine import Database
from bot.db.models import Member
from cogs.announcements.models import Announcement
from tests.refusing import refuse_files

TEACHER = "as Ms Lee role=teacher"
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def flyer(tmp_path: Path, name: str = "field-trip.pdf", content: bytes = PDF) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


async def announcements(db: Database) -> int:
    async with db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(Announcement)) or 0)


async def test_the_post_carries_the_file_itself(db: Database, tmp_path: Path) -> None:
    path = flyer(tmp_path)
    async with console_session(db, files_dir=tmp_path / "sent") as s:
        await s.run(f'as Ana\n{TEACHER}\n/announce text:"Permission slip for Friday" attach:{path}')
        post = s.last("#announcements")
    assert [(f.filename, f.content, f.content_type) for f in post.files] == [("field-trip.pdf", PDF,
                                                                              "application/pdf")]
    assert (tmp_path / "sent" / "field-trip.pdf").read_bytes() == PDF


async def test_a_dm_reader_gets_the_link_in_their_language(db: Database, tmp_path: Path) -> None:
    path = flyer(tmp_path)
    async with console_session(db) as s:
        await s.run(f'as Maria lang=es\n/delivery dm\n{TEACHER}\n/announce text:"Picture day" attach:{path}')
        dm = s.last("DM → Maria")
    assert f"[es] Attached: field-trip.pdf — {path}" in dm.text
    assert dm.files == []  # a link, not a second copy


async def test_a_digest_reader_gets_the_link_in_the_digest(db: Database, tmp_path: Path) -> None:
    path = flyer(tmp_path, "menu.png", PNG)
    async with console_session(db) as s:
        await s.run(f'as Minh lang=vi\n/delivery digest\n{TEACHER}\n/announce text:"New lunch menu" attach:{path}\n'
                    "advance 1d")
        digest = s.last("DM → Minh")
    assert "[vi] New lunch menu" in digest.text
    assert f"menu.png — {path}" in digest.text


async def test_a_file_over_the_size_limit_is_refused_and_nothing_is_posted(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "video.pdf"
    with path.open("wb") as handle:
        handle.write(PDF)
        handle.truncate(11 * 1024 * 1024)
    async with console_session(db) as s:
        await s.run(f'as Ana\n/delivery dm\n{TEACHER}\n/announce text:"Concert recording" attach:{path}')
        answer = s.last("only Ms Lee").text
        assert s.find("#announcements") == [] and s.find("DM → Ana") == []
    assert "video.pdf is 11 MB; a file can be at most 10 MB" in answer
    assert await announcements(db) == 0


async def test_a_refused_kind_of_file_names_what_is_allowed(db: Database, tmp_path: Path) -> None:
    path = flyer(tmp_path, "setup.exe", b"MZ\x90\x00" + b"\x00" * 60)
    async with console_session(db) as s:
        await s.run(f'{TEACHER}\n/announce text:"Install this" attach:{path}')
        answer = s.last("only Ms Lee").text
        assert s.find("#announcements") == []
    assert "setup.exe is a kind of file I don't post" in answer
    assert "GIF, JPEG, PDF, PNG, WebP" in answer
    assert await announcements(db) == 0


async def test_a_renamed_file_is_judged_by_its_bytes(db: Database, tmp_path: Path) -> None:
    path = flyer(tmp_path, "flyer.pdf", b"MZ\x90\x00" + b"\x00" * 60)
    async with console_session(db) as s:
        await s.run(f'{TEACHER}\n/announce text:"Flyer" attach:{path}')
        assert "flyer.pdf is a kind of file I don't post" in s.last("only Ms Lee").text
        assert s.find("#announcements") == []


async def test_a_path_that_names_no_readable_file_is_refused(db: Database, tmp_path: Path) -> None:
    async with console_session(db) as s:
        await s.run(f'{TEACHER}\n/announce text:"Flyer" attach:{tmp_path / "missing.pdf"}\n'
                    f'/announce text:"Folder" attach:{tmp_path}')
        answers = [e.text for e in s.find("only Ms Lee")]
        assert s.find("#announcements") == []
    assert f"I can't open the file {tmp_path / 'missing.pdf'}." in answers[0]
    assert f"I can't open the file {tmp_path}." in answers[1]
    assert await announcements(db) == 0


async def test_the_database_keeps_the_reference_not_the_bytes(db: Database, tmp_path: Path) -> None:
    path = flyer(tmp_path)
    async with console_session(db) as s:
        await s.run(f'{TEACHER}\n/announce text:"Slip" attach:{path}')
    async with db.read() as session:
        row = await session.scalar(select(Announcement))
    assert row is not None
    assert row.files == [{"platform": "console", "id": str(path), "filename": "field-trip.pdf", "size": len(PDF),
                          "content_type": "application/pdf", "url": str(path), "permalink": ""}]


async def test_a_file_gone_before_a_scheduled_post_tells_the_author_and_posts_nothing(
        db: Database, tmp_path: Path) -> None:
    path = flyer(tmp_path)
    async with console_session(db) as s:
        await s.run(f'as Ana\n/delivery dm\n{TEACHER}\n/announce text:"Slip" when:"tomorrow 7:30am" attach:{path}')
        path.unlink()
        await s.run("advance 1d")
        assert s.find("#announcements") == [] and s.find("DM → Ana") == []
        told = s.last("DM → Ms Lee").text
    assert "the file field-trip.pdf is no longer available" in told
    async with db.read() as session:
        assert await session.scalar(select(Announcement.status)) == "failed"


async def test_the_authors_export_lists_the_files(db: Database, tmp_path: Path) -> None:
    path = flyer(tmp_path)
    async with console_session(db) as s:
        await s.run(f'{TEACHER}\n/announce text:"Slip" attach:{path}')
        cog = next(c for c in s.core.cogs if c.name == "announcements")
        async with db.read() as session:
            author = await session.scalar(select(Member).where(Member.display_name == "Ms Lee"))
            assert author is not None
            exported = await cog.export_member(session, author)
    assert exported["authored"][0]["files"] == [{"filename": "field-trip.pdf", "url": str(path)}]


async def test_a_file_the_platform_refuses_is_told_to_the_author_and_not_linked(
        db: Database, tmp_path: Path) -> None:
    path = flyer(tmp_path)
    async with console_session(db) as s:
        refuse_files(s)
        await s.run(f'as Ana lang=es\n/delivery dm\n{TEACHER}\n'
                    f'/announce text:"Permission slip for Friday" attach:{path}')
        post = s.last("#announcements")
        told = s.last("DM → Ms Lee").text
        dm = s.last("DM → Ana").text
    assert post.files == [] and len(s.find("#announcements", "Permission slip")) == 1
    assert "went out without the file field-trip.pdf: the platform would not take it" in told
    assert "field-trip.pdf" not in dm
