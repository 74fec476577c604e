"""``POST /cases/{id}/unmask``: an officer working on the case reads its personal form values
in full, with a reason, audited and rate-limited; ``POST /cases/{id}/unmask/break-glass``: the
same for a platform admin or the agency's kepala dinas, audited apart (rules in
:mod:`shared.cases.unmask`)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from shared.cases.unmask import Revealed, UnmaskLimited, break_glass, unmask
from shared.web.deps import CaseDep, CurrentPrincipal, RuntimeDep, SessionDep
from shared.web.problems import ProblemError
from shared.web.schemas_unmask import BreakGlassRequest, UnmaskOut, UnmaskRequest

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
        raise _limited(exc) from None
    return _answer(done, response)


def _limited(exc: UnmaskLimited) -> ProblemError:
    return ProblemError(429, "rate-limited", headers={
        "Retry-After": str(exc.retry_after), **NO_STORE}, retry_after=exc.retry_after)


def _answer(done: Revealed, response: Response) -> UnmaskOut:
    response.headers.update(NO_STORE)
    return UnmaskOut(case_id=done.case_id, form=done.form, audit_id=done.audit_id,
                     revealed_at=done.at)


@router.post("/{case_id}/unmask/break-glass", response_model=UnmaskOut, responses={
    200: {"headers": {"Cache-Control": {"description": "Always `no-store`",
                                        "schema": {"type": "string"}}}},
    403: {"description": "Neither a platform admin nor the kepala dinas of the SOP's agency "
                         "(`break-glass-not-permitted`): agency admins, officers"},
    404: {"description": "No such case, or the caller may not read it (`case-not-found`)"},
    429: {"description": "Too many break-glass reveals by this account (`rate-limited`)"}})
async def break_glass_case(body: BreakGlassRequest, row: CaseDep, session: SessionDep,
                           runtime: RuntimeDep, who: CurrentPrincipal, response: Response
                           ) -> UnmaskOut:
    """Break-glass: a platform admin or the kepala dinas of the SOP's agency, who holds no
    step of the case, reads its form in full, with a reason of at least 20 characters. One
    audit row `pii.break_glass` per call (who, when, case, field names, reason; never the
    values), limited per account like `unmask`. The answer is never cached."""
    try:
        done = await break_glass(session, runtime.cases, row, who, body.reason,
                                 runtime.settings.unmask_rate)
    except UnmaskLimited as exc:
        raise _limited(exc) from None
    return _answer(done, response)
