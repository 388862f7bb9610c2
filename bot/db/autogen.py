"""Developer tool: regenerate the initial migration from the models (before the first
release only; after a release, add new revisions with ``alembic revision --autogenerate``).

    python -m bot.db.autogen
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from alembic import command

from bot.db.engine import Database
from bot.db.migrate import MIGRATIONS_DIR, alembic_config


async def _generate() -> None:
    versions = MIGRATIONS_DIR / "versions"
    for old in versions.glob("*_initial_schema.py"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite+aiosqlite:///{Path(tmp) / 'empty.db'}")
        cfg = alembic_config(db.url)

        def _run(connection: object) -> None:
            cfg.attributes["connection"] = connection
            command.revision(cfg, message="initial schema", autogenerate=True, rev_id="0001")

        async with db.engine.begin() as conn:
            await conn.run_sync(_run)
        await db.dispose()
    for generated in versions.glob("*_initial_schema.py"):
        text = generated.read_text(encoding="utf-8").replace("astext_type=Text()", "astext_type=sa.Text()")
        generated.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    asyncio.run(_generate())
