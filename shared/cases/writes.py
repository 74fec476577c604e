"""An act's writes: the case's changed columns, its history and outbox rows, the commit signal.

They run as statements of their own in the session's transaction, not through the unit of
work (its flush was the largest single cost of an act, issue 12): on PostgreSQL as one
statement (one round trip) straight on the transaction's asyncpg connection
(:mod:`shared.db.raw`), elsewhere as SQLAlchemy Core statements. Either way the loaded ``row`` takes the new values as its committed state, so
the unit of work neither writes them again nor sees them as changed, and code after the
write reads the row as stored.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, text, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from shared.db.raw import Statements, driver_connection, execute
from shared.db.tables import CaseRow, HistoryRow, OutboxRow
from shared.events.outbox_signal import CHANNEL

_CASES, _HISTORY, _OUTBOX = (CaseRow.__table__, HistoryRow.__table__,  # type: ignore[attr-defined]
                             OutboxRow.__table__)  # type: ignore[attr-defined]
_SQL = {t.name: Statements(t.name, frozenset(c.name for c in t.columns
                                             if c.type.__class__.__name__ == "JSON"))
        for t in (_CASES, _HISTORY, _OUTBOX)}


async def write_transition(session: AsyncSession, row: CaseRow, values: dict[str, Any],
                           history: list[dict[str, Any]], outbox: list[dict[str, Any]],
                           signal: str | None) -> None:
    """Write the act (see the module); ``signal``: the service whose relay the commit wakes
    (PostgreSQL ``NOTIFY``, :mod:`shared.events.outbox_signal`), None for no events."""
    changed = {k: v for k, v in values.items() if getattr(row, k) != v}
    driver = await driver_connection(session)
    if driver is None:
        if changed:
            await session.execute(update(_CASES).where(_CASES.c.id == row.id).values(changed))
        if history:
            await session.execute(insert(_HISTORY), history)
            await session.execute(insert(_OUTBOX), outbox)
        if signal is not None and session.get_bind().dialect.name == "postgresql":
            await session.execute(text("SELECT pg_notify(:c, :s)"), {"c": CHANNEL, "s": signal})
    elif changed or history or signal is not None:
        sql, args = _one_statement(row.id, changed, history, outbox, signal)
        await execute(driver, sql, *args)
    for name, value in changed.items():
        set_committed_value(row, name, value)


_SHAPES: dict[tuple[Any, ...], str] = {}
_MAX_SHAPES = 1024


def _one_statement(case_id: str, changed: dict[str, Any], history: list[dict[str, Any]],
                   outbox: list[dict[str, Any]], signal: str | None) -> tuple[str, list[Any]]:
    """The act's writes as one statement, one round trip: the case ``UPDATE`` and the history
    and outbox ``INSERT``s as data-modifying CTEs (PostgreSQL runs each exactly once, read or
    not), the commit signal's ``pg_notify`` as the main query. The history rows and the
    outbox rows each go in one multi-row ``INSERT``, in their order (an outbox row's serial
    id is its publishing order). The SQL text is built once per shape."""
    rows = {"h": (_HISTORY, history), "o": (_OUTBOX, outbox)}
    shape = (tuple(changed), *(tuple(tuple(r) for r in rs) for _, rs in rows.values()),
             signal is not None)
    sql = _SHAPES.get(shape)
    if sql is None:
        sql = _shape_sql(changed, rows, signal is not None)
        if len(_SHAPES) >= _MAX_SHAPES:
            _SHAPES.clear()
        _SHAPES[shape] = sql
    args: list[Any] = []
    if changed:
        args += [case_id, *_SQL[_CASES.name].args(changed)]
    for table, table_rows in rows.values():
        for values_of in table_rows:
            args += _SQL[table.name].args(values_of)
    if signal is not None:
        args += [CHANNEL, signal]
    return sql, args


def _shape_sql(changed: dict[str, Any], rows: dict[str, tuple[Any, list[dict[str, Any]]]],
               notify: bool) -> str:
    parts: list[str] = []
    n = 0

    def marks(count: int) -> str:
        nonlocal n
        n += count
        return ", ".join(f"${i}" for i in range(n - count + 1, n + 1))

    if changed:
        marks(1)  # $1: the case id
        sets = ", ".join(f'"{c}" = {marks(1)}' for c in changed)
        parts.append(f'u AS (UPDATE "{_CASES.name}" SET {sets} WHERE "id" = $1)')
    for name, (table, table_rows) in rows.items():
        if not table_rows:
            continue
        columns = tuple(table_rows[0])
        if any(tuple(r) != columns for r in table_rows):
            raise ValueError(f"{table.name} rows of one transition differ in their columns")
        values = ", ".join(f"({marks(len(columns))})" for _ in table_rows)
        names = ", ".join(f'"{c}"' for c in columns)
        parts.append(f'{name} AS (INSERT INTO "{table.name}" ({names}) VALUES {values})')
    head = f"WITH {', '.join(parts)} " if parts else ""
    return head + (f"SELECT pg_notify({marks(1)}, {marks(1)})" if notify else "SELECT 1")
