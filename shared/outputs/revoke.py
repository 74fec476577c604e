"""Revoking an issued output: who may, and what it records.

An officer of the issuing agency with role ``kepala_dinas``, ``kabid`` or ``admin``, or a
platform admin, may revoke an *issued* document with a reason. The reason is shown on the
public verification page, so runs of digits (a NIK or phone typed into it) are masked
first. The case gets a ``case.output_revoked`` history entry and event; the caller writes
the audit row.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from shared.cases.store import CaseStore, row_to_state
from shared.db.tables import CaseRow
from shared.engine.state import Principal
from shared.outputs.history import note
from shared.outputs.tables import CaseOutputRow
from shared.redact import scrub
from shared.sop.model import SopDefinition

REVOKING_ROLES = ("kepala_dinas", "kabid", "admin")


class NotRevocable(ValueError):
    def __init__(self, status: str) -> None:
        super().__init__(status)
        self.status = status


def revoking_role(who: Principal, agency: str) -> str | None:
    """The role under which ``who`` may revoke ``agency``'s documents, if any."""
    for role in REVOKING_ROLES:
        if who.has(agency, role):
            return role
    return "admin" if who.is_admin else None


async def revoke(session: AsyncSession, cases: CaseStore, sop: SopDefinition, row: CaseRow,
                 out: CaseOutputRow, who: Principal, role: str, reason: str, now: datetime
                 ) -> str:
    """Mark ``out`` revoked and append the case's history entry (``row`` is locked by the
    caller); returns the reason as stored."""
    if out.status != "issued":
        raise NotRevocable(out.status)
    clean = scrub(reason.strip())
    out.status, out.revoked_at, out.revoked_by, out.revoke_reason = "revoked", now, \
        who.subject, clean
    done = note(row_to_state(row), "case.output_revoked", now,
                {"output": {"id": out.id, "number": out.number}, "reason": clean},
                actor_id=who.subject, actor_role=role,
                actor_agency=out.agency if who.has(out.agency, role) else None, comment=clean)
    await cases.apply(session, sop, done, row=row)
    return clean
