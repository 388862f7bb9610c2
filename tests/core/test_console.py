"""The console adapter end to end: scripts, the transcript, and errors with line numbers."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from adapters.console import ScriptError, console_session
from bot.api.roles import Role
from bot.db.engine import Database
from bot.db.models import Member

PROFILE = ("cogs.profile",)


async def test_profile_script_end_to_end(db: Database) -> None:
    async with console_session(db, cogs=PROFILE) as s:
        await s.run("""
as Ms Lee role=teacher
as Maria
/language español
/timezone Chicago
/quiet-hours 9pm-7am
/language klingon
as Ms Lee
/role user:Maria role:committee
""")
    texts = [(e.where, e.text) for e in s.entries]
    assert texts == [
        ("only Maria sees", "[es] Done! I will write to you in español."),
        ("only Maria sees", "[es] Your time zone is now America/Chicago (it is 07:00 there)."),
        ("only Maria sees", "[es] Quiet hours set: no direct messages from 21:00 to 07:00, except urgent ones."),
        ("only Maria sees", texts[3][1]),
        ("only Ms Lee sees", "Maria is now committee."),
        ("DM → Maria", "[es] Ms Lee gave you the [es] committee role in Homeroom. Your roles now: [es] committee."),
    ]
    assert texts[3][1].startswith("[es] I don't know the language \"klingon\". Did you mean:")


async def test_help_lists_only_what_a_family_may_use(db: Database) -> None:
    async with console_session(db, cogs=PROFILE) as s:
        await s.run("as Ana\n/help")
    help_text = s.last("only Ana sees").text
    assert "/language" in help_text
    assert "/role" not in help_text


async def test_family_cannot_give_roles(db: Database) -> None:
    async with console_session(db, cogs=PROFILE) as s:
        await s.run("as Ana\nas Ben\n/role user:Ana role:teacher")
    assert "only for teachers and admins" in s.last("only Ben sees").text


async def test_teacher_cannot_make_an_admin(db: Database) -> None:
    async with console_session(db, cogs=PROFILE) as s:
        await s.run("as Ana\nas Ms Lee role=teacher\n/role user:Ana role:admin")
    assert s.last("only Ms Lee sees").text == "Only an admin can make someone an admin."


async def test_unknown_message_number_is_a_script_error(sqlite_db: Database) -> None:
    async with console_session(sqlite_db, cogs=PROFILE) as s:
        with pytest.raises(ScriptError, match="there is no message #9"):
            await s.run("as Ana\nreact #9 🚌")


async def test_bad_line_stops_the_script_with_its_number(sqlite_db: Database,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    async with console_session(sqlite_db, cogs=PROFILE) as s:
        code = await s.run_script("as Ana\n/help\nfly to the moon\n/help")
    assert code == 1
    assert "line 3: unknown console command 'fly'" in capsys.readouterr().err
    assert len(s.find("only Ana sees")) == 1


async def test_advance_moves_the_clock(sqlite_db: Database) -> None:
    async with console_session(sqlite_db, cogs=PROFILE) as s:
        before = s.clock.now()
        await s.run("advance 1d2h")
    assert (s.clock.now() - before).total_seconds() == 26 * 3600


def test_cli_script_exits_1_with_line_number(tmp_path: Path) -> None:
    script = tmp_path / "bad.txt"
    script.write_text("as Ana\n/help\nreact #40 🚌\n", encoding="utf-8")
    config = tmp_path / "homeroom.toml"
    config.write_text(f'[database]\nurl = "sqlite+aiosqlite:///{tmp_path / "h.db"}"\n'
                      '[translation]\nprovider = "libre"\nlibre_url = "http://127.0.0.1:9"\n', encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "bot", "--config", str(config), "run", "--script", str(script)],
                            capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "line 3: there is no message #40" in result.stderr
    assert "Traceback" not in result.stderr
    assert "#1 [DM → Ana] **Welcome to Homeroom!**" in result.stdout  # a new family is welcomed first
    assert "#2 [only Ana sees]" in result.stdout


def test_the_documented_demo_script_runs_to_the_end(tmp_path: Path) -> None:
    demo = Path(__file__).resolve().parents[2] / "docs" / "scripts" / "demo.txt"
    config = tmp_path / "homeroom.toml"
    config.write_text(f'[database]\nurl = "sqlite+aiosqlite:///{tmp_path / "h.db"}"\n'
                      '[translation]\nprovider = "libre"\nlibre_url = "http://127.0.0.1:9"\n', encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "bot", "--config", str(config), "run", "--script", str(demo),
                             "--start", "2026-09-07T12:00:00+00:00"], capture_output=True, text=True, timeout=180,
                            cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "seen: 1 of 2 families" in result.stdout
    assert "(La traducción no está disponible ahora; abajo está el original.)" in result.stdout


async def test_giving_a_role_keeps_the_role_the_platform_gave(db: Database) -> None:
    async with console_session(db, cogs=PROFILE) as s:
        await s.run("as Lee role=teacher\nas Pat role=admin\n/role user:Lee role:committee")
        async with db.read() as session:
            lee = await session.scalar(select(Member).where(Member.display_name == "Lee"))
    assert lee is not None and (lee.granted_roles, lee.platform_roles) == ({Role.COMMITTEE}, {Role.TEACHER})
