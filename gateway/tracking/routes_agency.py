"""Agency-wide views: the agency's workload (today, overdue, open) and its SLA report."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from gateway.identity.deps import RuntimeDep, SessionDep
from gateway.tracking import agency as views
from gateway.tracking import (
    messages,  # noqa: F401  (registers the views' problem codes)
    queries,
    sla,
)
from gateway.tracking.schemas_agency import (
    SLA_CSV_EXAMPLE,
    AgencyWorkload,
    SlaReport,
    WorkloadCounts,
)
from shared.engine.state import Principal
from shared.web.deps import CurrentPrincipal
from shared.web.paging import MAX_OFFSET
from shared.web.problems import ProblemError
from shared.web.text import Line

router = APIRouter(prefix="/api/v1/agencies", tags=["tracking"])
Limit = Annotated[int, Query(ge=1, le=100)]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]
REFUSALS: dict[int | str, dict[str, str]] = {
    403: {"description": "Not an officer of the agency (workload) or not its admin or "
                         "supervisor (SLA report)"},
    404: {"description": "Unknown agency"}}


def _allowed(agency: str, who: Principal, rule: bool) -> None:
    if not views.known(agency):
        raise ProblemError(404, "agency-not-found", agency=agency)
    if not rule:
        raise ProblemError(403, "forbidden")


@router.get("/{agency}/workload", response_model=AgencyWorkload, responses=REFUSALS)
async def workload(agency: str, who: CurrentPrincipal, runtime: RuntimeDep,
                   session: SessionDep,
                   view: Literal["today", "overdue", "open"] = "today",
                   role: Annotated[str | None, Query(max_length=60)] = None,
                   sop: Annotated[str | None, Query(max_length=120)] = None,
                   q: Annotated[Line | None, Query(max_length=100)] = None,
                   limit: Limit = 20, offset: Offset = 0) -> AgencyWorkload:
    """What the agency's roles hold: ``view=today`` open cases whose current step is due
    later today (the agency's calendar day, Asia/Jakarta; never the UTC day) and not yet late;
    ``overdue`` the late ones, most late first; ``open`` all, overdue first then by due time.
    ``role``, ``sop`` and ``q`` (a tracking number or a fragment of the SOP title) narrow the
    items; ``counts`` are over the agency's whole workload. For officers holding any role of
    the agency (its admin too) and the platform admin; others 403."""
    _allowed(agency, who, views.may_see_workload(who, agency))
    now = runtime.clock()
    day = views.today(agency, now)
    filters = views.Filters(role=role, sop=sop, q=q)
    rows, total = await views.workload(session, agency, view, day, now, filters, limit,
                                       offset)
    counted = await views.counts(session, agency, day, now)
    return AgencyWorkload(agency=agency, today=day.day, counts=WorkloadCounts(**counted),
                          items=[queries.summary(r, now) for r in rows], total=total,
                          limit=limit, offset=offset)


@router.get("/{agency}/reports/sla", response_model=SlaReport, responses={
    **REFUSALS, 200: {"description": "The report, as JSON or (``format=csv``) as CSV",
                      "content": {"text/csv": {"schema": {"type": "string"},
                                               "example": SLA_CSV_EXAMPLE}}}})
async def sla_report(agency: str, who: CurrentPrincipal, runtime: RuntimeDep,
                     session: SessionDep,
                     start: Annotated[date | None, Query(alias="from")] = None,
                     end: Annotated[date | None, Query(alias="to")] = None,
                     format: Literal["json", "csv"] = "json") -> SlaReport | Response:
    """Per SOP of the agency, the cases submitted from ``from`` to ``to`` (dates in
    Asia/Jakarta, both included; at most 366 days; default the current month so far):
    submitted, completed, rejected, open, completed on time (no step ever overdue) and late,
    the on-time rate, open ones late now, escalated ones, and the median working days from
    submission to completion on the agency's calendar; with the totals. ``format=csv``: the
    same as a CSV download. For the agency's admin, its supervisor roles (the roles its late
    steps escalate to) and the platform admin; others 403."""
    _allowed(agency, who, sla.may_read_sla(who, agency))
    now = runtime.clock()
    first, last = sla.period(start, end, views.today(agency, now).day)
    report = await sla.report(session, agency, first, last, now)
    if format == "csv":
        return Response(sla.to_csv(report), media_type="text/csv; charset=utf-8", headers={
            "Content-Disposition": f'attachment; filename="{sla.csv_filename(report)}"'})
    return report
