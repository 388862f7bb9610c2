"""Start-up cost: a command loads only what it uses. Measured in a fresh process, where
``sys.modules`` tells exactly what was imported."""

from __future__ import annotations

import json
from pathlib import Path

from tests.operations.run import homeroom, write_config

PLATFORM_SDKS = ("discord", "slack_bolt", "slack_sdk")
REPORT = """
import atexit, json, sys
def _report():
    names = sorted({m.split('.')[0] for m in sys.modules})
    sys.__stderr__.write('MODULES ' + json.dumps(names) + '\\n')
atexit.register(_report)
"""


def _imported(stderr: str) -> set[str]:
    line = next(line for line in stderr.splitlines() if line.startswith("MODULES "))
    return set(json.loads(line.removeprefix("MODULES ")))


def test_version_prints_the_package_version_and_imports_no_sdk_database_or_translation(tmp_path: Path) -> None:
    from bot import __version__

    result = homeroom(["--version"], cwd=tmp_path, prelude=REPORT)
    assert result.returncode == 0
    assert result.stdout.strip() == f"homeroom {__version__}"
    loaded = _imported(result.stderr)
    for heavy in (*PLATFORM_SDKS, "sqlalchemy", "alembic", "pydantic", "deep_translator", "dateparser", "babel"):
        assert heavy not in loaded, f"homeroom --version imported {heavy}"


def test_console_run_imports_no_platform_sdk(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    script = tmp_path / "one.txt"
    script.write_text("as Maria lang=es\n", encoding="utf-8")
    result = homeroom(["--config", str(config), "run", "--script", str(script)], cwd=tmp_path, prelude=REPORT)
    assert result.returncode == 0, result.stderr
    loaded = _imported(result.stderr)
    assert not loaded & set(PLATFORM_SDKS), f"the console path imported {loaded & set(PLATFORM_SDKS)}"


def test_console_run_on_a_migrated_database_does_not_load_alembic(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    assert homeroom(["--config", str(config), "db", "upgrade"], cwd=tmp_path).returncode == 0
    script = tmp_path / "one.txt"
    script.write_text("as Maria lang=es\n", encoding="utf-8")
    result = homeroom(["--config", str(config), "run", "--script", str(script)], cwd=tmp_path, prelude=REPORT)
    assert result.returncode == 0, result.stderr
    assert "alembic" not in _imported(result.stderr)


def test_help_lists_every_adapter_subcommand_without_importing_its_sdk(tmp_path: Path) -> None:
    result = homeroom(["--help"], cwd=tmp_path, prelude=REPORT)
    assert result.returncode == 0
    assert "discord" in result.stdout and "slack" in result.stdout
    assert not _imported(result.stderr) & set(PLATFORM_SDKS)


def test_console_run_that_translates_nothing_does_not_load_the_provider_stack(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    script = tmp_path / "one.txt"
    script.write_text("as Maria lang=es\n", encoding="utf-8")
    result = homeroom(["--config", str(config), "run", "--script", str(script)], cwd=tmp_path, prelude=REPORT)
    assert result.returncode == 0, result.stderr
    assert not _imported(result.stderr) & {"deep_translator", "requests", "bs4", "dateparser"}


def test_checking_platform_settings_imports_no_sdk(tmp_path: Path) -> None:
    """Each adapter's section and start-up requirements live in its config module, which loads
    no SDK: checking a Discord and Slack configuration loads neither."""
    config = write_config(tmp_path, '[discord]\ndm_per_minute = 30\n[slack]\nmode = "socket"\n')
    result = homeroom(["--config", str(config), "check-config", "--adapter", "all"], cwd=tmp_path, prelude=REPORT,
                      env={"DISCORD_TOKEN": "t", "SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"})
    assert result.returncode == 0, result.stderr
    assert "adapters: discord, slack" in result.stdout
    assert not _imported(result.stderr) & set(PLATFORM_SDKS)
