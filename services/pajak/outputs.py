"""The pajak rows on output documents (``hooks.output_rows``, see shared/outputs/rows.py).

* The SPPT copy (``sppt_salinan`` of cetak salinan and of the registration) carries the
  SPPT's content: NOP, tax year, location (desa/kelurahan and kecamatan codes of the NOP; no
  street address, which is the taxpayer's), the subject's masked name, land and building
  (area, class, NJOP per m², NJOP), the NJOP, NJOPTKP, the NJOP the tax is computed on, the
  tariff, the PBB terutang and the due date. The SKNJOP (``surat_keterangan`` of the same
  SOPs) carries the object and NJOP part.
* The STTS (``bukti_pembayaran`` of pembayaran, issued when the bank's confirmation completes
  the bank step): NOP, year, pokok, interest (months), total paid, payment date and time WIB,
  the bank, its reference, the payment code and "LUNAS".
* The cek-tagihan record (``surat_keterangan``): the bill as of the day it was asked.

Public on the verification page: what identifies the document's object and amount (NOP, year,
location codes, PBB terutang or the amount paid, due or payment date, status); never the name,
the bank reference or the payment code. The rows are read when the output is issued and
stored with it. Row layout after the SPPT's standard content (see docs/departments.md, pajak).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.pajak import billing, store
from services.pajak.domain import whole_rupiah
from services.pajak.domain_interest import WIB, wib_date
from services.pajak.tables import KodeBayar, Objek, Pembayaran, Sppt, Subjek
from shared.cases.hooks import Hooks
from shared.db.tables import CaseRow
from shared.outputs.rows import OutputRow, OutputTable

MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
          "September", "Oktober", "November", "Desember")


def rupiah(amount: int) -> str:
    """``Rp112.000`` (the Indonesian thousands separator)."""
    return f"Rp{amount:,}".replace(",", ".")


def hari(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def waktu_wib(at: datetime) -> str:
    local = at.astimezone(WIB)
    return f"{hari(local.date())} pukul {local:%H.%M} WIB"


def luas(area: Decimal) -> str:
    text = f"{area.normalize():f}" if area != area.to_integral() else f"{int(area)}"
    return f"{text.replace('.', ',')} m²"


def persen(rate: Decimal) -> str:
    """``0.001`` as ``0,1%``."""
    text = f"{rate * 100:.3f}".rstrip("0").rstrip(".")
    return f"{text.replace('.', ',')}%"


def per_m2(njop: int, area: Decimal) -> str:
    return rupiah(whole_rupiah(Decimal(njop) / area)) if area > 0 else "-"


def _letak(objek: Objek) -> str:
    return (f"Desa/Kelurahan {objek.desa}, Kecamatan {objek.kecamatan}, Kabupaten Lampung "
            "Selatan")


def object_rows(sppt: Sppt, objek: Objek) -> list[OutputRow]:
    """NOP, year, location and the NJOP of land and building (SPPT and SKNJOP)."""
    bumi = ("Bumi", luas(objek.luas_bumi), objek.kelas_bumi,
            per_m2(sppt.njop_bumi, objek.luas_bumi), rupiah(sppt.njop_bumi))
    rows = [bumi]
    if objek.luas_bangunan > 0:
        rows.append(("Bangunan", luas(objek.luas_bangunan), objek.kelas_bangunan or "-",
                     per_m2(sppt.njop_bangunan, objek.luas_bangunan),
                     rupiah(sppt.njop_bangunan)))
    return [
        OutputRow("NOP", sppt.nop, public=True),
        OutputRow("Tahun pajak", str(sppt.tahun), public=True),
        OutputRow("Letak objek pajak", _letak(objek), public=True),
        OutputRow("Objek pajak", table=OutputTable(
            ("Objek", "Luas", "Kelas", "NJOP per m²", "Total NJOP"), tuple(rows))),
        OutputRow("NJOP sebagai dasar pengenaan", rupiah(sppt.njop)),
    ]


def sppt_rows(sppt: Sppt, objek: Objek, subjek: Subjek | None) -> list[OutputRow]:
    return [
        *object_rows(sppt, objek),
        OutputRow("Nama wajib pajak", subjek.nama_masked if subjek else "-"),
        OutputRow("NJOPTKP", rupiah(sppt.njoptkp)),
        OutputRow("NJOP untuk penghitungan PBB", rupiah(sppt.dasar)),
        OutputRow("Tarif", persen(sppt.tarif)),
        OutputRow("PBB terutang", rupiah(sppt.pokok), public=True),
        OutputRow("Jatuh tempo", hari(sppt.jatuh_tempo), public=True),
    ]


async def _of_case_sppt(session: AsyncSession, row: CaseRow
                        ) -> tuple[Sppt, Objek, Subjek | None] | None:
    """The SPPT a case is about: the registration's new object, else the NOP and year of the
    form (cetak salinan)."""
    objek = await store.objek_of_case(session, row.id)
    sppt = await store.latest_sppt(session, objek.nop) if objek is not None else None
    if sppt is None:
        nop, tahun = row.form.get("nop"), row.form.get("tahun_pajak")
        if not isinstance(nop, str) or not isinstance(tahun, int):
            return None
        sppt = await store.sppt(session, nop, tahun)
        objek = await store.objek(session, nop) if sppt is not None else None
    if sppt is None or objek is None:
        return None
    return sppt, objek, await session.get(Subjek, objek.subjek_id)


async def sppt_copy(session: AsyncSession, _runtime: Any, row: CaseRow) -> list[OutputRow]:
    found = await _of_case_sppt(session, row)
    return sppt_rows(*found) if found else []


async def sknjop(session: AsyncSession, _runtime: Any, row: CaseRow) -> list[OutputRow]:
    found = await _of_case_sppt(session, row)
    return object_rows(found[0], found[1]) if found else []


def stts_rows(code: KodeBayar, payment: Pembayaran, sppt: Sppt, subjek: Subjek | None
              ) -> list[OutputRow]:
    months = f" ({code.bulan_bunga} bulan)" if code.bulan_bunga else ""
    return [
        OutputRow("NOP", sppt.nop, public=True),
        OutputRow("Tahun pajak", str(sppt.tahun), public=True),
        OutputRow("Nama wajib pajak", subjek.nama_masked if subjek else "-"),
        OutputRow("Pokok PBB", rupiah(code.pokok)),
        OutputRow(f"Denda/bunga{months}", rupiah(code.bunga)),
        OutputRow("Jumlah dibayar", rupiah(payment.jumlah), public=True),
        OutputRow("Tanggal bayar", waktu_wib(payment.paid_at), public=True),
        OutputRow("Bank", payment.bank),
        OutputRow("Referensi bank", payment.referensi),
        OutputRow("Kode bayar", payment.kode),
        OutputRow("Status", "LUNAS", public=True),
    ]


async def stts(session: AsyncSession, _runtime: Any, row: CaseRow) -> list[OutputRow]:
    code = await store.kode_of_case(session, row.id)
    payment = await store.payment_of_code(session, code.kode) if code is not None else None
    if code is None or payment is None:
        return []
    sppt = await store.sppt_by_id(session, code.sppt_id)
    objek = await store.objek(session, sppt.nop)
    subjek = await session.get(Subjek, objek.subjek_id) if objek is not None else None
    return stts_rows(code, payment, sppt, subjek)


async def bill_record(session: AsyncSession, _runtime: Any, row: CaseRow) -> list[OutputRow]:
    """The bill as of the moment the case left ``input_nop`` (the row's last update)."""
    nop, tahun = str(row.form.get("nop")), int(row.form.get("tahun_pajak") or 0)
    try:
        bill = await billing.find_bill(session, nop, tahun, row.updated_at)
    except billing.Refused:
        return [OutputRow("NOP", nop, public=True), OutputRow("Tahun pajak", str(tahun),
                                                              public=True),
                OutputRow("Status", "Tidak ada SPPT untuk NOP dan tahun ini", public=True)]
    s = bill.sppt
    months = f" ({bill.bulan_bunga} bulan)" if bill.bulan_bunga else ""
    return [
        OutputRow("NOP", s.nop, public=True),
        OutputRow("Tahun pajak", str(s.tahun), public=True),
        OutputRow("Pokok PBB", rupiah(s.pokok)),
        OutputRow(f"Denda/bunga{months}", rupiah(bill.bunga)),
        OutputRow("Jumlah tagihan", rupiah(bill.jumlah)),
        OutputRow("Jatuh tempo", hari(s.jatuh_tempo)),
        OutputRow("Per tanggal", hari(wib_date(row.updated_at))),
        OutputRow("Status", "LUNAS" if s.lunas else "TERUTANG", public=True),
    ]


def install(hooks: Hooks, cek: str, bayar: str, salinan: str, daftar: str) -> None:
    rows = hooks.output_rows
    for key in (salinan, daftar):
        rows.provide(key, "sppt_salinan")(sppt_copy)
        rows.provide(key, "surat_keterangan")(sknjop)
    rows.provide(bayar, "bukti_pembayaran")(stts)
    rows.provide(cek, "surat_keterangan")(bill_record)
