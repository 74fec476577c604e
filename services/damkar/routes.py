"""Department routes of the damkar service: emergency reports (served by the gateway under
``/api/v1/damkar``).

- ``POST /darurat`` (reporter token of the one-time code, or a citizen): a fire or
  evacuation report with the device's location; dispatched to the nearest post; 201.
- ``GET /darurat/{tracking_no}``: live status, for its reporter (and damkar officers/admins).
- ``POST /darurat/{tracking_no}/tiba``: the post's officer records the arrival (SOP step 5's
  action ``tiba``).
- ``GET /darurat?pos=``: damkar officers' list of reports per post (no personal data).
- ``GET /laporan/waktu-tanggap?bulan=YYYY-MM[&format=csv]``: the 15-minute response report
  per post for a month (Asia/Jakarta), damkar officers and admins.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from services.damkar import (
    messages,  # noqa: F401  (registers the problem codes)
    store,
)
from services.damkar.domain import Post, load_posts
from services.damkar.report import Caller, take_report
from services.damkar.response_time import STANDARD_MINUTES, STANDARD_SOURCE, figures
from services.damkar.schemas import (
    EmergencyReport,
    PostFiguresOut,
    PostOut,
    ReportAccepted,
    ReportListItem,
    ReportStatus,
    ResponseTimeReport,
)
from services.damkar.settings import ReportSettings
from services.damkar.tables import ReportRow
from shared.auth.tokens import InvalidToken
from shared.engine.state import Principal
from shared.web.deps import CurrentPrincipal, RuntimeDep, SessionDep
from shared.web.problems import ProblemError

router = APIRouter(tags=["damkar"])
REPORT_SCOPE = "darurat-damkar"
"""The scope of the one-time-code reporter's token, accepted on these routes only."""
JAKARTA = ZoneInfo("Asia/Jakarta")
TrackingNo = Annotated[str, Path(min_length=6, max_length=20, pattern=r"^[A-Za-z0-9\-]+$")]
Month = Annotated[str, Query(pattern=r"^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])$",
                             description="YYYY-MM")]
PostId = Annotated[str | None, Query(max_length=40, pattern=r"^[a-z0-9\-]+$")]


async def get_caller(request: Request, runtime: RuntimeDep) -> Caller:
    """The bearer token's principal and claims (the reporter's phone hash is a claim)."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise ProblemError(401, "unauthenticated", headers={"WWW-Authenticate": "Bearer"})
    try:
        principal, claims = await runtime.verifier.verify_claims(token.strip(), REPORT_SCOPE)
    except InvalidToken as exc:
        request.state.auth_failure = exc.reason
        raise ProblemError(401, "unauthenticated",
                           headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}) from None
    request.state.principal = principal
    return Caller(principal, claims)


CallerDep = Annotated[Caller, Depends(get_caller)]


def report_settings(request: Request) -> ReportSettings:
    conf = getattr(request.app.state, "damkar_reports", None)
    return conf if isinstance(conf, ReportSettings) else ReportSettings.from_env()


def is_officer(who: Principal) -> bool:
    return who.is_admin or "damkar" in who.agencies()


def post_out(post: Post | None, post_id: str, km: float) -> PostOut:
    return PostOut(id=post_id, name=post.name if post else post_id,
                   phone=post.phone if post else "", distance_km=round(km, 2))


def _minutes(report: ReportRow) -> float | None:
    return round(report.response_s / 60, 1) if report.response_s is not None else None


@router.post("/darurat", status_code=201, response_model=ReportAccepted,
             responses={403: {"description": "Neither a confirmed reporter nor a citizen"},
                        422: {"description": "Bad number, bad or outside coordinates"},
                        429: {"description": "Too many reports (`Retry-After`)"}})
async def report_emergency(body: EmergencyReport, session: SessionDep, runtime: RuntimeDep,
                           caller: CallerDep, conf: Annotated[ReportSettings,
                                                              Depends(report_settings)]
                           ) -> ReportAccepted:
    """Report a fire or an evacuation; it is dispatched at once to the nearest post."""
    report, case, post = await take_report(session, runtime, conf, caller, body)
    return ReportAccepted(tracking_no=case.tracking_no, case_id=case.id, jenis=body.jenis,
                          pos=post_out(post, post.id, report.distance_km),
                          received_at=report.received_at,
                          status_url=f"/api/v1/damkar/darurat/{case.tracking_no}")


async def _visible(session: SessionDep, tracking_no: str, who: Principal, *,
                   lock: bool = False) -> ReportRow:
    report = await store.by_tracking(session, tracking_no.upper(), lock=lock)
    if report is None or not (report.reporter == who.subject or is_officer(who)):
        raise ProblemError(404, "damkar-report-not-found")
    return report


async def _status(session: SessionDep, runtime: RuntimeDep, report: ReportRow) -> ReportStatus:
    case = await runtime.store.get(session, report.case_id)
    if case is None:
        raise ProblemError(404, "damkar-report-not-found")
    sop = await runtime.cases.sop_for(session, case)
    step = next((s for s in sop.steps if s.id == case.step_id), None)
    return ReportStatus(
        tracking_no=report.tracking_no, jenis=report.jenis,  # type: ignore[arg-type]
        status=case.status, step=case.step_id, step_label=step.activity if step else None,
        step_due_at=case.step_due_at,
        pos=post_out(load_posts().get(report.post_id), report.post_id, report.distance_km),
        received_at=report.received_at, dispatched_at=report.dispatched_at,
        departed_at=report.departed_at, arrived_at=report.arrived_at,
        response_min=_minutes(report), standard_min=STANDARD_MINUTES)


@router.get("/darurat/{tracking_no}", response_model=ReportStatus)
async def report_status(tracking_no: TrackingNo, session: SessionDep, runtime: RuntimeDep,
                        caller: CallerDep, response: Response) -> ReportStatus:
    """Live status of a report: its reporter, or damkar officers."""
    response.headers["Cache-Control"] = "no-store"
    return await _status(session, runtime,
                         await _visible(session, tracking_no, caller.principal))


@router.post("/darurat/{tracking_no}/tiba", response_model=ReportStatus,
             responses={409: {"description": "The case is not at the arrival step"}})
async def record_arrival(tracking_no: TrackingNo, session: SessionDep, runtime: RuntimeDep,
                         who: CurrentPrincipal) -> ReportStatus:
    """The post's officer records the crew's arrival (the SOP action ``tiba`` of step 5)."""
    if not is_officer(who):
        raise ProblemError(404, "damkar-report-not-found")
    report = await _visible(session, tracking_no, who)
    case = await runtime.store.get(session, report.case_id, lock=True)
    if case is None:
        raise ProblemError(404, "damkar-report-not-found")
    if case.status != "open" or case.step_id != "tiba_di_lokasi":
        raise ProblemError(409, "damkar-not-at-arrival", step=case.step_id or case.status)
    await runtime.cases.act(session, case, who, "tiba", step="tiba_di_lokasi", comment=None,
                            form=None, uploads=[])
    return await _status(session, runtime, report)


@router.get("/darurat", response_model=list[ReportListItem])
async def list_reports(session: SessionDep, who: CurrentPrincipal, pos: PostId = None,
                       limit: Annotated[int, Query(ge=1, le=200)] = 50,
                       offset: Annotated[int, Query(ge=0, le=100_000)] = 0
                       ) -> list[ReportListItem]:
    """Damkar officers: the reports dispatched to a post (all posts without ``pos``)."""
    if not is_officer(who):
        raise ProblemError(403, "damkar-officers-only")
    posts = load_posts()
    return [ReportListItem(tracking_no=r.tracking_no, case_id=r.case_id,
                           jenis=r.jenis,  # type: ignore[arg-type]
                           pos=post_out(posts.get(r.post_id), r.post_id, r.distance_km),
                           received_at=r.received_at, arrived_at=r.arrived_at,
                           response_min=_minutes(r))
            for r in await store.of_post(session, pos, limit, offset)]


def month_bounds(bulan: str) -> tuple[datetime, datetime]:
    year, month = (int(p) for p in bulan.split("-"))
    start = datetime(year, month, 1, tzinfo=JAKARTA)
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=JAKARTA)
    return start, end


CSV_COLUMNS = ("post_id", "post_name", "reports", "arrived", "within_standard",
               "share_within", "median_min", "p90_min", "not_arrived")


@router.get("/laporan/waktu-tanggap", response_model=ResponseTimeReport,
            responses={200: {"content": {"text/csv": {}}}})
async def response_time_report(session: SessionDep, who: CurrentPrincipal, bulan: Month,
                               format: Literal["json", "csv"] = "json"
                               ) -> ResponseTimeReport | Response:
    """Per post and month: reports, arrived within 15 minutes, share, median and p90
    minutes, not yet arrived. ``format=csv`` answers the same rows as CSV."""
    if not is_officer(who):
        raise ProblemError(403, "damkar-officers-only")
    start, end = month_bounds(bulan)
    rows = await store.in_period(session, start, end)
    out = []
    for post in load_posts().posts:
        mine = [r for r in rows if r.post_id == post.id]
        f = figures(post.id, [r.response_s / 60 if r.response_s is not None else None
                              for r in mine])
        out.append(PostFiguresOut(post_id=post.id, post_name=post.name, reports=f.reports,
                                  arrived=f.arrived, within_standard=f.within,
                                  share_within=f.share,
                                  median_min=round(f.median_min, 1) if f.median_min else
                                  f.median_min,
                                  p90_min=round(f.p90_min, 1) if f.p90_min else f.p90_min,
                                  not_arrived=f.pending))
    report = ResponseTimeReport(bulan=bulan, standard_min=STANDARD_MINUTES,
                                source=STANDARD_SOURCE, posts=out)
    if format == "json":
        return report
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for item in out:
        writer.writerow(["" if v is None else v for v in
                         (getattr(item, c) for c in CSV_COLUMNS)])
    return Response(buffer.getvalue(), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="waktu-tanggap-{bulan}.csv"'})
