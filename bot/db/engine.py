"""The async engine and the two kinds of transaction Homeroom uses.

SQLite: WAL, a busy timeout, foreign keys, and ``BEGIN IMMEDIATE`` for write transactions,
because a deferred transaction that upgrades to a write can fail with SQLITE_BUSY even in WAL
mode. PostgreSQL: READ COMMITTED plus row locks (``FOR UPDATE``) where an invariant needs them.
Transient conflicts (SQLite busy, PostgreSQL serialization failures and deadlocks) are retried
by :meth:`Database.write_retrying`, so no "database is locked" ever reaches a person.
"""

from __future__ import annotations

import asyncio
import logging
import random
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool
from sqlalchemy.util import await_

log = logging.getLogger(__name__)
T = TypeVar("T")

_IMMEDIATE = "homeroom_sqlite_immediate"


#: connections SQLite may open beyond ``pool_size`` in a burst (kept open once opened)
SQLITE_BURST = 10


def _install_sqlite_hooks(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy (not the driver) emit BEGIN, so we can choose IMMEDIATE.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        statement = "BEGIN IMMEDIATE" if conn.get_execution_options().get(_IMMEDIATE, False) else "BEGIN"
        # Straight to aiosqlite: one trip to its thread. Through exec_driver_sql a BEGIN costs
        # a cursor opened, run and closed (four trips) plus a statement's bookkeeping, on every
        # transaction. Its errors are raised as SQLAlchemy's, so retries still see "locked".
        driver = getattr(conn.connection.dbapi_connection, "_connection", None)
        if driver is None:  # not aiosqlite (a synchronous engine): the ordinary way
            conn.exec_driver_sql(statement)
            return
        try:
            await_(driver.execute(statement))
        except sqlite3.Error as exc:
            raise OperationalError(statement, None, exc) from exc


def is_transient(exc: BaseException) -> bool:
    """Conflicts that a retry resolves: SQLite busy/locked, PostgreSQL 40001/40P01, and a
    pooled connection the server had closed (a restart): the retry gets a fresh one."""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(exc, OperationalError) and "locked" in str(exc).lower():
        return True
    if isinstance(exc, DBAPIError):
        code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
        if code in ("40001", "40P01"):
            return True
        text = str(exc.orig)
        if "SerializationError" in type(exc.orig).__name__ or "DeadlockDetected" in text:
            return True
    return False


def insert_for(dialect: str) -> Callable[..., Any]:
    """The dialect's own INSERT construct: PostgreSQL's and SQLite's both offer
    ``on_conflict_do_nothing`` / ``on_conflict_do_update``, which the generic one lacks."""
    return pg_insert if dialect == "postgresql" else sqlite_insert


class Database:
    """One engine per process, shared by every cog through the core."""

    def __init__(self, url: str, *, echo: bool = False, pool_size: int = 5) -> None:
        self.url = url
        kwargs: dict[str, Any] = {"echo": echo}
        if url.startswith("sqlite"):
            if ":memory:" in url or url.rstrip("/").endswith("sqlite+aiosqlite:"):
                raise ValueError("use a file for SQLite (shared in-memory databases break between connections)")
            kwargs["connect_args"] = {"timeout": 30}
            # An SQLite connection is a thread of this process (aiosqlite). Overflow connections
            # are closed when handed back, so a burst needing more than pool_size would start and
            # stop a thread per transaction, each start stalling the event loop a few ms under
            # load (a slash command's acknowledgement waits behind it): keep every one opened.
            kwargs["pool_size"] = pool_size + SQLITE_BURST
            kwargs["max_overflow"] = 0
        else:
            kwargs["pool_size"] = pool_size
            kwargs["max_overflow"] = 10
            # No ping per checkout (a round trip on every transaction): a connection found
            # dead invalidates the pool, and write transactions retry it (``is_transient``).
            kwargs["pool_recycle"] = 1800
        self.engine: AsyncEngine = create_async_engine(url, **kwargs)
        self.is_sqlite = url.startswith("sqlite")
        if self.is_sqlite:
            _install_sqlite_hooks(self.engine)
        self._writer_engine = self.engine.execution_options(**{_IMMEDIATE: True})
        self._write_lock: asyncio.Lock | None = asyncio.Lock() if self.is_sqlite else None
        # PostgreSQL reads run without BEGIN/ROLLBACK round trips: under READ COMMITTED every
        # statement takes its own snapshot anyway, so a read "transaction" guarantees nothing
        # more than autocommit does. (SQLite keeps its deferred read transaction: there it does
        # give one snapshot, and BEGIN costs no network round trip.)
        reader = self.engine if self.is_sqlite else self.engine.execution_options(isolation_level="AUTOCOMMIT")
        self._read_sessions = async_sessionmaker(reader, expire_on_commit=False)
        self._write_sessions = async_sessionmaker(self._writer_engine, expire_on_commit=False)

    @property
    def writer_engine(self) -> AsyncEngine:
        """The engine for code that opens its own write transactions (a library's store): on
        SQLite they begin IMMEDIATE, so a read that turns into a write waits its turn instead
        of failing with SQLITE_BUSY."""
        return self._writer_engine

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def insert(self) -> Callable[..., Any]:
        """This database's INSERT, the one that offers ON CONFLICT (see :func:`insert_for`)."""
        return insert_for(self.dialect)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A read-only unit of work (a deferred transaction on SQLite, autocommit statements
        on PostgreSQL). Never write here: use :meth:`write`."""
        async with self._read_sessions() as session:
            yield session

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        """A write transaction, committed on success, rolled back on error.

        On SQLite, writers of this process take turns on an asyncio lock: the file allows one
        writer at a time anyway, and queueing here beats polling in SQLite's busy handler.
        Other processes are still arbitrated by BEGIN IMMEDIATE and the busy timeout.
        """
        if self._write_lock is None:
            async with self._write_sessions() as session, session.begin():
                yield session
            return
        async with self._write_lock, self._write_sessions() as session, session.begin():
            yield session

    async def write_retrying(self, work: Callable[[AsyncSession], Awaitable[T]], *, attempts: int = 8) -> T:
        """Run ``work`` in a write transaction, retrying transient conflicts with jitter.

        ``work`` must be safe to run again from the start (it is: the failed attempt rolled back).
        """
        return await self._retrying(self.write, work, attempts)

    async def read_retrying(self, work: Callable[[AsyncSession], Awaitable[T]], *, attempts: int = 4) -> T:
        """Run ``work`` in a read session, retrying transient errors (a pooled connection
        the server closed, SQLite busy) with jitter."""
        return await self._retrying(self.read, work, attempts)

    @staticmethod
    async def _retrying(session_of: Callable[[], AbstractAsyncContextManager[AsyncSession]],
                        work: Callable[[AsyncSession], Awaitable[T]], attempts: int) -> T:
        for attempt in range(1, attempts + 1):
            try:
                async with session_of() as session:
                    return await work(session)
            except (OperationalError, DBAPIError) as exc:
                if attempt == attempts or not is_transient(exc):
                    raise
                delay = min(0.5, 0.01 * 2**attempt) * (0.5 + random.random())
                log.debug("transient database error, retry %d in %.3fs", attempt, delay)
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")

    async def create_all(self) -> None:
        """Create every table from the models (tests); production uses Alembic migrations."""
        from bot.db.base import Base
        from bot.db.registry import import_all_models

        import_all_models()
        async with self.engine.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)

    async def dispose(self) -> None:
        await self.engine.dispose()


async def lock_row(session: AsyncSession, model: type[T], row_id: int) -> T | None:
    """Load a row for update: ``FOR UPDATE`` on PostgreSQL; SQLite's ``BEGIN IMMEDIATE``
    write transactions already serialise writers."""
    from sqlalchemy import select

    query = select(model).where(model.id == row_id)  # type: ignore[attr-defined]
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        query = query.with_for_update()
    return await session.scalar(query)


def nullpool_engine(url: str) -> AsyncEngine:
    """An engine without pooling, for one-off administration (creating test databases)."""
    return create_async_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
