"""How ``homeroom run`` drives the console: a script's lines, or the interactive prompt.

A script gets a database of its own (a temporary SQLite file, removed at the end) unless
the configuration names one: the documented demo then plays the same week every time,
whatever an interactive session left in ./homeroom.db. The delivery journal goes with that
database (it records delivery keys of that database's rows), so it stays in memory too.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.config import Config


@contextlib.contextmanager
def script_config(config: Config) -> Iterator[Config]:
    """``config`` for a script run: as given when ``[database] url`` is set, otherwise with a
    throwaway SQLite database and an in-memory journal (files still go where they would)."""
    if "url" in config.database.model_fields_set:
        yield config
        return
    from adapters.console.files import files_dir

    with tempfile.TemporaryDirectory(prefix="homeroom-script-") as folder:
        database = config.database.model_copy(update={"url": f"sqlite+aiosqlite:///{Path(folder) / 'script.db'}"})
        settings = config.section("console")
        console = settings.model_copy(update={"journal_file": "", "files_dir": str(files_dir(settings))})
        yield config.model_copy(update={"database": database}).with_section("console", console)


async def run_embedded(console: Any, lines: list[str] | None) -> int:
    """Run ``lines`` as a script, or the interactive prompt when there are none (None)."""
    from adapters.console.runner import run_interactive, run_script

    if lines is None:
        return await run_interactive(console, console.core.config.section("console").history_file)
    return await run_script(console, lines)
