"""A pending output inserted together with its document number, in one statement (PostgreSQL).

Taking an agency's number locks its counter row until the commit
(:mod:`shared.outputs.numbering`), so every other document of that agency waits for whatever
the transaction does after the take. Taken as one statement and inserted as another (the
ORM's flush), the output put two round trips and the flush's CPU inside that lock (issue 12:
in the act benchmark sixteen acts of one agency queue there at once). Here both are one
statement on the transaction's asyncpg connection::

    WITH n AS (<the counter's upsert> RETURNING "next" - 1 AS seq)
    INSERT INTO case_outputs (<every column>) VALUES (<the values>, (SELECT <number> FROM n))
    RETURNING number

The number is formatted in SQL as :func:`shared.outputs.numbering.format_number` formats it:
what comes before and after the sequence is bound, the sequence is zero-padded to at least
four digits. A failed insert fails the statement, so its number is not taken either.

The row is then attached to the session as persistent with nothing pending, as a loaded row
would be (``make_transient_to_detached``, then ``add``): a later read of the case's outputs in
the same transaction (a department's hook) gets this very object, and a change to it is
flushed as usual. Where there is no begun transaction on PostgreSQL (SQLite)
:func:`insert_numbered` answers None and the caller takes the number and adds the row through
the ORM.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import JSON
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import make_transient_to_detached

from shared.db.raw import bind, driver_connection, fetch
from shared.outputs.numbering import COUNTER_UPSERT, JAKARTA, number_around
from shared.outputs.tables import CaseOutputRow

_MAPPER = sa_inspect(CaseOutputRow)
COLUMNS = tuple(c.name for c in _MAPPER.local_table.columns if c.name != "number")
"""Every column but the number, in the order of the statement's parameters from ``$5``."""
_JSON = frozenset(c.name for c in _MAPPER.local_table.columns if isinstance(c.type, JSON))

_NAMES = ", ".join(f'"{c}"' for c in (*COLUMNS, "number"))
_MARKS = ", ".join(f"${i}" for i in range(5, len(COLUMNS) + 5))
_SEQ = "n.seq::text"
SQL = (f'WITH n AS ({COUNTER_UPSERT} RETURNING "next" - 1 AS seq) '
       f'INSERT INTO "case_outputs" ({_NAMES}) VALUES ({_MARKS}, '
       f"(SELECT $3::text || lpad({_SEQ}, greatest(4, length({_SEQ})), '0') || $4::text "
       f'FROM n)) RETURNING "number"')


async def insert_numbered(session: AsyncSession, values: dict[str, Any], code: str | None,
                          agency: str, agency_short: str, at: datetime
                          ) -> CaseOutputRow | None:
    """Insert the output of ``values`` (every column in :data:`COLUMNS`) numbered in
    ``agency``'s sequence of ``at``'s year; the row, persistent. None: use the ORM (see the
    module)."""
    driver = await driver_connection(session)
    if driver is None:
        return None
    before, after = number_around(code, agency_short, at)
    args = [None if values[c] is None else bind(values[c], c in _JSON) for c in COLUMNS]
    records = await fetch(driver, SQL, agency, at.astimezone(JAKARTA).year, before, after,
                          *args)
    instance = _MAPPER.class_manager.new_instance()
    state = instance.__dict__
    for name, arg in zip(COLUMNS, args, strict=True):
        # a JSON value as it reads back; the others as given
        state[name] = json.loads(arg) if name in _JSON and arg is not None else values[name]
    state["number"] = records[0][0]
    make_transient_to_detached(instance)
    session.add(instance)
    return instance  # type: ignore[no-any-return]
