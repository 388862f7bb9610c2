"""A flyer with a sign-up, on the console, SQLite and PostgreSQL: the card is posted with the
file and keeps it when its counts change; a refused file stops the sign-up before anything is
stored or posted."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from adapters.console import console_session
from bot.db.engine import Database
from cogs.signups.models import Signup

ORGANISER = "as Ms Lee role=teacher"
PDF = b"%PDF-1.7\n" + b"0" * 512 + b"\n%%EOF\n"


async def test_the_card_is_posted_with_the_flyer_and_keeps_it_as_families_join(db: Database, tmp_path: Path) -> None:
    flyer = tmp_path / "picnic.pdf"
    flyer.write_bytes(PDF)
    async with console_session(db) as s:
        await s.run(f'{ORGANISER}\n/signup create title:"Picnic" slots:"🍉 Fruit x3" attach:{flyer}')
        card = s.last("#general")
        await s.run(f"as Ana\nreact #{card.number} 🍉")
        assert [(f.filename, f.content) for f in card.files] == [("picnic.pdf", PDF)]
        assert "Fruit" in card.text and card.edits >= 1 and len(card.files) == 1
        assert "Sign-up #1 is posted." in s.last("only Ms Lee").text


async def test_a_refused_file_stops_the_signup_before_anything_is_stored(db: Database, tmp_path: Path) -> None:
    sheet = tmp_path / "names.csv"
    sheet.write_text("Ana,Maria\n")
    async with console_session(db) as s:
        await s.run(f'{ORGANISER}\n/signup create title:"Picnic" slots:"🍉 Fruit x3" attach:{sheet}')
        assert "names.csv is a kind of file I don't post" in s.last("only Ms Lee").text
        assert s.find("#general") == []
    async with db.read() as session:
        assert await session.scalar(select(func.count()).select_from(Signup)) == 0
