"""The console adapter: the embedded default (no tokens, no network) and the in-memory
adapter every test layer drives."""

from adapters.console.adapter import ConsoleAdapter, Entry, Person, ScriptError, advance_clock
from adapters.console.harness import ConsoleSession, console_session
from bot.core import Core


def create(core: Core) -> ConsoleAdapter:
    return ConsoleAdapter(core)


__all__ = ["ConsoleAdapter", "ConsoleSession", "Entry", "Person", "ScriptError", "advance_clock",
           "console_session", "create"]
