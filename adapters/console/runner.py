"""Running the console: a script (file or standard input) or an interactive prompt."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import Any

from adapters.console.adapter import ConsoleAdapter, ScriptError
from adapters.console.notes import expected_conditions
from bot.api.commands import CommandSyntaxError


async def run_script(console: ConsoleAdapter, lines: Iterable[str], *, err=None) -> int:
    """Run lines in order. A bad line stops with exit code 1 and its line number; at the end
    the bot finishes due work and the exit code is 0."""
    err = err or sys.stderr
    with expected_conditions(console.out):
        for number, line in enumerate(lines, start=1):
            try:
                await console.execute(line.rstrip("\n"))
            except (ScriptError, CommandSyntaxError) as exc:
                print(f"line {number}: {exc}", file=err)
                return 1
        await console.core.settle()
    return 0


async def run_interactive(console: ConsoleAdapter, history_file: str = "") -> int:
    """A prompt with line editing and history (prompt_toolkit). Ctrl-D or ``quit`` ends."""
    from prompt_toolkit import PromptSession
    from prompt_toolkit.history import FileHistory, InMemoryHistory

    history = FileHistory(history_file) if history_file else InMemoryHistory()
    session: PromptSession[str] = PromptSession(history=history)
    console.out("Homeroom console. Start with: as Ms Rivera role=teacher   (quit or Ctrl-D to leave)")
    with expected_conditions(console.out):
        await _prompt_loop(console, session)
    await console.core.settle()
    return 0


async def _prompt_loop(console: ConsoleAdapter, session: Any) -> None:
    while True:
        who = console.current.name if console.current else "nobody"
        try:
            line = await session.prompt_async(f"{who}> ")
        except (EOFError, KeyboardInterrupt):
            break
        if line.strip() in ("quit", "exit"):
            break
        try:
            await console.execute(line)
        except (ScriptError, CommandSyntaxError) as exc:
            console.out(f"! {exc}")
