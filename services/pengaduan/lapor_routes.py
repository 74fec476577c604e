"""SP4N-LAPOR! routes of the pengaduan service, for its officers (and platform admins).

* ``GET /lapor/status``: whether LAPOR! is configured (``HALO_PENGADUAN_LAPOR_URL``), how
  many reports were pulled and when last, the push queue by state.
* ``GET /lapor/laporan``: the reports pulled from LAPOR! (an officer: those whose case is in
  one of their agencies), each with its case, tracking number, confidentiality level, sync
  state, its pushes, and its deadlines with their standing (``berjalan``, ``tepat_waktu``,
  ``terlambat`` by N working days); ``terlambat=true``: only the overdue ones.
* ``POST /lapor/laporan/{lapor_id}/perpanjang``: an officer of the case's agency marks a
  report as needing more time (the 10-working-day follow-up deadline applies).

No personal data in any answer: the reporter stays sealed in the cross-reference.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel
from sqlalchemy import func, select

from services.pengaduan import (
    lapor_store,
    messages_lapor,  # noqa: F401  (registers the problem codes)
)
from services.pengaduan.adapters.lapor import lapor_settings_from_env
from services.pengaduan.lapor_mapping import service_sops
from services.pengaduan.lapor_pull import office_calendar
from services.pengaduan.lapor_rules import standing
from services.pengaduan.lapor_tables import LaporPushRow, LaporReportRow
from shared.engine.state import Principal
from shared.settings import SettingsError
from shared.times import UtcDatetime
from shared.web.deps import CurrentPrincipal, RuntimeDep, SessionDep
from shared.web.paging import MAX_OFFSET
from shared.web.problems import ProblemError
from shared.web.runtime import ServiceRuntime

router = APIRouter(prefix="/lapor", tags=["pengaduan"])
LaporId = Annotated[str, Path(min_length=1, max_length=60, pattern=r"^[A-Za-z0-9._-]+$")]


def _agencies(who: Principal) -> frozenset[str] | None:
    """The service's agencies ``who`` works in (None: all, a platform admin); 403 if none."""
    if who.is_admin:
        return None
    mine = who.agencies() & set(service_sops().values())
    if not mine:
        raise ProblemError(403, "forbidden")
    return frozenset(mine)


class LaporStatus(BaseModel):
    terhubung: bool
    """Whether ``HALO_PENGADUAN_LAPOR_URL`` (and its token) are set: the loop pulls and pushes."""
    alasan: str | None
    laporan: int
    tarik_terakhir: UtcDatetime | None
    push: dict[str, int]


@router.get("/status", response_model=LaporStatus)
async def lapor_status(who: CurrentPrincipal, session: SessionDep) -> LaporStatus:
    _agencies(who)
    try:
        settings, reason = lapor_settings_from_env(), None
    except SettingsError:
        settings, reason = None, "HALO_PENGADUAN_LAPOR_TOKEN belum diisi"
    if settings is None and reason is None:
        reason = "HALO_PENGADUAN_LAPOR_URL belum diisi: SP4N-LAPOR! tidak dipakai"
    count = await session.scalar(select(func.count()).select_from(LaporReportRow))
    last = await session.scalar(select(func.max(LaporReportRow.pulled_at)))
    return LaporStatus(terhubung=settings is not None, alasan=reason, laporan=int(count or 0),
                       tarik_terakhir=last, push=await lapor_store.push_counts(session))


class DeadlineOut(BaseModel):
    nama: str
    batas: UtcDatetime
    terpenuhi_pada: UtcDatetime | None
    status: str
    terlambat_hari_kerja: int


class PushOut(BaseModel):
    jenis: str
    status: str
    percobaan: int
    waktu: UtcDatetime
    terkirim_pada: UtcDatetime | None
    galat: str | None


class LaporReportOut(BaseModel):
    lapor_id: str
    case_id: str | None
    tracking_no: str | None
    sop_key: str | None
    agency: str | None
    kerahasiaan: str
    diteruskan_pada: UtcDatetime
    ditarik_pada: UtcDatetime
    diperpanjang: bool
    sinkron: str
    galat: str | None
    terlambat: bool
    batas_waktu: list[DeadlineOut]
    push: list[PushOut]


class LaporReportPage(BaseModel):
    items: list[LaporReportOut]
    total: int
    limit: int
    offset: int


def _out(runtime: ServiceRuntime, row: LaporReportRow, pushes: list[LaporPushRow],
         now: datetime) -> LaporReportOut:
    cal = office_calendar(runtime)
    follow_due = row.due_followup_extended if row.extended else row.due_followup
    marks = [("verifikasi", row.due_verify, row.verified_at or row.closed_at),
             ("tindak_lanjut_diperpanjang" if row.extended else "tindak_lanjut", follow_due,
              row.closed_at)]
    deadlines = []
    for name, due, met in marks:
        got = standing(cal, due, met, now)
        deadlines.append(DeadlineOut(nama=name, batas=due, terpenuhi_pada=met,
                                     status=got.status, terlambat_hari_kerja=got.late_by))
    return LaporReportOut(
        lapor_id=row.lapor_id, case_id=row.case_id, tracking_no=row.tracking_no,
        sop_key=row.sop_key, agency=row.agency, kerahasiaan=row.kerahasiaan,
        diteruskan_pada=row.assigned_at, ditarik_pada=row.pulled_at, diperpanjang=row.extended,
        sinkron=row.sync_state, galat=row.last_error,
        terlambat=any(d.status == "terlambat" for d in deadlines), batas_waktu=deadlines,
        push=[PushOut(jenis=p.kind, status=p.status, percobaan=p.attempts, waktu=p.at,
                      terkirim_pada=p.sent_at, galat=p.last_error) for p in pushes])


@router.get("/laporan", response_model=LaporReportPage)
async def lapor_reports(
        who: CurrentPrincipal, session: SessionDep, runtime: RuntimeDep,
        terlambat: bool = False, limit: Annotated[int, Query(ge=1, le=100)] = 20,
        offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0) -> LaporReportPage:
    """The LAPOR! reports (oldest assignment first) with their deadline standing; an
    officer sees those of their agencies; ``terlambat=true``: only the overdue ones."""
    agencies = _agencies(who)
    now = runtime.clock()
    rows, total = await lapor_store.reports(session, agencies=agencies,
                                            overdue_at=now if terlambat else None,
                                            limit=limit, offset=offset)
    pushes = await lapor_store.pushes_of(session, [r.id for r in rows])
    items = [_out(runtime, r, [p for p in pushes if p.report_id == r.id], now) for r in rows]
    return LaporReportPage(items=items, total=total, limit=limit, offset=offset)


@router.post("/laporan/{lapor_id}/perpanjang", response_model=LaporReportOut)
async def extend_report(lapor_id: LaporId, who: CurrentPrincipal, session: SessionDep,
                        runtime: RuntimeDep) -> LaporReportOut:
    """Apply the extended follow-up deadline to a report that needs coordination or a field
    check; for officers of the case's agency (idempotent)."""
    agencies = _agencies(who)
    row = await lapor_store.report_by_lapor_id(session, lapor_id)
    if row is None or (agencies is not None and row.agency not in agencies):
        raise ProblemError(404, "lapor-report-not-found")
    if row.closed_at is not None:
        raise ProblemError(409, "lapor-report-closed")
    row.extended = True
    await session.flush()
    return _out(runtime, row, await lapor_store.pushes_of(session, [row.id]), runtime.clock())
