"""Alembic, driven from code: ``homeroom db upgrade|downgrade|current|history`` and
``homeroom run`` apply or inspect the migrations that ship inside the package, on SQLite or
PostgreSQL.

The core's revisions live in ``bot/db/migrations/versions``; a cog keeps its own in
``cogs/<name>/migrations`` as a branch of its own: its first revision has no
``down_revision``, carries ``branch_labels = ("<name>",)`` and ``depends_on`` the core
revision its tables need. The history then has one head per branch, each recorded in
``alembic_version``, and every command works on all heads.

Alembic is imported inside the functions: a database already at the newest revisions is
recognised by reading ``alembic_version`` and the revision ids written in the migration
files, so an ordinary start does not load Alembic at all.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from bot.db.engine import Database
from bot.discovery import cog_migration_folders

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig
    from sqlalchemy.engine import Connection

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
VERSIONS_DIR = MIGRATIONS_DIR / "versions"
VERSION_TABLE = "alembic_version"

_REVISION = re.compile(r"^revision(?::[^=]+)?\s*=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)
_DOWN = re.compile(r"^down_revision(?::[^=]+)?\s*=\s*(.+)$", re.MULTILINE)
_DEPENDS = re.compile(r"^depends_on(?::[^=]+)?\s*=\s*(.+)$", re.MULTILINE)
_QUOTED = re.compile(r"['\"]([^'\"]+)['\"]")


class MigrationError(Exception):
    """A migration command that cannot go ahead, said in one line (an unknown revision...)."""


def alembic_config(url: str | None = None) -> AlembicConfig:
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option("version_locations", os.pathsep.join(str(p) for p in version_folders()))
    if url:
        cfg.set_main_option("sqlalchemy.url", url)
    return cfg


def version_folders() -> list[Path]:
    """The core's revisions, then each cog's own migrations folder."""
    return [VERSIONS_DIR, *cog_migration_folders()]


def describe(revisions: set[str] | frozenset[str]) -> str:
    """Revisions as one operator reads them: ``0004`` or ``0004, 0001_homework``."""
    return ", ".join(sorted(revisions)) if revisions else "base (empty)"


def head_revisions() -> frozenset[str]:
    """The newest revision of every branch, as Alembic computes them."""
    from alembic.script import ScriptDirectory

    return frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())


def head_revision() -> str | None:
    """The newest core revision (the branch every cog's branch starts from)."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    core = {rev.revision for rev in script.walk_revisions()
            if Path(rev.path).parent == VERSIONS_DIR}
    heads = [head for head in script.get_heads() if head in core]
    return heads[0] if len(heads) == 1 else None


@dataclass(frozen=True)
class _Shipped:
    """One revision file as read without Alembic: its parents along its own branch
    (``down_revision``) and the revisions of other branches it needs (``depends_on``)."""

    down: tuple[str, ...]
    depends: tuple[str, ...]
    core: bool


def _names(value: str | None) -> tuple[str, ...]:
    return tuple(_QUOTED.findall(value)) if value else ()


@cache
def _shipped() -> dict[str, _Shipped]:
    graph: dict[str, _Shipped] = {}
    for folder in version_folders():
        for path in folder.glob("*.py"):
            source = path.read_text(encoding="utf-8")
            found = _REVISION.search(source)
            if found is None:
                continue
            down, depends = _DOWN.search(source), _DEPENDS.search(source)
            graph[found.group(1)] = _Shipped(_names(down and down.group(1)), _names(depends and depends.group(1)),
                                             core=folder == VERSIONS_DIR)
    return graph


def _branch_heads(applied: set[str]) -> frozenset[str]:
    """The newest of the given revisions on each branch (what an operator reads)."""
    graph = _shipped()
    parents = {down for rev in applied if rev in graph for down in graph[rev].down}
    return frozenset(applied - parents)


def _applied(recorded: set[str]) -> set[str]:
    """Every revision a database holds: those recorded and all they build on (Alembic records
    only the newest, counting a revision's ``depends_on`` as built on)."""
    graph, seen, todo = _shipped(), set(), list(recorded)
    while todo:
        rev = todo.pop()
        if rev in seen:
            continue
        seen.add(rev)
        if rev in graph:
            todo.extend(graph[rev].down + graph[rev].depends)
    return seen


def shipped_heads() -> frozenset[str]:
    """The newest revision of each branch read straight from the migration files (no Alembic
    import)."""
    return _branch_heads(set(_shipped()))


async def _recorded(db: Database) -> set[str]:
    async with db.engine.connect() as conn:
        try:
            rows = (await conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}"))).all()
        except DBAPIError as exc:
            if _is_missing_table(exc):
                return set()
            raise
    return {str(row[0]) for row in rows}


async def current_revisions(db: Database) -> frozenset[str]:
    """The newest revision the database holds on each branch, empty for a database Alembic
    never touched."""
    return _branch_heads(_applied(await _recorded(db)))


async def current_revision(db: Database) -> str | None:
    """The newest core revision the database holds, or None for a database Alembic never
    touched."""
    graph = _shipped()
    core = [rev for rev in await current_revisions(db) if rev in graph and graph[rev].core]
    return core[0] if len(core) == 1 else None


def _is_missing_table(exc: DBAPIError) -> bool:
    message = str(exc.orig).lower()
    return ("no such table" in message or "does not exist" in message
            or "undefinedtable" in type(exc.orig).__name__.lower())


async def is_current(db: Database) -> bool:
    """Whether the database holds every shipped revision of every branch (no Alembic import)."""
    shipped = set(_shipped())
    return bool(shipped) and _applied(await _recorded(db)) >= shipped


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


async def upgrade(db: Database, revision: str = "heads") -> None:
    """Apply migrations up to ``revision`` (by default the newest of every branch) on the
    database's own engine; a database already there is left alone without loading Alembic."""
    if revision == "head":
        revision = "heads"
    if revision == "heads" and await is_current(db):
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
        doc = " ".join((rev.doc or "").split())  # a message that runs over two lines is still one line here
        lines.append(f"{rev.down_revision or '<base>'} -> {rev.revision}{mark}: {doc}")
    return lines
