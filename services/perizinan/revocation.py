"""Revoking a permit: who may, what it records, and the output it marks revoked.

The issuing agency's ``kepala_dinas``, ``kabid`` or ``admin`` (the roles that revoke its
output documents, :mod:`shared.outputs.revoke`), DPMPTSP's for the permits it hosts, or a
platform admin. The permit becomes ``revoked`` with reason, by and at (the reason is public
on the verification answer, so runs of digits are masked); the signed output is revoked too
(``case.output_revoked`` in the case history); while the output is still being signed
the revocation waits (409). The holder gets a ``permit.revoked`` notice with the reason.
The caller writes the audit row.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from services.perizinan.domain import status_at
from services.perizinan.tables import PermitRow
from shared.cases.service import CaseService
from shared.engine.state import Principal
from shared.events.notice import new_notice, publish_notice
from shared.outputs.revoke import revoke as revoke_output
from shared.outputs.revoke import revoking_role
from shared.outputs.store import OutputStore
from shared.redact import scrub
from shared.times import utc_text

HOST_AGENCY = "dpmptsp"


class NotRevocable(ValueError):
    def __init__(self, status: str) -> None:
        super().__init__(status)
        self.status = status


def revoker_role(who: Principal, permit: PermitRow) -> str | None:
    return revoking_role(who, permit.agency) or revoking_role(who, HOST_AGENCY)


async def revoke(session: AsyncSession, cases: CaseService, outputs: OutputStore | None,
                 permit: PermitRow, who: Principal, role: str, reason: str, now: datetime
                 ) -> str:
    """Mark ``permit`` revoked (and its issued output); returns the reason as stored."""
    current = status_at(permit.status, permit.valid_until, now)
    if current != "active":
        raise NotRevocable(current)
    out = await outputs.get(session, permit.output_id) if outputs and permit.output_id else None
    if out is not None and out.status == "pending":
        raise NotRevocable("pending")  # being signed: revoke once it is issued (seconds)
    clean = scrub(reason.strip())
    permit.status, permit.revoked_at, permit.revoked_by, permit.revoke_reason = \
        "revoked", now, who.subject, clean
    if out is not None and out.status == "issued":
        row = await cases.store.get(session, permit.case_id, lock=True)
        if row is not None:
            sop = await cases.sop_for(session, row)
            await revoke_output(session, cases.store, sop, row, out, who, role, clean, now)
    await publish_notice(session, new_notice(
        "perizinan", permit.holder_account, "permit.revoked",
        {"number": permit.number, "title": permit.title, "reason": clean,
         "revoked_at": utc_text(now)}, now, link=f"/api/v1/perizinan/permits/{permit.id}"))
    await session.flush()
    return clean
