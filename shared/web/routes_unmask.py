"""``POST /cases/{id}/unmask``: an officer working on the case reads its personal form values
in full, with a reason, audited and rate-limited (rules in :mod:`shared.cases.unmask`)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from shared.cases.unmask import UnmaskLimited, unmask
from shared.web.deps import CaseDep, CurrentPrincipal, RuntimeDep, SessionDep
from shared.web.problems import ProblemError
from shared.web.schemas_unmask import UnmaskOut, UnmaskRequest

router = APIRouter(prefix="/cases", tags=["cases"])
NO_STORE = {"Cache-Control": "no-store"}


@router.post("/{case_id}/unmask", response_model=UnmaskOut, responses={
    200: {"headers": {"Cache-Control": {"description": "Always `no-store`",
                                        "schema": {"type": "string"}}}},
    403: {"description": "The caller's roles hold no step of the case's SOP "
                         "(`unmask-not-permitted`): agency admins, platform admins, other "
                         "roles of the agency"},
    404: {"description": "No such case, or the caller may not read it (`case-not-found`)"},
    429: {"description": "Too many reveals by this account (`rate-limited`, `Retry-After`)"}})
async def unmask_case(body: UnmaskRequest, row: CaseDep, session: SessionDep,
                      runtime: RuntimeDep, who: CurrentPrincipal, response: Response
                      ) -> UnmaskOut:
    """The case's form with every personal value in full, for an officer whose role holds a
    step of the case's SOP. One audit row per call (who, when, case, field names, reason;
    never the values); at most ``HALO_UNMASK_RATE`` calls per account (default 30 per 10
    minutes). The answer is never cached."""
    try:
        done = await unmask(session, runtime.cases, row, who, body.reason,
                            runtime.settings.unmask_rate)
    except UnmaskLimited as exc:
        raise ProblemError(429, "rate-limited", headers={
            "Retry-After": str(exc.retry_after), **NO_STORE}, retry_after=exc.retry_after
        ) from None
    response.headers.update(NO_STORE)
    return UnmaskOut(case_id=done.case_id, form=done.form, audit_id=done.audit_id,
                     revealed_at=done.at)
