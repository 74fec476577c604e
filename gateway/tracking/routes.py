"""Tracking endpoints: one case's timeline, the caller's cases, the officers' inbox."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from gateway.runtime import GatewayRuntime
from gateway.tracking import queries
from gateway.tracking.schemas import TrackedCasePage, Tracking
from shared.cases.tracking import normalise
from shared.engine.state import CaseStatus
from shared.web.deps import CurrentPrincipal
from shared.web.paging import MAX_OFFSET
from shared.web.problems import ProblemError

router = APIRouter(prefix="/api/v1", tags=["tracking"])
Limit = Annotated[int, Query(ge=1, le=100)]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]


def _runtime(request: Request) -> GatewayRuntime:
    runtime: GatewayRuntime = request.app.state.runtime
    return runtime


@router.get("/tracking/{tracking_no}", response_model=Tracking)
async def track(tracking_no: str, request: Request, who: CurrentPrincipal) -> Tracking:
    """The case's timeline across services: every event, the current step, who holds it,
    its due time and whether it is late. Only its owner and officers of the agencies it
    touches may read it; anyone else gets 404 (whether it exists is not revealed)."""
    runtime = _runtime(request)
    async with runtime.sessions() as session:
        row = await queries.by_tracking_no(session, normalise(tracking_no.strip()))
        events = await queries.timeline(session, row.case_id) if row else []
    if row is None or not queries.may_read(row, events, who):
        raise ProblemError(404, "case-not-found")
    return Tracking(**queries.summary(row, runtime.clock()).model_dump(),
                    timeline=[queries.entry(e) for e in events],
                    outputs=queries.outputs(row, events))


@router.get("/me/cases", response_model=TrackedCasePage)
async def my_cases(request: Request, who: CurrentPrincipal,
                   status: CaseStatus | None = None,
                   limit: Limit = 20, offset: Offset = 0) -> TrackedCasePage:
    """The caller's own cases across services, newest first."""
    runtime = _runtime(request)
    async with runtime.sessions() as session:
        rows, total = await queries.mine(session, who, status, limit, offset)
    now = runtime.clock()
    return TrackedCasePage(items=[queries.summary(r, now) for r in rows], total=total,
                           limit=limit, offset=offset)


@router.get("/inbox", response_model=TrackedCasePage)
async def inbox(request: Request, who: CurrentPrincipal,
                service: Annotated[str | None, Query(max_length=40)] = None,
                sop: Annotated[str | None, Query(max_length=120)] = None,
                state: Annotated[str, Query(pattern="^(open|overdue|returned|all)$")] = "open",
                limit: Limit = 20, offset: Offset = 0) -> TrackedCasePage:
    """Officers: open cases across services whose current step one of the caller's
    ``<agency>:<role>`` roles holds; overdue first, then by due time. ``state=overdue``: only
    late ones; ``state=returned``: cases the caller's roles returned to the applicant and
    wait for; ``state=all``: both."""
    if not queries.scopes(who):
        raise ProblemError(403, "forbidden")
    runtime = _runtime(request)
    now = runtime.clock()
    async with runtime.sessions() as session:
        rows, total = await queries.inbox(session, who, now, state=state, service=service,
                                          sop=sop, limit=limit, offset=offset)
    return TrackedCasePage(items=[queries.summary(r, now) for r in rows], total=total,
                           limit=limit, offset=offset)
