"""Features are found, not listed: a folder under cogs/ (or a package a deployment installs,
through the ``homeroom.cogs`` entry-point group) is a feature with its own commands,
configuration section and migrations, and a broken one stops the start in one line naming it."""

from __future__ import annotations

import textwrap
from pathlib import Path

from bot.app import build_core
from bot.config import Config, Secrets, parse_config
from bot.discovery import cog_names
from tests.operations.run import Result, homeroom, write_config

HELLO_COG = '''
from bot.api.cog import Cog, command
from bot.runtime.core import Context, Core


class HelloCog(Cog):
    name = "hello"

    @command("hello", "Say hello")
    async def hello(self, ctx: Context) -> None:
        await ctx.reply("Hello from a deployment's own feature ({greeting}).",
                        greeting=ctx.core.config.section("hello").greeting)


def setup(core: Core) -> HelloCog:
    return HelloCog(core)
'''

HELLO_CONFIG = '''
from pydantic import BaseModel, ConfigDict


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    greeting: str = "hi"
    times: int = 1
'''

HELLO_MODELS = '''
from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base


class Greeting(Base):
    __tablename__ = "hello_greetings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(String(100))
'''

HELLO_MIGRATION = '''
"""hello: greetings

Revision ID: 0001_hello
Revises:
Depends on: {core_head}
"""
import sqlalchemy as sa
from alembic import op

revision = "0001_hello"
down_revision = None
branch_labels = ("hello",)
depends_on = "{core_head}"


def upgrade() -> None:
    op.create_table("hello_greetings", sa.Column("id", sa.Integer(), primary_key=True),
                    sa.Column("text", sa.String(100), nullable=False))


def downgrade() -> None:
    op.drop_table("hello_greetings")
'''


def _deployment(tmp_path: Path, files: dict[str, str]) -> Path:
    """A deployment's own package ``school_extras`` (as pip would install it: the modules and
    a dist-info folder whose entry points name each feature) holding the given files."""
    root = tmp_path / "extra"
    features = sorted({name.split("/")[0] for name in files})
    for name, text in files.items():
        path = root / "school_extras" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    (root / "school_extras" / "__init__.py").write_text("", encoding="utf-8")
    info = root / "school_extras-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: school-extras\nVersion: 0.1\n", encoding="utf-8")
    points = "".join(f"{name} = school_extras.{name}\n" for name in features)
    (info / "entry_points.txt").write_text(f"[homeroom.cogs]\n{points}", encoding="utf-8")
    return root


def _run(tmp_path: Path, extra: Path, script: str, config_text: str = "", *args: str) -> Result:
    config = write_config(tmp_path, config_text)
    return homeroom(["--config", str(config), *(args or ("run", "--script", "-"))], cwd=tmp_path,
                    env={"PYTHONPATH": str(extra)}, stdin=script)


def _one_line_exit_2(result: Result) -> str:
    assert result.returncode == 2, result.stderr
    assert len(result.stderr_lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return result.stderr_lines[0]


def test_every_folder_under_cogs_is_loaded_without_a_list() -> None:
    import sys

    core = build_core(Config(), secrets=Secrets())
    loaded = {type(cog).__module__.split(".")[1] for cog in core.cogs if type(cog).__module__.startswith("cogs.")}
    assert all(f"cogs.{name}" in sys.modules for name in cog_names())  # each one's setup ran
    assert loaded <= set(cog_names())
    assert {"announcements", "signups", "relay", "homework"} <= loaded  # (a package of tables only adds no cog)


def test_a_switched_off_cog_has_no_commands() -> None:
    on = build_core(Config(), secrets=Secrets())
    off = build_core(parse_config({"cogs": {"disabled": ["committee"]}}), secrets=Secrets())
    assert "poll" in on.commands
    assert "poll" not in off.commands
    assert not any(type(cog).__module__.startswith("cogs.committee") for cog in off.cogs)


def test_a_switched_off_cog_is_absent_from_help(tmp_path: Path) -> None:
    result = _run(tmp_path, tmp_path, "as Ana role=teacher\n/help\n", '[cogs]\ndisabled = ["committee"]\n')
    assert result.returncode == 0, result.stderr
    assert "/announce" in result.stdout
    assert "/poll" not in result.stdout


def test_an_installed_packages_cog_is_found_by_its_entry_point(tmp_path: Path) -> None:
    extra = _deployment(tmp_path, {"hello/__init__.py": HELLO_COG, "hello/config.py": HELLO_CONFIG})
    result = _run(tmp_path, extra, "as Ana role=teacher\n/hello\n", '[hello]\ngreeting = "good morning"\n')
    assert result.returncode == 0, result.stderr
    assert "Hello from a deployment's own feature (good morning)." in result.stdout


def test_a_cog_config_section_with_a_wrong_value_stops_start_up_in_one_line(tmp_path: Path) -> None:
    extra = _deployment(tmp_path, {"hello/__init__.py": HELLO_COG, "hello/config.py": HELLO_CONFIG})
    line = _one_line_exit_2(_run(tmp_path, extra, "", '[hello]\ntimes = "often"\n'))
    assert "configuration error: hello.times: expected a valid integer" in line


def test_an_unknown_key_in_a_cog_section_is_named_with_a_suggestion(tmp_path: Path) -> None:
    extra = _deployment(tmp_path, {"hello/__init__.py": HELLO_COG, "hello/config.py": HELLO_CONFIG})
    line = _one_line_exit_2(_run(tmp_path, extra, "", '[hello]\ngreetin = "x"\n'))
    assert "hello.greetin: unknown key (did you mean 'greeting'?)" in line


def test_a_cog_declaring_an_adapters_section_stops_start_up_in_one_line(tmp_path: Path) -> None:
    extra = _deployment(tmp_path, {"slack/__init__.py": HELLO_COG, "slack/config.py": HELLO_CONFIG})
    line = _one_line_exit_2(_run(tmp_path, extra, ""))
    assert "[slack]: declared by both the adapter and the cog called slack; rename one of them" in line


def test_a_cog_without_setup_stops_start_up_in_one_line(tmp_path: Path) -> None:
    extra = _deployment(tmp_path, {"broken/__init__.py": '"""A feature with no setup."""\n'})
    line = _one_line_exit_2(_run(tmp_path, extra, ""))
    assert "school_extras.broken: a cog module must define setup(core)" in line


def test_two_cogs_declaring_one_command_stop_start_up_in_one_line(tmp_path: Path) -> None:
    twin = HELLO_COG.replace('@command("hello"', '@command("announce"')
    extra = _deployment(tmp_path, {"twin/__init__.py": twin})
    line = _one_line_exit_2(_run(tmp_path, extra, ""))
    assert "school_extras.twin: two cogs declare the command /announce" in line


def test_a_cogs_migrations_are_a_branch_applied_with_the_core(tmp_path: Path) -> None:
    from bot.db.migrate import head_revision, shipped_heads

    migration = HELLO_MIGRATION.replace("{core_head}", head_revision() or "")
    extra = _deployment(tmp_path, {"hello/__init__.py": HELLO_COG, "hello/config.py": HELLO_CONFIG,
                                   "hello/models.py": HELLO_MODELS,
                                   "hello/migrations/0001_hello.py": migration})
    upgraded = _run(tmp_path, extra, "", "", "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    expected = sorted({*shipped_heads(), "0001_hello"})
    assert upgraded.stdout.strip() == f"database at revision {', '.join(expected)}"
    health = _run(tmp_path, extra, "", "", "health")
    assert health.returncode == 0, health.stderr
    current = _run(tmp_path, extra, "", "", "db", "current")
    assert current.stdout.strip().endswith("(the newest)")


def test_a_database_without_a_cogs_migration_is_reported_behind(tmp_path: Path) -> None:
    from bot.db.migrate import head_revision

    config = write_config(tmp_path)
    homeroom(["--config", str(config), "db", "upgrade"], cwd=tmp_path)
    migration = HELLO_MIGRATION.replace("{core_head}", head_revision() or "")
    extra = _deployment(tmp_path, {"hello/__init__.py": HELLO_COG, "hello/models.py": HELLO_MODELS,
                                   "hello/migrations/0001_hello.py": migration})
    line = _one_line_exit_2(_run(tmp_path, extra, "", "", "run", "--no-migrate", "--script", "-"))
    assert "0001_hello" in line and "homeroom db upgrade" in line
