"""The database handle: async engines for SQLite, PostgreSQL or a local libSQL file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

__all__ = ["Database", "UnsupportedDatabaseError", "normalize_database_url"]


class UnsupportedDatabaseError(ValueError):
    """The configured database URL names a database this build cannot reach."""


def normalize_database_url(url: str) -> str:
    """Accept the usual spellings and pick the async driver for each database."""
    if url.startswith(("postgres://", "postgresql://")):
        return "postgresql+asyncpg://" + url.split("://", 1)[1]
    if url.startswith("sqlite:///"):
        return "sqlite+aiosqlite:///" + url.removeprefix("sqlite:///")
    if url.startswith("file:"):
        # A local libSQL file is an SQLite file.
        return "sqlite+aiosqlite:///" + url.removeprefix("file:")
    if url.startswith(("libsql:", "sqlite+libsql:", "wss:", "https:")):
        # TODO: remote libSQL/Turso needs the synchronous sqlalchemy-libsql dialect behind a
        # thread pool (its async variant does not work with the async engine); until then
        # point TURSO_DATABASE_URL at a local file: URL or use PostgreSQL.
        raise UnsupportedDatabaseError(
            "Remote libSQL/Turso databases are not supported yet: use a local file: URL, "
            "SQLite or PostgreSQL."
        )
    return url


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" hook own transactions (the driver's implicit BEGIN is off).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # WAL lets readers run while a writer commits; the busy timeout makes a second
    # writer wait for the lock instead of failing at once.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_writer(url: str) -> AsyncEngine:
    engine = create_async_engine(url, pool_size=1, max_overflow=0, pool_timeout=60)
    event.listen(engine.sync_engine, "connect", _on_sqlite_connect)

    def on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    event.listen(engine.sync_engine, "begin", on_begin)
    return engine


def _sqlite_reader(url: str) -> AsyncEngine:
    # Reads run in SQLite's autocommit mode: no BEGIN and no ROLLBACK round trips to the
    # driver's thread, which are most of the cost of a short query.
    engine = create_async_engine(
        url, pool_size=8, max_overflow=0, pool_timeout=60, pool_reset_on_return=None
    )
    event.listen(engine.sync_engine, "connect", _on_sqlite_connect)
    return engine


@dataclass(frozen=True, slots=True)
class Database:
    """A writer and a reader engine. They are one engine except on SQLite.

    SQLite allows one writer at a time: writes take the lock up front (BEGIN IMMEDIATE)
    so two writers queue on the busy timeout instead of deadlocking when a read lock is
    upgraded, and one pooled writer connection per process keeps them in line.
    """

    url: str
    writer: AsyncEngine
    reader: AsyncEngine

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @classmethod
    def connect(cls, url: str) -> Database:
        url = normalize_database_url(url)
        if not url.startswith("sqlite"):
            engine = create_async_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)
            return cls(url, engine, engine)
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        writer = _sqlite_writer(url)
        reader = _sqlite_reader(url)
        return cls(url, writer, reader)

    async def dispose(self) -> None:
        await self.writer.dispose()
        if self.reader is not self.writer:
            await self.reader.dispose()
