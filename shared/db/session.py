"""Async engines and sessions, built in a process's lifespan (never at import time).

``sqlite+aiosqlite:///var/dukcapil.db`` in all-in-one, ``postgresql+asyncpg://...`` in the
distributed mode. Sessions never autocommit: the web layer commits once per request, and
background workers (relay, sweeper, consumers) commit once per unit of work.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

DEFAULT_POOL_SIZE = 20
"""PostgreSQL connections an engine keeps, and opens at most (a process's
``HALO_DB_POOL_SIZE``)."""


def make_engine(url: str, pool: int = DEFAULT_POOL_SIZE, **kwargs: Any) -> AsyncEngine:
    """An async engine for ``url``; SQLite gets WAL, foreign keys and a busy timeout;
    PostgreSQL a pool of ``pool`` connections, kept, none beyond them.

    Statement parameters are hidden from database errors: they may hold personal data, and an
    error message can end up in a log.
    """
    kwargs.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, connect_args={"timeout": 30}, **kwargs)

        @event.listens_for(engine.sync_engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            # The driver's own transaction handling defers BEGIN and breaks SAVEPOINTs; take
            # it over so transactions (and nested ones) behave as on PostgreSQL.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @event.listens_for(engine.sync_engine, "begin")
        def _begin(conn: Any) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    # The connections kept, none opened beyond them: under bursts of up to that many sessions
    # (a service's requests in flight and its workers) no connection is closed when the burst
    # ends and opened again, with the driver's prepared statements, by the next (issue 12: with
    # ten kept and ten more allowed, the first acts after a burst of 16 paid six new
    # connections; their p99 fell from 86-129 ms to 44-72 ms). The default's most, 20, is as before.
    kwargs.setdefault("pool_size", pool)
    kwargs.setdefault("max_overflow", 0)
    # No pre-ping: with asyncpg it is three round trips (BEGIN, ping, ROLLBACK) per checkout.
    # A connection the server ended fails its first statement instead, marked
    # ``connection_invalidated``: that request answers 503 (shared/db/errors.py) and the pool
    # drops every connection older than the failure, so the next requests reconnect.
    kwargs.setdefault("pool_pre_ping", False)
    return create_async_engine(url, **kwargs)


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


def is_postgres(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


async def try_lock(session: AsyncSession, name: str) -> bool:
    """Take a transaction-scoped lock named ``name`` if it is free (PostgreSQL advisory lock).

    On SQLite every write transaction already begins IMMEDIATE, which serialises writers, so
    the lock is always granted.
    """
    if not is_postgres(session):
        return True
    return bool(await session.scalar(text("SELECT pg_try_advisory_xact_lock(hashtext(:n))"),
                                     {"n": name}))


async def lock(session: AsyncSession, name: str) -> None:
    """Wait for the transaction-scoped lock named ``name`` (released at commit or rollback)."""
    if is_postgres(session):
        await session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:n))"), {"n": name})
