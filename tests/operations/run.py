"""Run ``homeroom`` the way an operator does: a fresh Python process, its exit code and what
it printed. An optional prelude runs first in that process (to point an SDK at a local fake
server) — the command line itself is the real one."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from bot.config import Secrets

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Result:
    returncode: int
    stdout: str
    stderr: str

    @property
    def stderr_lines(self) -> list[str]:
        return self.stderr.splitlines()


def write_config(folder: Path, text: str = "") -> Path:
    """A configuration whose SQLite file lives in ``folder`` unless ``text`` sets [database]."""
    config = folder / "homeroom.toml"
    if "[database]" not in text:
        text = f'[database]\nurl = "sqlite+aiosqlite:///{folder / "homeroom.db"}"\n' + text
    config.write_text(text, encoding="utf-8")
    return config


def homeroom(args: list[str], *, cwd: Path, prelude: str = "", env: dict[str, str] | None = None,
             stdin: str | None = None, timeout: float = 120) -> Result:
    code = f"{prelude}\nimport sys\nfrom bot.cli import main\nsys.exit(main(sys.argv[1:]))\n"
    environ = {k: v for k, v in os.environ.items() if k not in Secrets.environment().values()}
    environ.pop("HOMEROOM_CONFIG", None)
    environ.update(env or {})
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=cwd,
                          env=environ, input=stdin, timeout=timeout, check=False)
    return Result(done.returncode, done.stdout, done.stderr)

