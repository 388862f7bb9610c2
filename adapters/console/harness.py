"""A console community for tests and demos: a core on a given database with a manual clock,
the deterministic fake translator by default, and the transcript as data."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from adapters.console.adapter import ConsoleAdapter, Entry
from adapters.console.runner import run_script
from bot.app import DEFAULT_COGS, build_core
from bot.config import Config, Secrets
from bot.db.engine import Database
from bot.runtime.core import Core
from bot.testing import FakeTranslator
from bot.translation import Translator
from bot.util.clock import ManualClock

#: A Monday morning in term time, so scripts read naturally ("tomorrow 7:30am").
DEFAULT_START = datetime(2026, 9, 7, 12, 0, tzinfo=UTC)


@dataclass
class ConsoleSession:
    core: Core
    console: ConsoleAdapter
    lines: list[str]

    @property
    def clock(self) -> ManualClock:
        assert isinstance(self.core.clock, ManualClock)
        return self.core.clock

    @property
    def entries(self) -> list[Entry]:
        return self.console.entries

    async def run(self, script: str) -> None:
        """Run lines; a bad line raises (tests want to know)."""
        for line in script.strip().splitlines():
            await self.console.execute(line.strip())

    async def run_script(self, script: str) -> int:
        return await run_script(self.console, script.strip().splitlines())

    def transcript(self) -> str:
        return "\n".join(self.lines)

    def find(self, where: str | None = None, contains: str | None = None) -> list[Entry]:
        """Entries whose destination starts with ``where`` and whose text contains ``contains``."""
        return [e for e in self.entries
                if (where is None or e.where.startswith(where)) and (contains is None or contains in e.text)]

    def last(self, where: str | None = None) -> Entry:
        found = self.find(where)
        if not found:
            raise AssertionError(f"nothing was sent to {where!r}; transcript:\n{self.transcript()}")
        return found[-1]


@asynccontextmanager
async def console_session(
    db: Database,
    *,
    config: Config | None = None,
    cogs: tuple[str, ...] | None = DEFAULT_COGS,
    start: datetime = DEFAULT_START,
    translator: Translator | None = None,
    ready: bool = True,
    files_dir: Path | None = None,
    secrets: Secrets | None = None,
) -> AsyncIterator[ConsoleSession]:
    lines: list[str] = []
    core = build_core(config or Config(), secrets=secrets or Secrets(), db=db, clock=ManualClock(start),
                      translator=translator or FakeTranslator(), cogs=cogs)
    console = ConsoleAdapter(core, out=lines.append, files_dir=files_dir)
    await core.start()
    if ready:  # False lets a test restore platform state first (a restart)
        await core.platform_ready("console")
    yield ConsoleSession(core=core, console=console, lines=lines)
    await core.settle()
