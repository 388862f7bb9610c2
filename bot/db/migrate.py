"""Alembic, driven from code: ``homeroom db upgrade|downgrade|current|history`` and
``homeroom run`` apply or inspect the migrations that ship inside the package, on SQLite or
PostgreSQL.

Alembic is imported inside the functions: a database already at the newest revision is
recognised by reading ``alembic_version`` and the revision ids written in the migration
files, so an ordinary start does not load Alembic at all.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from bot.db.engine import Database

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig
    from sqlalchemy.engine import Connection

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
VERSIONS_DIR = MIGRATIONS_DIR / "versions"
VERSION_TABLE = "alembic_version"

_REVISION = re.compile(r"^revision(?::[^=]+)?\s*=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)
_DOWN = re.compile(r"^down_revision(?::[^=]+)?\s*=\s*(None|['\"]([^'\"]+)['\"])", re.MULTILINE)


class MigrationError(Exception):
    """A migration command that cannot go ahead, said in one line (an unknown revision...)."""


def alembic_config(url: str | None = None) -> AlembicConfig:
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url:
        cfg.set_main_option("sqlalchemy.url", url)
    return cfg


def head_revision() -> str | None:
    """The newest revision, as Alembic computes it."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


@cache
def shipped_head() -> str | None:
    """The newest revision read straight from the migration files (no Alembic import): the one
    revision no other file names as its ``down_revision``. None when that is not exactly one
    (a branch), so callers fall back to Alembic."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in VERSIONS_DIR.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        found = _REVISION.search(source)
        if found is None:
            continue
        revisions.add(found.group(1))
        down = _DOWN.search(source)
        if down is not None and down.group(2):
            parents.add(down.group(2))
    heads = revisions - parents
    return next(iter(heads)) if len(heads) == 1 else None


async def current_revision(db: Database) -> str | None:
    """The revision recorded in the database, or None for a database Alembic never touched."""
    async with db.engine.connect() as conn:
        try:
            rows = (await conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}"))).all()
        except DBAPIError as exc:
            if _is_missing_table(exc):
                return None
            raise
    return str(rows[0][0]) if len(rows) == 1 else None


def _is_missing_table(exc: DBAPIError) -> bool:
    message = str(exc.orig).lower()
    return ("no such table" in message or "does not exist" in message
            or "undefinedtable" in type(exc.orig).__name__.lower())


async def is_current(db: Database) -> bool:
    """Whether the database is at the newest shipped revision (no Alembic import)."""
    head = shipped_head()
    return head is not None and await current_revision(db) == head


def _run_on(db: Database, action: Any) -> Any:
    async def go() -> None:
        cfg = alembic_config(db.url)

        def _run(connection: Connection) -> None:
            cfg.attributes["connection"] = connection
            try:
                action(cfg)
            except Exception as exc:
                _raise_one_line(exc)

        async with db.engine.begin() as conn:
            await conn.run_sync(_run)

    return go()


def _raise_one_line(exc: Exception) -> None:
    from alembic.util import CommandError

    if isinstance(exc, CommandError):
        message = str(exc)
        if "Can't locate revision" in message:
            message += (" (the database was migrated by a newer Homeroom: run that release's "
                        "`homeroom db downgrade REV`, or install the newer release)")
        raise MigrationError(message) from None
    raise exc


async def upgrade(db: Database, revision: str = "head") -> None:
    """Apply migrations up to ``revision`` on the database's own engine; a database already
    at the newest revision is left alone without loading Alembic."""
    if revision == "head" and await is_current(db):
        return
    from alembic import command

    await _run_on(db, lambda cfg: command.upgrade(cfg, revision))


async def downgrade(db: Database, revision: str) -> None:
    """Undo migrations down to ``revision`` (a revision id, ``-1``, or ``base``)."""
    from alembic import command

    await _run_on(db, lambda cfg: command.downgrade(cfg, revision))


def history() -> list[str]:
    """Every shipped revision, newest first, one line each (``id (head): message``)."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    heads = set(script.get_heads())
    lines = []
    for rev in script.walk_revisions():
        mark = " (head)" if rev.revision in heads else ""
        lines.append(f"{rev.down_revision or '<base>'} -> {rev.revision}{mark}: {rev.doc}")
    return lines
