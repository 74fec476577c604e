"""The asyncpg connection under a session's transaction, for the act's few hot statements.

SQLAlchemy's work per statement (compiled-cache lookup, parameter processing, result
handling) was about half of an act's CPU on PostgreSQL (issue 12, docs/benchmarks.md). The
act's writes are a handful of fixed-shape statements, so on PostgreSQL they go straight to
the driver connection the session's transaction already runs on: same transaction, same
commit or rollback, no second connection. SQLite, or a session whose transaction has not
sent anything yet, gets ``None`` and the caller uses SQLAlchemy.

A connection lost in the middle of one of these statements raises asyncpg's
``ConnectionDoesNotExistError``, a ``PostgresConnectionError``: :mod:`shared.db.errors`
answers it 503 like its SQLAlchemy-wrapped form.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import asyncpg
from sqlalchemy import Table, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db.session import is_postgres


async def driver_connection(session: AsyncSession) -> asyncpg.Connection | None:
    """The asyncpg connection of the session's begun transaction on PostgreSQL, else None."""
    if not is_postgres(session):
        return None
    found = await adapter_and_driver(session)
    if found is None or getattr(found[0], "_transaction", None) is None:
        return None  # BEGIN not sent yet: SQLAlchemy starts it with its first statement
    if found[1].is_closed():
        return None  # lost: SQLAlchemy's statement reports it as such (503), the pool drops it
    return found[1]


_HELD = "halo.driver"


async def adapter_and_driver(session: AsyncSession) -> tuple[Any, asyncpg.Connection] | None:
    """SQLAlchemy's DBAPI adapter of the session's connection and the asyncpg connection
    under it (PostgreSQL only). Asked for both through the session, each ask is two greenlet
    hops; an act asks four times (issue 12), so the answer is kept in ``session.info`` for
    as long as the session's transaction is the same one: its connection does not change
    before it ends, and a commit or rollback begins another."""
    transaction = session.sync_session.get_transaction()
    held = session.info.get(_HELD)
    if held is not None and transaction is not None and held[0] is transaction \
            and transaction.is_active:
        return held[1], held[2]
    connection = await session.connection()
    fairy = await connection.get_raw_connection()
    adapter = fairy.dbapi_connection
    if adapter is None:
        return None
    driver: asyncpg.Connection = fairy.driver_connection
    session.info[_HELD] = (session.sync_session.get_transaction(), adapter, driver)
    return adapter, driver


Observer = Callable[[str, tuple[Any, ...]], None]
OBSERVERS: list[Observer] = []
"""Called with every statement :func:`execute` sends (the statement-count tests listen here,
as they listen to SQLAlchemy's ``before_cursor_execute`` for the rest)."""


async def execute(driver: asyncpg.Connection, sql: str, *args: Any) -> None:
    """Send one statement on the driver connection (its result is not read)."""
    for observer in OBSERVERS:
        observer(sql, args)
    await driver.execute(sql, *args)


async def fetch(driver: asyncpg.Connection, sql: str, *args: Any) -> list[asyncpg.Record]:
    """Run one query on the driver connection; its rows."""
    for observer in OBSERVERS:
        observer(sql, args)
    rows: list[asyncpg.Record] = await driver.fetch(sql, *args)
    return rows


class RowsOfCases:
    """Some plain columns (text, numbers: no conversions) of a table's rows of a page of
    cases, in a fixed order, in one statement: on the driver connection on PostgreSQL, as a
    SQLAlchemy Core select elsewhere. Each row a tuple in ``columns`` order."""

    def __init__(self, table: Table, columns: tuple[str, ...], order: tuple[str, ...]) -> None:
        self.columns = columns
        names = ", ".join(f'"{c}"' for c in columns)
        self.sql = (f'SELECT {names} FROM "{table.name}" WHERE "case_id" = ANY($1::text[]) '
                    f"ORDER BY " + ", ".join(f'"{c}"' for c in order))
        self.core = select(*(table.c[c] for c in columns)).where(
            table.c["case_id"].in_(bindparam("case_ids", expanding=True))).order_by(
            *(table.c[c] for c in order))

    async def rows(self, session: AsyncSession, case_ids: list[str]) -> list[Sequence[Any]]:
        if not case_ids:
            return []
        driver = await driver_connection(session)
        if driver is None:
            return list((await session.execute(self.core, {"case_ids": case_ids})).all())
        return list(await fetch(driver, self.sql, case_ids))


def bind(value: Any, json_column: bool) -> Any:
    """A parameter as the driver takes it: JSON text for a JSON column (the engine's codec
    takes text), a datetime only timezone-aware and in UTC (as ``UTCDateTime`` refuses naive
    ones)."""
    if json_column:
        return json.dumps(value)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use timezone-aware values")
        return value.astimezone(UTC)
    return value


class Statements:
    """SQL text per column set, built once per shape (``UPDATE``/``INSERT`` of one table)."""

    def __init__(self, table: str, json_columns: frozenset[str]) -> None:
        self.table, self.json_columns = table, json_columns
        self._updates: dict[tuple[str, ...], str] = {}
        self._inserts: dict[tuple[str, ...], str] = {}

    def update(self, key: str, columns: tuple[str, ...]) -> str:
        sql = self._updates.get(columns)
        if sql is None:
            sets = ", ".join(f'"{c}" = ${i}' for i, c in enumerate(columns, start=2))
            sql = self._updates[columns] = f'UPDATE "{self.table}" SET {sets} WHERE "{key}" = $1'
        return sql

    def insert(self, columns: tuple[str, ...]) -> str:
        sql = self._inserts.get(columns)
        if sql is None:
            names = ", ".join(f'"{c}"' for c in columns)
            marks = ", ".join(f"${i}" for i in range(1, len(columns) + 1))
            sql = self._inserts[columns] = (f'INSERT INTO "{self.table}" ({names}) '
                                            f"VALUES ({marks})")
        return sql

    def args(self, values: dict[str, Any]) -> list[Any]:
        return [bind(v, k in self.json_columns) for k, v in values.items()]
