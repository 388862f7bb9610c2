"""Shared set-up for the benchmarks that post an announcement to many families through the
real announcements cog and delivery service, on the console adapter (the platform fake that
records every DM it delivers)."""

from __future__ import annotations

import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert

from adapters.console import ConsoleSession, Person, console_session
from bot.api.refs import UserRef
from bot.db.engine import Database
from bot.db.models import Member

LANGUAGES = ("es", "vi", "ar", "zh-CN", "so", "fr", "pt", "ko", "ru", "tl")
#: a Monday morning in the shipped time zone (outside the shipped quiet hours)
START = datetime(2026, 9, 7, 14, 0, tzinfo=UTC)
TEXT = "Early pickup on Friday at 12:30. Please plan ahead, and thank you!"


@dataclass
class Room:
    session: ConsoleSession
    families: int
    posted: int = 0

    async def announce(self) -> tuple[float, float]:
        """Post one announcement and deliver it to every family; (process CPU s, wall s)."""
        self.posted += 1
        before = sum(1 for e in self.session.entries if e.where.startswith("DM → Family"))
        cpu, wall = time.process_time(), time.perf_counter()
        await self.session.run(f'as Ms Lee\n/announce text:"{TEXT} ({self.posted})"')
        await self.session.core.settle()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        delivered = sum(1 for e in self.session.entries if e.where.startswith("DM → Family")) - before
        if delivered != self.families:
            raise SystemExit(f"{delivered} DMs delivered to {self.families} families: the benchmark measured nothing")
        return cpu, wall


@asynccontextmanager
async def room(families: int, translator: object | None = None, db: Database | None = None) -> AsyncIterator[Room]:
    """A class with a teacher and ``families`` families who chose DMs, in ten languages.

    ``db``: the database the translator caches in, as in a running bot (one database for
    everything); a temporary one when not given."""
    with tempfile.TemporaryDirectory() as tmp:
        own = db is None
        if db is None:
            db = Database(f"sqlite+aiosqlite:///{Path(tmp) / 'room.db'}")
            await db.create_all()
        async with console_session(db, start=START, translator=translator) as s:  # type: ignore[arg-type]
            await s.run("as Ms Lee role=teacher")
            community = await s.core.ensure_community(s.console.community)
            rows = []
            for n in range(families):
                user = UserRef("console", f"family-{n}")
                s.console.people[f"family {n}"] = Person(user=user, name=f"Family {n}")
                rows.append({"community_id": community.id, "user_id": user.id, "display_name": f"Family {n}",
                             "language": LANGUAGES[n % len(LANGUAGES)], "delivery": "dm"})
            async with db.write() as session:
                await session.execute(insert(Member), rows)
            s.entries.clear()
            yield Room(s, families)
        if own:
            await db.dispose()
