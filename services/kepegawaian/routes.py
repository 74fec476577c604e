"""Department routes of the kepegawaian service: leave balances, the ledger, adjustments,
who signs a leave case, and the employee's data from SIASN.

Who sees what: an ASN logs in with their citizen account; the account is linked to the NIP
by their first leave request (or by a BKD admin) and ``/cuti/saya`` answers their own
balance. BKD officers (any ``bkd:<role>``) read every employee's ledger with names masked;
a BKD admin (``bkd:admin``) adjusts the ledger (audited) and links accounts.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

from services.kepegawaian import (
    messages,  # noqa: F401  (registers the problem codes)
    rules,
    store,
)
from services.kepegawaian.adapters.siasn import Siasn, SiasnUnavailable, siasn_from_env
from services.kepegawaian.domain import YearLedger, carried_into, signer_for
from services.kepegawaian.hooks import LABELS
from services.kepegawaian.tables import EmployeeRow
from shared.cases.pii import mask
from shared.db.tables import AuditRow
from shared.engine.state import Principal
from shared.web.deps import CurrentPrincipal, RuntimeDep, SessionDep, may_read
from shared.web.problems import ProblemError
from shared.web.runtime import ServiceRuntime

router = APIRouter(prefix="/cuti", tags=["kepegawaian"])
NipPath = Annotated[str, Path(pattern=r"^[0-9]{18}$", description="NIP, 18 angka")]
YearQuery = Annotated[int | None, Query(ge=2000, le=2100)]


def siasn_dep() -> Siasn | None:
    """The SIASN adapter the settings choose (``None``: not configured)."""
    return siasn_from_env()


SiasnDep = Annotated[Siasn | None, Depends(siasn_dep)]


class TypeBalance(BaseModel):
    jenis: str
    hak: int | None
    """Annual leave: the year's entitlement; other types: None (limited per request)."""
    ditangguhkan: int = 0
    """Carried over from the years before (PP 11/2017 Pasal 313)."""
    penyesuaian: int = 0
    diambil: int
    menunggu: int
    sisa: int | None
    batas: str
    dasar_hukum: str


class EmployeeOut(BaseModel):
    nip: str
    nama: str
    """Masked unless the employee reads their own record."""
    jabatan: str
    jenis_jabatan: str
    unit_kerja: str
    kedudukan: str
    tmt_cpns: date
    sumber: str
    akun_tertaut: bool


class RequestOut(BaseModel):
    case_id: str
    jenis: str
    tanggal_mulai: date
    tanggal_selesai: date
    hari_kerja: int
    status: str
    penandatangan: str
    penandatangan_dasar: str
    penandatangan_ditafsirkan: bool
    siasn: str


class LedgerOut(BaseModel):
    pegawai: EmployeeOut
    tahun: int
    saldo: list[TypeBalance]
    usulan: list[RequestOut]


class AdjustIn(BaseModel):
    tahun: int = Field(ge=2000, le=2100)
    jenis: Literal["tahunan", "besar", "sakit", "bersalin", "alasan_penting"] = "tahunan"
    kolom: Literal["penyesuaian", "diambil"]
    """``penyesuaian``: days added or removed (e.g. cuti bersama an ASN had to work, Pasal 333
    ayat (3)); ``diambil``: leave taken outside Halo Lamsel (records before it)."""
    selisih: int = Field(ge=-60, le=60)
    alasan: str = Field(min_length=5, max_length=500)


class LinkIn(BaseModel):
    account_id: str = Field(min_length=1, max_length=64)


def _officer(who: Principal) -> None:
    if not (who.is_admin or "bkd" in who.agencies()):
        raise ProblemError(403, "forbidden")


def _bkd_admin(who: Principal) -> None:
    if not (who.is_admin or who.has("bkd", "admin")):
        raise ProblemError(403, "forbidden")


async def _employee(session: AsyncSession, nip: str) -> EmployeeRow:
    found = await store.employee(session, nip)
    if found is None:
        raise ProblemError(404, "pegawai-not-found")
    return found


def _employee_out(row: EmployeeRow, runtime: ServiceRuntime, full: bool) -> EmployeeOut:
    name = runtime.cases.cipher.decrypt(row.name_sealed) if row.name_sealed else ""
    return EmployeeOut(nip=row.nip, nama=name if full else mask(name), jabatan=row.jabatan,
                       jenis_jabatan=row.position, unit_kerja=row.unit,
                       kedudukan=row.kind.upper(), tmt_cpns=row.service_start,
                       sumber=row.source, akun_tertaut=row.account_id is not None)


async def _ledger(session: AsyncSession, runtime: ServiceRuntime, row: EmployeeRow,
                  year: int | None, full: bool) -> LedgerOut:
    year = year or runtime.clock().date().year
    table = rules.PPPK_RULES if row.kind == "pppk" else rules.PNS_RULES
    books = {b.kind: b for b in await store.ledgers(session, row.nip, year)}
    balances = []
    for kind, rule in table.items():
        book = books.get(kind)
        if kind == "tahunan":
            if book is not None:
                annual = store.as_year(book)
            else:  # not used yet this year: what it would open with (nothing written)
                previous = {b.year: store.as_year(b) for b in await store.ledgers(
                    session, row.nip) if b.kind == "tahunan"}
                annual = YearLedger(year, carried=carried_into(previous.get(year - 1),
                                                               previous.get(year - 2)))
            balances.append(TypeBalance(
                jenis=kind, hak=annual.entitlement, ditangguhkan=annual.carried,
                penyesuaian=annual.adjusted, diambil=annual.taken, menunggu=annual.pending,
                sisa=annual.available, batas=f"{rule.max_amount} hari kerja",
                dasar_hukum=rule.source + "; PP 11/2017 Pasal 313"))
        else:
            unit = "bulan" if rule.unit == "months" else "hari kerja"
            balances.append(TypeBalance(
                jenis=kind, hak=None, diambil=book.taken if book else 0,
                menunggu=book.pending if book else 0, sisa=None,
                batas=f"{rule.max_amount} {unit} per usulan", dasar_hukum=rule.source))
    items = []
    for item in await store.requests(session, row.nip):
        signer = signer_for(item.kind, row.position, item.abroad)
        items.append(RequestOut(
            case_id=item.case_id, jenis=item.kind, tanggal_mulai=item.start,
            tanggal_selesai=item.end, hari_kerja=item.working_days, status=item.status,
            penandatangan=LABELS[signer.signer], penandatangan_dasar=signer.source,
            penandatangan_ditafsirkan=signer.assumed, siasn=item.siasn))
    return LedgerOut(pegawai=_employee_out(row, runtime, full), tahun=year, saldo=balances,
                     usulan=items)


@router.get("/saya", response_model=LedgerOut)
async def my_balance(session: SessionDep, runtime: RuntimeDep, who: CurrentPrincipal,
                     tahun: YearQuery = None) -> LedgerOut:
    """The caller's own leave balance (the ASN's citizen account linked to a NIP)."""
    row = await store.employee_of_account(session, who.subject)
    if row is None:
        raise ProblemError(404, "pegawai-bukan-akun")
    return await _ledger(session, runtime, row, tahun, full=True)


@router.get("/pegawai", response_model=list[EmployeeOut])
async def list_employees(session: SessionDep, runtime: RuntimeDep, who: CurrentPrincipal,
                         unit: Annotated[str | None, Query(max_length=200)] = None,
                         limit: Annotated[int, Query(ge=1, le=200)] = 50,
                         offset: Annotated[int, Query(ge=0, le=100_000)] = 0
                         ) -> list[EmployeeOut]:
    """BKD officers: the employees known to the ledger (names masked)."""
    _officer(who)
    rows = await store.employees(session, unit, limit, offset)
    return [_employee_out(r, runtime, full=False) for r in rows]


@router.get("/pegawai/{nip}", response_model=LedgerOut)
async def employee_ledger(nip: NipPath, session: SessionDep, runtime: RuntimeDep,
                          who: CurrentPrincipal, tahun: YearQuery = None) -> LedgerOut:
    """BKD officers: one employee's ledger for a year and their leave requests."""
    _officer(who)
    row = await _employee(session, nip)
    return await _ledger(session, runtime, row, tahun, full=False)


@router.post("/pegawai/{nip}/penyesuaian", response_model=LedgerOut)
async def adjust_ledger(nip: NipPath, body: AdjustIn, session: SessionDep,
                        runtime: RuntimeDep, who: CurrentPrincipal) -> LedgerOut:
    """BKD admin: add or remove days of one year and type, with a reason (audited)."""
    _bkd_admin(who)
    row = await _employee(session, nip)
    field = "adjusted" if body.kolom == "penyesuaian" else "taken"
    at = runtime.clock()
    book = await store.adjust(session, nip, body.tahun, body.jenis, field, body.selisih,
                              body.alasan, who.subject, at)
    if book.taken < 0 or book.entitlement + book.carried + book.adjusted < 0:
        raise ProblemError(422, "penyesuaian-negatif")
    session.add(AuditRow(at=at, actor_id=who.subject, action="bkd.leave_adjusted",
                         target=f"kepegawaian/pegawai/{nip}",
                         detail={"tahun": body.tahun, "jenis": body.jenis, "kolom": body.kolom,
                                 "selisih": body.selisih}))
    return await _ledger(session, runtime, row, body.tahun, full=False)


@router.put("/pegawai/{nip}/akun", response_model=EmployeeOut)
async def link_account(nip: NipPath, body: LinkIn, session: SessionDep, runtime: RuntimeDep,
                       who: CurrentPrincipal) -> EmployeeOut:
    """BKD admin: link the ASN's citizen account to the NIP (audited)."""
    _bkd_admin(who)
    row = await _employee(session, nip)
    other = await store.employee_of_account(session, body.account_id)
    if other is not None and other.nip != nip:
        raise ProblemError(409, "akun-nip-lain")
    row.account_id = body.account_id
    row.updated_at = runtime.clock()
    session.add(AuditRow(at=row.updated_at, actor_id=who.subject, action="bkd.account_linked",
                         target=f"kepegawaian/pegawai/{nip}", detail={}))
    return _employee_out(row, runtime, full=False)


@router.post("/pegawai/{nip}/siasn", response_model=EmployeeOut)
async def sync_from_siasn(nip: NipPath, session: SessionDep, runtime: RuntimeDep,
                          who: CurrentPrincipal, siasn: SiasnDep) -> EmployeeOut:
    """BKD officers: take the employee's position, unit, kind and TMT CPNS from SIASN
    (registers the employee when new); SIASN's data then chooses the signer."""
    _officer(who)
    if siasn is None:  # a state of this deployment, not an outage: 409, not 5xx
        raise ProblemError(409, "siasn-not-configured")
    try:
        found = await siasn.employee(nip)
    except SiasnUnavailable:
        raise ProblemError(503, "siasn-unavailable") from None
    if found is None:
        raise ProblemError(404, "siasn-not-found")
    at = runtime.clock()
    row = await store.employee(session, nip)
    sealed = runtime.cases.cipher.encrypt(found.name)
    if row is None:
        row = EmployeeRow(nip=nip, account_id=None, created_at=at, name_sealed=sealed,
                          jabatan="", position="", unit="", kind="", source="siasn",
                          service_start=found.tmt_cpns, updated_at=at)
        session.add(row)
    position = found.position if found.position in rules.POSITIONS else "pelaksana"
    row.name_sealed, row.jabatan, row.position = sealed, found.jabatan[:200], position
    row.unit, row.kind, row.service_start = found.unit[:200], found.kind, found.tmt_cpns
    row.source, row.updated_at = "siasn", at
    await session.flush()
    return _employee_out(row, runtime, full=False)


@router.get("/kasus/{case_id}", response_model=RequestOut)
async def case_leave(case_id: Annotated[str, Path(max_length=36)], session: SessionDep,
                     runtime: RuntimeDep, who: CurrentPrincipal) -> RequestOut:
    """A leave case's counted days, its status on the ledger and who signs its Surat Cuti
    (the applicant and the officers who may read the case)."""
    case = await runtime.store.get(session, case_id)
    if case is None or not await may_read(session, runtime, case, who):
        raise ProblemError(404, "cuti-not-found")
    item = await store.request(session, case_id)
    if item is None:
        raise ProblemError(404, "cuti-not-found")
    row = await _employee(session, item.nip)
    rule = signer_for(item.kind, row.position, item.abroad)
    return RequestOut(case_id=item.case_id, jenis=item.kind, tanggal_mulai=item.start,
                      tanggal_selesai=item.end, hari_kerja=item.working_days,
                      status=item.status, penandatangan=LABELS[rule.signer],
                      penandatangan_dasar=rule.source,
                      penandatangan_ditafsirkan=rule.assumed, siasn=item.siasn)
