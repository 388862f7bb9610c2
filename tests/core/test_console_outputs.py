"""What the console leaves for a person: sent files written where they can be opened, a
scripted demo that plays the same every time, and expected conditions said once in words."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest

from adapters.console import console_session
from adapters.console.cli import script_config
from adapters.console.config import Section as ConsoleSection
from adapters.console.files import SAMPLES, files_dir, safe_name, shared_file
from adapters.console.notes import CONDITIONS, ExpectedConditions
from bot.config import parse_config
from bot.db.engine import Database

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "docs" / "scripts" / "demo.txt"
OFFLINE = '[translation]\nprovider = "libre"\nlibre_url = "http://127.0.0.1:9"\n'


@pytest.mark.onboarding  # the script reads as documented, welcomes included
async def test_a_sent_file_is_written_to_the_folder_and_its_path_printed(db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "files"
    async with console_session(db, files_dir=folder) as s:
        await s.run('as Ms Lee role=teacher\n/signup create title:"Zoo" slots:"🚌 Driver x2"\nas Ana\nreact #1 🚌\n'
                    "as Ms Lee\n/signup roster id:1")
    written = folder / "signup-1-roster.csv"
    assert written.read_bytes() == s.find("DM → Ms Lee")[-1].files[0].content
    assert f"    (saved as {written})" in s.lines


def test_a_demo_attaches_the_shipped_permission_slip_by_name_from_any_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    slip = shared_file("permission-slip.pdf")
    assert slip is not None and slip.filename == "permission-slip.pdf" and slip.content_type == "application/pdf"
    assert Path(slip.url) == SAMPLES / "permission-slip.pdf"  # a link the reader can open
    assert Path(slip.url).read_bytes().startswith(b"%PDF-1.4") and slip.size == Path(slip.url).stat().st_size


def test_a_file_of_that_name_where_the_script_runs_wins_over_the_sample(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    ours = b"%PDF-1.7\nours\n%%EOF\n"
    (tmp_path / "permission-slip.pdf").write_bytes(ours)
    slip = shared_file("permission-slip.pdf")
    assert slip is not None and slip.url == "permission-slip.pdf" and slip.size == len(ours)
    assert shared_file("elsewhere/permission-slip.pdf") is None  # a path is never taken for the sample


def test_a_file_name_cannot_leave_the_folder() -> None:
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("..\\..\\boot.ini") == "boot.ini"
    assert safe_name(".bashrc") == "file-bashrc"


def test_files_go_to_the_configured_folder_else_beside_the_journal_else_homeroom_files() -> None:
    assert files_dir(ConsoleSection(files_dir="out/files")) == Path("out/files")
    assert files_dir(ConsoleSection(journal_file="/var/lib/homeroom/journal.jsonl")) == Path(
        "/var/lib/homeroom/homeroom-files")
    assert files_dir(ConsoleSection()) == Path("homeroom-files")


def test_a_script_gets_its_own_database_unless_one_is_configured() -> None:
    configured = parse_config({"database": {"url": "sqlite+aiosqlite:///./mine.db"},
                               "console": {"journal_file": "j.jsonl"}})
    with script_config(configured) as kept:
        assert kept is configured
    default = parse_config({"console": {"journal_file": "state/j.jsonl"}})
    with script_config(default) as own:
        assert own.database.url.endswith("/script.db") and own.database.url != default.database.url
        assert Path(own.database.url.removeprefix("sqlite+aiosqlite:///")).parent.is_dir()
        assert own.section("console").journal_file == ""  # the journal belongs to the database it describes
        assert own.section("console").files_dir == str(Path("state/homeroom-files"))
    assert not Path(own.database.url.removeprefix("sqlite+aiosqlite:///")).parent.exists()


def test_an_expected_condition_is_said_once_and_its_warnings_kept_out_of_the_way() -> None:
    said: list[str] = []
    seen: list[logging.LogRecord] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record)

    handler = Collect()
    handler.addFilter(ExpectedConditions(said.append))
    logger = logging.getLogger("bot.translation.service")
    other = logging.getLogger("bot.runtime.jobs")
    logger.addHandler(handler)
    other.addHandler(handler)
    try:
        for _ in range(3):
            logger.warning("translation via %s to %s failed: %s", "libre", "es", "ConnectionError")
        other.warning("something else")
    finally:
        logger.removeHandler(handler)
        other.removeHandler(handler)
    assert said == [CONDITIONS["bot.translation"]]
    assert [r.getMessage() for r in seen] == ["something else"]


def _demo(cwd: Path, config: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", "--config", str(config), "run", "--script", str(DEMO),
                           "--start", "2026-09-07T12:00:00+00:00"], capture_output=True, text=True, timeout=180,
                          cwd=cwd)


def test_the_demo_plays_the_same_after_an_interactive_session_left_its_database(tmp_path: Path) -> None:
    config = tmp_path / "homeroom.toml"
    config.write_text(OFFLINE, encoding="utf-8")
    first = _demo(tmp_path, config)
    # what an interactive session leaves behind: people and posts in ./homeroom.db
    session = tmp_path / "session.toml"
    session.write_text(f'[database]\nurl = "sqlite+aiosqlite:///{tmp_path / "homeroom.db"}"\n' + OFFLINE,
                       encoding="utf-8")
    lines = tmp_path / "session.txt"
    lines.write_text('as Ms Rivera role=teacher\n/announce text:"Earlier test"\nas Maria lang=es\n', encoding="utf-8")
    played = subprocess.run([sys.executable, "-m", "bot", "--config", str(session), "run", "--script", str(lines)],
                            capture_output=True, text=True, timeout=180, cwd=tmp_path)
    assert played.returncode == 0, played.stderr
    second = _demo(tmp_path, config)
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    assert second.stdout == first.stdout
    assert "Earlier test" not in second.stdout
    assert first.stdout.count(CONDITIONS["bot.translation"]) == 1
    assert "WARNING" not in first.stderr and "Traceback" not in first.stderr
    assert "    (saved as homeroom-files/signup-1-roster.csv)" in first.stdout.splitlines()
    assert (tmp_path / "homeroom-files" / "signup-1-roster.csv").is_file()
