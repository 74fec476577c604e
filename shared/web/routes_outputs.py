"""Output document routes of every service: list, download, revoke, and the public check.

``GET /cases/{id}/outputs`` and ``.../{output_id}/pdf`` follow the case's read rule
(``CaseDep``: 404 for anyone who may not see the case). ``POST .../revoke`` is for the
issuing agency's head, division head or admin, or a platform admin, and is audited.
``GET /outputs/verify/{code}`` is public: what the gateway's ``/verify/{code}`` page shows.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, StringConstraints

from shared.outputs.codes import normalise_code
from shared.outputs.part import Outputs
from shared.outputs.revoke import NotRevocable, revoke, revoking_role
from shared.outputs.tables import CaseOutputRow
from shared.outputs.verify import verifiable, verification
from shared.times import UtcDatetime
from shared.web.deps import CaseDep, CurrentPrincipal, LockedCaseDep, RuntimeDep, SessionDep
from shared.web.problems import ProblemError
from shared.web.runtime import ServiceRuntime
from shared.web.text import TEXT_CHECK

router = APIRouter(tags=["outputs"])


class OutputOut(BaseModel):
    id: str
    kind: str
    title: str
    number: str
    status: str
    """``pending`` (being signed), ``issued``, ``failed`` or ``revoked``."""
    verify_code: str
    verify_url: str
    signer_role: str
    signer_name: str
    holder: str | None
    """The holder's name, masked."""
    created_at: UtcDatetime
    issued_at: UtcDatetime | None
    valid_until: UtcDatetime | None
    revoked_at: UtcDatetime | None
    revoke_reason: str | None
    sha256: str | None
    size: int | None
    pdf_url: str | None
    """Relative to the service; ``None`` until the document is signed."""


class RevokeOutput(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=5,
                                             max_length=500), TEXT_CHECK]


def _outputs(runtime: ServiceRuntime) -> Outputs:
    if runtime.outputs is None:
        raise ProblemError(404, "not-found")
    return runtime.outputs


def output_out(outputs: Outputs, out: CaseOutputRow) -> OutputOut:
    ready = out.status in ("issued", "revoked")
    return OutputOut(
        id=out.id, kind=out.kind, title=out.title, number=out.number, status=out.status,
        verify_code=out.verify_code, verify_url=outputs.settings.verify_url(out.verify_code),
        signer_role=out.signer_role, signer_name=out.signer_name, holder=out.holder_masked,
        created_at=out.created_at, issued_at=out.issued_at, valid_until=out.valid_until,
        revoked_at=out.revoked_at, revoke_reason=out.revoke_reason, sha256=out.sha256,
        size=out.size, pdf_url=f"/cases/{out.case_id}/outputs/{out.id}/pdf" if ready else None)


async def _output_of(outputs: Outputs, session: SessionDep, case_id: str, output_id: str
                     ) -> CaseOutputRow:
    out = await outputs.store.get(session, output_id)
    if out is None or out.case_id != case_id:
        raise ProblemError(404, "output-not-found")
    return out


@router.get("/cases/{case_id}/outputs", response_model=list[OutputOut])
async def list_outputs(row: CaseDep, session: SessionDep, runtime: RuntimeDep
                       ) -> list[OutputOut]:
    """The documents the case produced (a pending one is being signed)."""
    outputs = _outputs(runtime)
    return [output_out(outputs, o) for o in await outputs.store.of_case(session, row.id)]


@router.get("/cases/{case_id}/outputs/{output_id}/pdf", response_class=Response,
            responses={200: {"content": {"application/pdf": {}}}})
async def output_pdf(output_id: str, row: CaseDep, session: SessionDep, runtime: RuntimeDep
                     ) -> Response:
    """The signed PDF."""
    out = await _output_of(_outputs(runtime), session, row.id, output_id)
    if out.status not in ("issued", "revoked") or out.storage_path is None:
        raise ProblemError(409, "output-not-ready", state=out.status)
    data = await runtime.cases.storage.read_bytes(out.storage_path, session=session)
    name = "".join(c if c.isalnum() else "-" for c in out.number).strip("-") or "dokumen"
    return Response(data, media_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{name}.pdf"',
        "X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"})


@router.post("/cases/{case_id}/outputs/{output_id}/revoke", response_model=OutputOut)
async def revoke_output(output_id: str, body: RevokeOutput, row: LockedCaseDep,
                        session: SessionDep, runtime: RuntimeDep, who: CurrentPrincipal
                        ) -> OutputOut:
    """Revoke an issued document (with a reason, shown on the verification page)."""
    outputs = _outputs(runtime)
    out = await _output_of(outputs, session, row.id, output_id)
    role = revoking_role(who, out.agency)
    if role is None:
        raise ProblemError(403, "forbidden")
    sop = await runtime.cases.sop_for(session, row)
    try:
        reason = await revoke(session, runtime.store, sop, row, out, who, role, body.reason,
                              runtime.clock())
    except NotRevocable as exc:
        raise ProblemError(409, "output-not-revocable", state=exc.status) from None
    await runtime.cases.audit(session, who, "output.revoked", f"output/{out.id}",
                              {"case": row.id, "number": out.number, "reason": reason})
    return output_out(outputs, out)


@router.get("/outputs/verify/{code}")
async def verify_output(code: str, session: SessionDep, runtime: RuntimeDep
                        ) -> dict[str, object]:
    """Public: whether a document with this verification code is valid (no login)."""
    outputs = _outputs(runtime)
    canonical = normalise_code(code)
    out = await outputs.store.by_code(session, canonical) if canonical else None
    if out is None or not verifiable(out):
        raise ProblemError(404, "output-unknown")
    return verification(out, runtime.registry, runtime.clock())
