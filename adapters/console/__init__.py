"""The console adapter: the embedded default (no tokens, no network) and the in-memory
adapter every test layer drives.

Names are loaded on first use, so the command line can find this package (and its ``cli``
module) without importing the core.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

#: needs no tokens and no network: the adapter chosen when no platform is configured
EMBEDDED = True

if TYPE_CHECKING:
    from adapters.console.adapter import ConsoleAdapter, Entry, Person, ScriptError, advance_clock
    from adapters.console.harness import ConsoleSession, console_session
    from bot.api.engine import Engine

_LAZY = {
    "ConsoleAdapter": "adapters.console.adapter",
    "Entry": "adapters.console.adapter",
    "Person": "adapters.console.adapter",
    "ScriptError": "adapters.console.adapter",
    "advance_clock": "adapters.console.adapter",
    "ConsoleSession": "adapters.console.harness",
    "console_session": "adapters.console.harness",
}


def create(core: Engine) -> ConsoleAdapter:
    from adapters.console.adapter import ConsoleAdapter
    from adapters.console.files import files_dir

    return ConsoleAdapter(core, files_dir=files_dir(core.config.section("console")))


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["ConsoleAdapter", "ConsoleSession", "Entry", "Person", "ScriptError", "advance_clock",
           "console_session", "create"]
