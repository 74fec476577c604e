"""An act's writes: the case's changed columns, its history and outbox rows, the commit signal.

They run as statements of their own in the session's transaction, not through the unit of
work (its flush was the largest single cost of an act, issue 12): on PostgreSQL straight on
the transaction's asyncpg connection (:mod:`shared.db.raw`), elsewhere as SQLAlchemy Core
statements. Either way the loaded ``row`` takes the new values as its committed state, so
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
_NOTIFY = "SELECT pg_notify($1, $2)"


async def write_transition(session: AsyncSession, row: CaseRow, values: dict[str, Any],
                           history: list[dict[str, Any]], outbox: list[dict[str, Any]],
                           signal: str | None) -> None:
    """Write the act (see the module); ``signal``: the service whose relay the commit wakes
    (PostgreSQL ``NOTIFY``, :mod:`shared.events.outbox_signal`), None for no events."""
    loaded = row.__dict__  # the ORM's store of the loaded values (see row_to_state)
    changed = {k: v for k, v in values.items()
               if (loaded[k] if k in loaded else getattr(row, k)) != v}
    driver = await driver_connection(session)
    if driver is None:
        if changed:
            await session.execute(update(_CASES).where(_CASES.c.id == row.id).values(changed))
        if history:
            await session.execute(insert(_HISTORY), history)
            await session.execute(insert(_OUTBOX), outbox)
        if signal is not None and session.get_bind().dialect.name == "postgresql":
            await session.execute(text("SELECT pg_notify(:c, :s)"), {"c": CHANNEL, "s": signal})
    else:
        if signal is not None:
            await execute(driver, _NOTIFY, CHANNEL, signal)
        if changed:
            cases = _SQL[_CASES.name]
            await execute(driver, cases.update("id", tuple(changed)), row.id,
                          *cases.args(changed))
        for table, rows in ((_HISTORY, history), (_OUTBOX, outbox)):
            statements = _SQL[table.name]
            for values_of in rows:
                await execute(driver, statements.insert(tuple(values_of)),
                              *statements.args(values_of))
    for name, value in changed.items():
        set_committed_value(row, name, value)
