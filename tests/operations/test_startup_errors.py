"""Every start-up failure an operator can fix is one line on standard error and exit code 2:
no traceback, no password, and the line says what to do."""

from __future__ import annotations

import socket
import sqlite3
from pathlib import Path

import pytest

from tests.operations.run import Result, homeroom, write_config

SCRIPT = "as Maria lang=es\n"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _assert_one_line_exit_2(result: Result) -> str:
    assert result.returncode == 2, result.stderr
    assert len(result.stderr_lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return result.stderr_lines[0]


def _run_script(tmp_path: Path, config: Path, *extra: str) -> Result:
    script = tmp_path / "one.txt"
    script.write_text(SCRIPT, encoding="utf-8")
    return homeroom(["--config", str(config), "run", *extra, "--script", str(script)], cwd=tmp_path)


def test_sqlite_file_in_a_missing_folder_is_one_line_on_run(tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such" / "folder"
    config = write_config(tmp_path, f'[database]\nurl = "sqlite+aiosqlite:///{missing / "h.db"}"\n')
    line = _assert_one_line_exit_2(_run_script(tmp_path, config))
    assert str(missing) in line and "does not exist" in line


@pytest.mark.parametrize("task", [["upgrade"], ["current"], ["downgrade", "base"]])
def test_sqlite_file_in_a_missing_folder_is_one_line_on_db_commands(tmp_path: Path, task: list[str]) -> None:
    missing = tmp_path / "absent"
    config = write_config(tmp_path, f'[database]\nurl = "sqlite+aiosqlite:///{missing / "h.db"}"\n')
    line = _assert_one_line_exit_2(homeroom(["--config", str(config), "db", *task], cwd=tmp_path))
    assert "does not exist" in line


def test_postgresql_that_refuses_connections_is_one_line_without_the_password(tmp_path: Path) -> None:
    port = _closed_port()
    config = write_config(tmp_path, f'[database]\nurl = "postgresql+asyncpg://homeroom:s3cret-pw@127.0.0.1:{port}/h"\n')
    for result in (_run_script(tmp_path, config), homeroom(["--config", str(config), "db", "upgrade"], cwd=tmp_path)):
        line = _assert_one_line_exit_2(result)
        assert "connection refused" in line
        assert "s3cret-pw" not in result.stderr
        assert f"127.0.0.1:{port}" in line


def test_postgresql_host_that_does_not_resolve_is_one_line(tmp_path: Path) -> None:
    config = write_config(tmp_path, '[database]\nurl = "postgresql+asyncpg://u:pw@no-such-host.invalid:5432/h"\n')
    line = _assert_one_line_exit_2(homeroom(["--config", str(config), "db", "current"], cwd=tmp_path))
    assert "does not resolve" in line


@pytest.mark.postgres
def test_postgresql_database_that_does_not_exist_is_one_line(tmp_path: Path, pg_database_url: str) -> None:
    from sqlalchemy.engine import make_url

    url = make_url(pg_database_url).set(database="homeroom_no_such_database")
    config = write_config(tmp_path, f'[database]\nurl = "{url.render_as_string(hide_password=False)}"\n')
    line = _assert_one_line_exit_2(_run_script(tmp_path, config))
    assert "does not exist" in line and "createdb" in line


def test_migrations_behind_with_no_migrate_name_the_command_to_run(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    assert homeroom(["--config", str(config), "db", "upgrade", "0001"], cwd=tmp_path).returncode == 0
    line = _assert_one_line_exit_2(_run_script(tmp_path, config, "--no-migrate"))
    assert "at revision 0001" in line and "homeroom db upgrade" in line


def test_an_empty_database_with_no_migrate_names_the_command_to_run(tmp_path: Path) -> None:
    line = _assert_one_line_exit_2(_run_script(tmp_path, write_config(tmp_path), "--no-migrate"))
    assert "homeroom db upgrade" in line


def test_a_database_migrated_by_a_newer_release_is_one_line(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    assert homeroom(["--config", str(config), "db", "upgrade"], cwd=tmp_path).returncode == 0
    with sqlite3.connect(tmp_path / "homeroom.db") as conn:
        conn.execute("DELETE FROM alembic_version")  # one row per branch head: a newer release's one head
        conn.execute("INSERT INTO alembic_version (version_num) VALUES ('9999')")
    line = _assert_one_line_exit_2(_run_script(tmp_path, config))
    assert "9999" in line and "newer" in line


@pytest.mark.parametrize(("section", "key", "value"), [
    ("translation", "libre_url", "localhost:5000"),
    ("translation", "libre_url", "ftp://libre.example.org"),
    ("slack", "public_url", "homeroom.example.org"),
    ("slack", "public_url", "https://"),
])
def test_a_url_without_scheme_or_host_is_one_config_line(tmp_path: Path, section: str, key: str, value: str) -> None:
    config = write_config(tmp_path, f'[{section}]\n{key} = "{value}"\n')
    line = _assert_one_line_exit_2(_run_script(tmp_path, config))
    assert line.startswith(f"homeroom: configuration error: {section}.{key}: expected an http:// or https:// URL")
    assert repr(value) in line


def test_two_adapters_declaring_themselves_embedded_stop_the_command_line_in_one_line(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import types

    from bot import discovery
    from bot.cli import main

    packages = {name: types.SimpleNamespace(EMBEDDED=True) for name in ("console", "discord")}
    monkeypatch.setattr(discovery, "adapter_module", lambda name: packages.get(name, types.SimpleNamespace()))
    discovery.embedded_adapter.cache_clear()
    try:
        assert main(["--version"]) == 2
    finally:
        discovery.embedded_adapter.cache_clear()
    err = capsys.readouterr().err
    assert err == ("homeroom: adapters console, discord: each declares EMBEDDED = True; only one adapter may be "
                   "the one chosen when no platform is configured\n")
