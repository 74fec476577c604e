"""All queries of the output tables. Never commits (the request or the worker does)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from shared.db.raw import RowsOfCases
from shared.db.session import is_postgres
from shared.outputs.tables import CaseOutputRow

_OUTPUTS_OF = RowsOfCases(CaseOutputRow.__table__,  # type: ignore[attr-defined]
                          ("id", "case_id", "kind", "title", "number", "status",
                           "verify_code", "created_at"), ("created_at", "number"))
"""The outputs of a page of cases, one statement."""


@dataclass(frozen=True, slots=True)
class OutputView:
    """A case's output as the case's answer lists it."""

    id: str
    case_id: str
    kind: str
    title: str
    number: str
    status: str
    verify_code: str
    created_at: datetime
    """The list's order (with the number), not shown."""


class OutputStore:
    async def due(self, session: AsyncSession, now: datetime, limit: int
                  ) -> list[CaseOutputRow]:
        """Pending outputs whose next attempt is due (``ix_case_outputs_due``); on PostgreSQL
        rows another worker holds are skipped."""
        query = (select(CaseOutputRow)
                 .where(col(CaseOutputRow.status) == "pending",
                        col(CaseOutputRow.next_attempt_at) <= now)
                 .order_by(col(CaseOutputRow.next_attempt_at)).limit(limit))
        if is_postgres(session):
            query = query.with_for_update(skip_locked=True)
        return list(await session.scalars(query))

    async def get(self, session: AsyncSession, output_id: str, *, lock: bool = False
                  ) -> CaseOutputRow | None:
        if lock and is_postgres(session):
            return await session.scalar(select(CaseOutputRow).where(
                col(CaseOutputRow.id) == output_id).with_for_update())
        return await session.get(CaseOutputRow, output_id)

    async def of_case(self, session: AsyncSession, case_id: str) -> list[CaseOutputRow]:
        return list(await session.scalars(
            select(CaseOutputRow).where(col(CaseOutputRow.case_id) == case_id)
            .order_by(col(CaseOutputRow.created_at), col(CaseOutputRow.number))))

    async def of_cases(self, session: AsyncSession, case_ids: list[str]
                       ) -> dict[str, list[OutputView]]:
        """The outputs of several cases in one query, per case id (absent: none), as a
        case's answer lists them (not the ORM rows)."""
        found: dict[str, list[OutputView]] = {}
        for values in await _OUTPUTS_OF.rows(session, case_ids):
            view = OutputView(*values)
            found.setdefault(view.case_id, []).append(view)
        return found

    async def by_code(self, session: AsyncSession, code: str) -> CaseOutputRow | None:
        return await session.scalar(select(CaseOutputRow).where(
            col(CaseOutputRow.verify_code) == code))
