"""A flyer with a sign-up, on the console, SQLite and PostgreSQL: the card is posted with the
file and keeps it when its counts change; the sign-up keeps the file by reference, so the
notices of a family holding a place (confirmed, promoted, reminded, also in a digest) link it;
the file is the organiser's in an export; a refused file stops the sign-up before anything is
stored or posted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from adapters.console import adapter as console_adapter
from adapters.console import console_session
from bot.api.messages import Attachment, FileRef, FileUnavailable
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


FIELD_TRIP = '/signup create title:"Zoo trip" slots:"🚌 Chaperone x1" when:"in 3 days" reminders:"24h"'


def permission_slip(tmp_path: Path) -> Path:
    slip = tmp_path / "permission-slip.pdf"
    slip.write_bytes(PDF)
    return slip


async def test_the_signup_keeps_the_file_by_reference_only(db: Database, tmp_path: Path) -> None:
    slip = permission_slip(tmp_path)
    async with console_session(db) as s:
        await s.run(f"{ORGANISER}\n{FIELD_TRIP} attach:{slip}")
    async with db.read() as session:
        signup = (await session.scalars(select(Signup))).one()
    assert [(f["filename"], f["size"], f["content_type"], f["url"]) for f in signup.files] == [
        ("permission-slip.pdf", len(PDF), "application/pdf", str(slip))]
    assert "%PDF" not in str(signup.files)  # the platform keeps the bytes


async def test_a_confirmed_volunteer_gets_the_file_link_in_their_language(db: Database, tmp_path: Path) -> None:
    slip = permission_slip(tmp_path)
    async with console_session(db) as s:
        await s.run(f"{ORGANISER}\n{FIELD_TRIP} attach:{slip}\nas Maria lang=es\nreact #1 🚌")
        dm = s.last("DM → Maria")
    assert dm.text.startswith("[es] You're signed up for [es] 🚌 Chaperone")
    assert f"permission-slip.pdf — {slip}" in dm.text and "[es] Attached" in dm.text
    assert dm.files == []  # a link, not a second copy


async def test_a_family_promoted_from_the_waitlist_gets_the_file_link(db: Database, tmp_path: Path) -> None:
    slip = permission_slip(tmp_path)
    async with console_session(db) as s:
        await s.run(f"{ORGANISER}\n{FIELD_TRIP} attach:{slip}\nas Ana\nreact #1 🚌\nas Bob\nreact #1 🚌\n"
                    "as Ana\nunreact #1 🚌")
        waitlisted, promoted = [e.text for e in s.find("DM → Bob")]
    assert "waitlist" in waitlisted and "permission-slip.pdf" not in waitlisted  # no place yet: no form to sign
    assert promoted.startswith("Good news") and f"permission-slip.pdf — {slip}" in promoted


async def test_the_reminder_carries_the_file_link(db: Database, tmp_path: Path) -> None:
    slip = permission_slip(tmp_path)
    async with console_session(db) as s:
        await s.run(f"{ORGANISER}\n{FIELD_TRIP} attach:{slip}\nas Ana\nreact #1 🚌\nadvance 2d1h")
        [reminder] = [e.text for e in s.find("DM → Ana") if "Reminder" in e.text]
    assert f"permission-slip.pdf — {slip}" in reminder


async def test_a_reminder_that_lands_in_the_digest_carries_the_file_link(db: Database, tmp_path: Path) -> None:
    slip = permission_slip(tmp_path)
    async with console_session(db) as s:  # Monday 08:00 in New York; the digest goes out at 18:00
        await s.run(f'{ORGANISER}\n/signup create title:"Bake sale" slots:"🍪 Baker x1" when:"Tuesday 6:30pm" '
                    f'reminders:"2h" attach:{slip}\nas Maria\n/delivery mode:digest\n'
                    '/quiet-hours hours:"09:00-19:00"\nreact #1 🍪\nadvance 2d')
        [digest] = [e.text for e in s.find("DM → Maria") if "Reminder" in e.text]
    assert "Today's messages from school (1)" in digest and f"permission-slip.pdf — {slip}" in digest


async def test_a_button_press_confirmation_carries_the_file_link(db: Database, tmp_path: Path) -> None:
    slip = permission_slip(tmp_path)
    async with console_session(db) as s:
        await s.run(f'{ORGANISER}\n/signup create title:"Library" slots:"Monday x1" attach:{slip}\n'
                    "as Ana\nclick #1 Monday\nclick #1 Monday")
        signed_up, cancelled = s.find("only Ana")
    assert [(f.name, f.value) for f in signed_up.message.fields] == [("Attached", f"permission-slip.pdf — {slip}")]
    assert cancelled.message.fields == ()


async def test_a_signup_without_a_file_sends_no_attached_line(db: Database) -> None:
    async with console_session(db) as s:
        await s.run(f"{ORGANISER}\n{FIELD_TRIP}\nas Ana\nreact #1 🚌\nadvance 2d1h")
    assert s.find("DM → Ana") and not [e for e in s.find("DM → Ana") if "Attached" in e.text]


async def test_the_file_is_the_organisers_in_an_export_and_stays_with_the_signup_when_they_are_erased(
        db: Database, tmp_path: Path) -> None:
    slip = permission_slip(tmp_path)
    async with console_session(db) as s:
        await s.run(f"{ORGANISER}\n{FIELD_TRIP} attach:{slip}\nas Ana\nreact #1 🚌\n/privacy export\n"
                    f"{ORGANISER}\n/privacy export")
        family = json.loads(s.find("DM → Ana")[-1].files[0].content)["signups"]
        organiser = json.loads(s.find("DM → Ms Lee")[-1].files[0].content)["signups"]
        await s.run(f"{ORGANISER}\n/privacy delete")
        await s.run(f"click #{s.last('only Ms Lee').number} Yes")
    assert family["organised"] == [] and "permission-slip.pdf" not in json.dumps(family)
    assert organiser["organised"][0]["files"] == [{"filename": "permission-slip.pdf", "url": str(slip)}]
    async with db.read() as session:
        signup = (await session.scalars(select(Signup))).one()
    assert signup.organiser_member_id is None and signup.files[0]["filename"] == "permission-slip.pdf"


async def test_a_file_the_platform_no_longer_has_is_not_kept_nor_linked(db: Database, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    slip = permission_slip(tmp_path)

    def gone(file: FileRef) -> Attachment:
        raise FileUnavailable(file, "deleted")

    monkeypatch.setattr(console_adapter, "fetch", gone)
    async with console_session(db) as s:
        await s.run(f"{ORGANISER}\n{FIELD_TRIP} attach:{slip}\nas Ana\nreact #1 🚌")
        assert "Sign-up #1 is posted, but without permission-slip.pdf" in s.find("only Ms Lee")[-1].text
        assert "Attached" not in s.last("DM → Ana").text
    async with db.read() as session:
        signup = (await session.scalars(select(Signup))).one()
    assert signup.files == []
