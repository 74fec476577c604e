"""Many cases at once for the list tests and ``bench/lists_at_scale.py``: copies of one real
case (made through the API, so its SOP, step, sealed form and document are genuine) written
with one ``INSERT … SELECT … generate_series`` per table on PostgreSQL, never through the API.

Copy ``g`` (1…n) gets its own id and tracking number, the applicant ``warga-<g mod
citizens>``, a creation time ``g`` seconds before ``now`` and a due time spread over the
following week; every :data:`LATE_EVERY`-th copy is already late (and not yet flagged, so the
sweeper has work), every :data:`NO_DUE_EVERY`-th has no due time.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Table, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from gateway.tracking.tables import TrackedCaseRow
from shared.db.tables import CaseRow, DocumentRow

LATE_EVERY = 100
NO_DUE_EVERY = 50

_ID = "md5(:salt || g::text)::uuid::text"
_DUE = (f"CASE WHEN g % {NO_DUE_EVERY} = 0 THEN NULL "
        f"WHEN g % {LATE_EVERY} = 1 THEN CAST(:now AS timestamptz) - g * interval '1 second' "
        "ELSE CAST(:now AS timestamptz) + (g % 10000) * interval '1 minute' END")
_HEX = "upper(lpad(to_hex(g), 8, '0'))"
_TRACKING = f"substr(t.tracking_no, 1, 3) || substr({_HEX}, 1, 4) || '-' || substr({_HEX}, 5, 4)"
"""The template's service prefix and ``g`` in 8 hex digits (valid tracking-number letters):
unique for one copy run per database."""
_CREATED = "CAST(:now AS timestamptz) - interval '30 days' + g * interval '1 second'"


def _table(row: Any) -> Table:
    table: Table = row.__table__
    return table


async def _clone(conn: AsyncConnection, table: Table, where: str, n: int,
                 overrides: dict[str, str], params: dict[str, Any]) -> None:
    names = [c.name for c in table.columns]
    values = ", ".join(overrides.get(c, f"t.{c}") for c in names)
    await conn.execute(text(
        f"INSERT INTO {table.name} ({', '.join(names)}) SELECT {values} "
        f"FROM {table.name} t CROSS JOIN generate_series(1, :n) g WHERE {where}"),
        {**params, "n": n})


def _roles(roles: tuple[str, ...]) -> dict[str, str]:
    """Copy ``g`` held by ``roles[g mod len(roles)]`` (none: the template's role)."""
    if not roles:
        return {}
    whens = " ".join(f"WHEN {i} THEN '{r}'" for i, r in enumerate(roles))
    return {"step_role": f"CASE g % {len(roles)} {whens} END"}


async def clone_cases(conn: AsyncConnection, template: str, n: int, now: datetime, *,
                      citizens: int = 20_000, salt: str = "bulk",
                      roles: tuple[str, ...] = ()) -> None:
    """``n`` open copies of case ``template`` (and of its documents) in a service database,
    their step held by ``roles`` in turn (default: all by the template's)."""
    params = {"template": template, "now": now, "salt": salt, "citizens": citizens}
    await _clone(conn, _table(CaseRow), "t.id = :template", n, {**_roles(roles),
        "id": _ID, "tracking_no": _TRACKING,
        "applicant_id": "'warga-' || (g % :citizens)::text", "status": "'open'",
        "step_due_at": _DUE, "created_at": _CREATED, "updated_at": _CREATED,
        "overdue_at": "NULL", "remind_at": "NULL", "auto_complete_at": "NULL",
        "escalate_next_at": "NULL"}, params)
    await _clone(conn, _table(DocumentRow), "t.case_id = :template", n, {
        "id": "md5('d' || :salt || g::text)::uuid::text", "case_id": _ID}, params)


async def clone_tracked(conn: AsyncConnection, template: str, n: int, now: datetime, *,
                        citizens: int = 20_000, salt: str = "bulk",
                        roles: tuple[str, ...] = ()) -> None:
    """``n`` open copies of tracked case ``template`` in the gateway database (``roles`` as
    in :func:`clone_cases`)."""
    params = {"template": template, "now": now, "salt": salt, "citizens": citizens}
    await _clone(conn, _table(TrackedCaseRow), "t.case_id = :template", n, {**_roles(roles),
        "case_id": _ID, "tracking_no": _TRACKING,
        "applicant": "'warga-' || (g % :citizens)::text", "status": "'open'",
        "step_due_at": _DUE, "created_at": _CREATED, "updated_at": _CREATED}, params)


async def vacuum(engine: AsyncEngine, *tables: str) -> None:
    """``VACUUM ANALYZE`` the tables after a bulk load (statistics and the visibility map:
    what autovacuum does on its own a little later)."""
    async with engine.connect() as conn:
        conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
        for table in tables:
            await conn.execute(text(f"VACUUM ANALYZE {table}"))
