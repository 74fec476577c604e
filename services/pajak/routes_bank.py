"""The bank's side: payment confirmations from the bank's integration account, and the daily
reconciliation report for BPPRD (JSON or CSV)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from services.pajak import billing, payments, reconciliation
from services.pajak.schemas import KonfirmasiIn, KonfirmasiOut
from services.pajak.tables import Sppt
from shared.engine.access import INTEGRATION_ROLE
from shared.web.deps import CurrentPrincipal, RuntimeDep, SessionDep
from shared.web.problems import ProblemError, problem_response

AGENCY = payments.AGENCY
router = APIRouter(prefix="/bank", tags=["pajak"])


@router.post("/konfirmasi", response_model=KonfirmasiOut,
             responses={404: {}, 409: {}, 422: {}})
async def confirm_payment(body: KonfirmasiIn, request: Request, session: SessionDep,
                          runtime: RuntimeDep, who: CurrentPrincipal) -> Any:
    """The bank confirms that a payment code was paid: code, amount, the bank's reference and
    the payment time. Idempotent on the reference: the same confirmation again answers the
    same (``ulangan``); a reference reused with other content is 409. A wrong amount (422,
    naming the amount due), an unknown (404), used or replaced (409) or expired (422) code
    is refused and kept for the reconciliation. The bank is the integration account."""
    if not who.has(AGENCY, INTEGRATION_ROLE):
        raise ProblemError(403, "bukan-akun-integrasi-bank")
    now = runtime.clock()
    c = billing.Confirmation(bank=who.subject, kode=body.kode.strip(), jumlah=body.jumlah,
                             referensi=body.referensi, paid_at=body.dibayar_pada)
    try:
        done = await billing.confirm(session, c, now)
    except billing.Refused as exc:
        session.add(billing.unmatched(c, exc.code, now))
        return problem_response(request, exc.status, exc.code, exc.params)
    moved = False if done.replay else await payments.move_cases(session, runtime, done, who)
    sppt = await session.get(Sppt, done.code.sppt_id)
    assert sppt is not None
    p = done.payment
    return KonfirmasiOut(kode=p.kode, bank=p.bank, referensi=p.referensi, jumlah=p.jumlah,
                         dibayar_pada=p.paid_at, nop=sppt.nop, tahun=sppt.tahun,
                         status="lunas", ulangan=done.replay, kasus_dilanjutkan=moved)


@router.get("/rekonsiliasi", response_model=reconciliation.ReportOut)
async def daily_report(session: SessionDep, runtime: RuntimeDep, who: CurrentPrincipal,
                       tanggal: Annotated[date, Query(ge=date(2000, 1, 1),
                                                      le=date(2100, 12, 31))],
                       format: Annotated[Literal["json", "csv"], Query()] = "json") -> Any:
    """The reconciliation of one WIB day: codes issued, payments (per bank), codes issued
    that day and still unpaid, and the bank's confirmations that matched no payable code.
    For BPPRD officers and admins (and the platform admin)."""
    if not (who.is_admin or AGENCY in who.agencies()) or who.has(AGENCY, INTEGRATION_ROLE):
        raise ProblemError(403, "bukan-petugas-bpprd")
    report = await reconciliation.report(session, tanggal)
    if format == "csv":
        return Response(reconciliation.as_csv(report), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition":
                                 f'attachment; filename="rekonsiliasi-pbb-{tanggal}.csv"'})
    return JSONResponse(report.model_dump(mode="json"))
