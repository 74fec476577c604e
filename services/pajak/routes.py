"""Department routes of the pajak service: NOP check, the bill of a NOP and year (public,
as a regency's "cek PBB" page is: no personal data but the masked name), payment codes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from services.pajak import (
    billing,
    messages,  # noqa: F401  (registers the pajak problem codes)
    store,
)
from services.pajak.nop import NopError, parse_nop
from services.pajak.ratelimit import Limited, client_address, limiter_of
from services.pajak.routes_bank import router as bank_router
from services.pajak.schemas import (
    CekOut,
    KasusPajakOut,
    KodeBayarIn,
    KodeBayarOut,
    SpptOut,
    TagihanOut,
    tagihan_out,
)
from services.pajak.tables import Sppt, Subjek
from shared.web.deps import CaseDep, CurrentPrincipal, RuntimeDep, SessionDep
from shared.web.problems import ProblemError

router = APIRouter(prefix="/nop", tags=["pajak"])
bills = APIRouter(prefix="/tagihan", tags=["pajak"])


class NopOut(BaseModel):
    nop: str
    """The NOP in its standard form, PP.KK.KKK.DDD.BBB-NNNN.J."""
    parts: dict[str, str]


def standard_nop(text: str) -> str:
    try:
        return parse_nop(text).formatted
    except NopError as exc:
        raise ProblemError(422, exc.problem) from None


@router.get("/periksa", response_model=NopOut)
async def check_nop(nop: Annotated[str, Query(max_length=40)]) -> NopOut:
    """Check a NOP as typed before submitting (the form of a PBB-P2 request uses it)."""
    try:
        parsed = parse_nop(nop)
    except NopError as exc:
        raise ProblemError(422, exc.problem) from None
    return NopOut(nop=parsed.formatted, parts=parsed.parts())


async def bill_view(session: AsyncSession, nop: str, tahun: int, runtime: RuntimeDep
                    ) -> TagihanOut:
    try:
        bill = await billing.find_bill(session, nop, tahun, runtime.clock())
    except billing.Refused as exc:
        raise ProblemError(exc.status, exc.code, **exc.params) from None
    objek = await store.objek(session, nop)
    assert objek is not None  # an SPPT's object exists (foreign key)
    subjek = await session.get(Subjek, objek.subjek_id)
    return tagihan_out(bill, subjek.nama_masked if subjek else "*", objek.kecamatan, objek.desa)


@bills.get("", response_model=TagihanOut, responses={429: {
    "description": "Too many bill checks from this address, or for this NOP from it "
                   "(`tagihan-terlalu-sering`, `tagihan-nop-terlalu-sering`, `Retry-After`)"}})
async def get_bill(request: Request, session: SessionDep, runtime: RuntimeDep,
                   nop: Annotated[str, Query(min_length=1, max_length=40)],
                   tahun: Annotated[int, Query(ge=1990, le=2100)]) -> TagihanOut:
    """The PBB-P2 bill of a NOP and tax year as of today (Asia/Jakarta): pokok, interest for
    the months late (1% a month, at most 24, a part month counted full) and the total.
    Public, like the regency's cek-PBB page: the taxpayer's name is masked. Limited per
    client address and per NOP from one address (429 with ``Retry-After``)."""
    limiter = limiter_of(request)
    client = client_address(request, limiter.limits.gateways)
    now = runtime.clock().timestamp()
    try:
        standard = parse_nop(nop).formatted
    except NopError as exc:
        standard, problem = None, exc.problem
    try:
        limiter.admit(client, standard, now)  # a NOP that cannot be read counts for the address
    except Limited as exc:
        raise ProblemError(429, exc.code, headers={"Retry-After": str(exc.retry_after)},
                           retry_after=exc.retry_after) from None
    if standard is None:
        raise ProblemError(422, problem)
    return await bill_view(session, standard, tahun, runtime)


@bills.post("/kode-bayar", response_model=KodeBayarOut, status_code=201)
async def make_code(body: KodeBayarIn, session: SessionDep, runtime: RuntimeDep,
                    who: CurrentPrincipal) -> KodeBayarOut:
    """A payment code for the bill as of today (pokok + interest), valid to the end of the
    WIB day (the regency's setting), never into the next interest month. A new code retires
    the earlier payable codes of the same bill."""
    try:
        row = await billing.issue_code(session, standard_nop(body.nop), body.tahun,
                                       runtime.clock(), who.subject)
    except billing.Refused as exc:
        raise ProblemError(exc.status, exc.code, **exc.params) from None
    return KodeBayarOut.of(row, body.tahun)


@bills.get("/kasus/{case_id}", response_model=KasusPajakOut)
async def case_facts(case: CaseDep, session: SessionDep) -> KasusPajakOut:
    """The pajak facts of a case its reader may see (the applicant, the agency's officers):
    the bill shown by cek tagihan, the payment codes of pembayaran, the SPPT of a
    registration."""
    cek = await store.cek_of_case(session, case.id)
    codes = await store.codes_of_case(session, case.id)
    objek = await store.objek_of_case(session, case.id)
    s = await store.latest_sppt(session, objek.nop) if objek is not None else None
    sppt = SpptOut(nop=s.nop, tahun=s.tahun, njop=s.njop, pokok=s.pokok,
                   jatuh_tempo=s.jatuh_tempo, status="lunas" if s.lunas else "terutang") \
        if s is not None else None
    years = {c.sppt_id: await _year(session, c.sppt_id) for c in codes}
    return KasusPajakOut(
        cek_tagihan=[CekOut.model_validate(c, from_attributes=True) for c in cek],
        kode_bayar=[KodeBayarOut.of(c, years[c.sppt_id]) for c in codes], sppt_baru=sppt)


async def _year(session: AsyncSession, sppt_id: str) -> int:
    row = await session.get(Sppt, sppt_id)
    return row.tahun if row else 0


routers = [router, bills, bank_router]
