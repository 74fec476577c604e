"""Department hooks of the pajak service (see shared.cases.hooks).

* Every PBB-P2 request that names a NOP gets it checked and written in its standard form
  before the case opens (the registration's neighbour NOP too).
* Cek tagihan: leaving ``input_nop`` records the real bill (as of that moment, WIB), or that
  none exists, for the case (``GET /tagihan/kasus/{case_id}``; the history is append-only).
* Pembayaran: leaving ``kode_pembayaran`` issues the payment code for the case's bill
  (refused when there is no payable bill); ``pembayaran_bank`` is left only once the bank
  has confirmed the code (``POST /bank/konfirmasi`` does it as the bank's account).
* Pendaftaran objek pajak baru: the assessment step (``penetapan``) writes the object, its
  subject and its first SPPT; ``pembayaran_bank`` is left only when that SPPT is paid.
* The NOP fields are standardised again on a corrected resubmission (``on_resubmit``).
* The rows of the output documents (SPPT copy, SKNJOP, STTS, the bill record):
  :mod:`services.pajak.outputs`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.pajak import (
    billing,
    messages,  # noqa: F401  (registers the pajak problem codes)
    outputs,
    registry,
    store,
)
from services.pajak.domain import RuleError
from services.pajak.domain_interest import wib_date
from services.pajak.nop import NopError, parse_nop
from services.pajak.tables import CekTagihan
from shared.cases.hooks import Hooks
from shared.cases.pii import PiiCipher
from shared.db.tables import CaseRow
from shared.engine.errors import InvalidSubmission
from shared.engine.state import Transition
from shared.sop.model import SopDefinition
from shared.web.problems import ProblemError

CEK, BAYAR, DAFTAR = ("bpprd-pbb-cek-tagihan", "bpprd-pbb-pembayaran",
                      "bpprd-pbb-pendaftaran-objek-pajak-baru")
SALINAN = "bpprd-pbb-cetak-salinan"
NOP_FIELDS = {CEK: "nop", BAYAR: "nop", SALINAN: "nop", DAFTAR: "nop_tetangga"}


@dataclass
class PajakContext:
    """What the hooks need from the running service (set when its lifespan starts)."""

    cipher: PiiCipher | None = None
    key: bytes = field(default=b"", repr=False)


def _standard(name: str) -> Any:
    async def standard_nop(_sop: SopDefinition, form: dict[str, Any]) -> None:
        value = form.get(name)
        if not isinstance(value, str) or not value.strip():
            return  # missing or mistyped: the generic form check reports it with the others
        try:
            form[name] = parse_nop(value).formatted
        except NopError as exc:
            raise InvalidSubmission([{"field": name, "problem": exc.problem}]) from None
    return standard_nop


def _standard_again(name: str) -> Any:
    check = _standard(name)

    async def standard_corrected(_session: AsyncSession, sop: SopDefinition, _row: CaseRow,
                                 _done: Transition, form: dict[str, Any]) -> None:
        await check(sop, form)
    return standard_corrected


def _entry(done: Transition, step: str) -> datetime:
    """When the transition out of ``step`` happened (the engine's clock)."""
    return next(e.at for e in done.entries if e.step_id == step)


async def record_bill(session: AsyncSession, _sop: SopDefinition, row: CaseRow,
                      done: Transition) -> None:
    """Keep the bill the case showed (``GET /tagihan/kasus/{id}`` reads it back)."""
    at = _entry(done, "input_nop")
    nop, tahun = str(row.form.get("nop")), int(row.form.get("tahun_pajak") or 0)
    try:
        bill: billing.Bill | None = await billing.find_bill(session, nop, tahun, at)
    except billing.Refused:
        bill = None
    s = bill.sppt if bill else None
    session.add(CekTagihan(
        id=str(uuid.uuid4()), case_id=row.id, nop=nop[:40], tahun=tahun,
        ditemukan=bill is not None, pokok=s.pokok if s else 0,
        bunga=bill.bunga if bill else 0, bulan_bunga=bill.bulan_bunga if bill else 0,
        jumlah=bill.jumlah if bill else 0, jatuh_tempo=s.jatuh_tempo if s else None,
        status=("lunas" if s.lunas else "terutang") if s else "tidak_ada",
        per_tanggal=wib_date(at)))


async def issue_case_code(session: AsyncSession, _sop: SopDefinition, row: CaseRow,
                          done: Transition) -> None:
    at = _entry(done, "kode_pembayaran")
    try:
        await billing.issue_code(session, str(row.form.get("nop")),
                                        int(row.form.get("tahun_pajak") or 0), at,
                                        row.applicant_id, case_id=row.id)
    except billing.Refused as exc:
        raise ProblemError(exc.status, exc.code, **exc.params) from None


async def code_paid(session: AsyncSession, _sop: SopDefinition, row: CaseRow,
                    _done: Transition) -> None:
    code = await store.kode_of_case(session, row.id)
    if code is None or code.status != "lunas":
        raise ProblemError(409, "kode-bayar-belum-lunas")


def assesses(sop: SopDefinition) -> bool:
    """Whether the registration version records the NJOP classes (version 2 on); a case
    running on version 1 keeps that version's behaviour (no registry write, no wait)."""
    step = sop.step("penentuan_njop") if sop.has_step("penentuan_njop") else None
    action = step.action("tentukan_njop") if step else None
    return bool(action and action.fields)


async def sppt_paid(session: AsyncSession, sop: SopDefinition, row: CaseRow,
                    _done: Transition) -> None:
    if not assesses(sop):
        return
    objek = await store.objek_of_case(session, row.id)
    sppt = await store.latest_sppt(session, objek.nop) if objek else None
    if sppt is None or not sppt.lunas:
        raise ProblemError(409, "kode-bayar-belum-lunas")


def _registration(context: PajakContext) -> Any:
    async def register_object(session: AsyncSession, sop: SopDefinition, row: CaseRow,
                              done: Transition) -> None:
        if not assesses(sop):
            return
        if context.cipher is None:
            raise RuntimeError("pajak hooks used before the service started")
        at = _entry(done, "penetapan")
        form = context.cipher.open_form(row.form, sop.personal_fields())
        kelas = ((row.officer_data or {}).get("penentuan_njop") or {}).get("values") or {}
        try:
            nop = await registry.next_nop(session, str(form["nop_tetangga"]))
            owner = await registry.subject(session, context.cipher, context.key,
                                           str(form["nik_wajib_pajak"]),
                                           str(form["nama_wajib_pajak"]), at)
            await registry.register(
                session, subjek=owner, nop=nop,
                letak_cipher=context.cipher.encrypt(str(form["letak_objek_pajak"])),
                luas_bumi=Decimal(str(form["luas_tanah"])),
                luas_bangunan=Decimal(str(form.get("luas_bangunan") or 0)),
                kelas_bumi=str(kelas.get("kelas_bumi", "")),
                kelas_bangunan=kelas.get("kelas_bangunan"),
                jenis=str(kelas.get("jenis_tanah") or "umum"), case_id=row.id, now=at)
        except (NopError, RuleError, ValueError) as exc:
            raise ProblemError(422, str(exc) if str(exc) in {
                "kelas-bumi-unknown", "kelas-bangunan-unknown"} else "not-nop") from None
    return register_object


def build_hooks(context: PajakContext) -> Hooks:
    built = Hooks()
    for key, name in NOP_FIELDS.items():
        built.on_open(key)(_standard(name))
        built.on_resubmit(key)(_standard_again(name))
    built.after_leaving(CEK, "input_nop")(record_bill)
    built.after_leaving(BAYAR, "kode_pembayaran")(issue_case_code)
    built.before_leaving(BAYAR, "pembayaran_bank")(code_paid)
    built.after_leaving(DAFTAR, "penetapan")(_registration(context))
    built.before_leaving(DAFTAR, "pembayaran_bank")(sppt_paid)
    outputs.install(built, CEK, BAYAR, SALINAN, DAFTAR)
    return built


hooks = build_hooks(PajakContext())
"""The hooks of the service spec (``create_app`` builds its own, bound to its runtime)."""
