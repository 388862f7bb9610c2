"""How ``homeroom run`` drives the console: a script's lines, or the interactive prompt."""

from __future__ import annotations

from typing import Any


async def run_console(console: Any, lines: list[str] | None, history_file: str) -> int:
    """Run ``lines`` as a script, or the interactive prompt when there are none (None)."""
    from adapters.console.runner import run_interactive, run_script

    if lines is None:
        return await run_interactive(console, history_file)
    return await run_script(console, lines)
