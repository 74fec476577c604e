"""The daily reconciliation of PBB-P2 payments, per WIB day (00:00-24:00 Asia/Jakarta)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time, timedelta

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from services.pajak import store
from services.pajak.domain_interest import WIB


class BankLine(BaseModel):
    bank: str
    transaksi: int
    nilai: int


class PaymentLine(BaseModel):
    bank: str
    referensi: str
    kode: str
    jumlah: int
    dibayar_pada: datetime


class UnmatchedLine(BaseModel):
    bank: str
    referensi: str
    kode: str
    jumlah: int
    alasan: str
    diterima_pada: datetime


class ReportOut(BaseModel):
    tanggal: date
    kode_terbit: int
    nilai_kode_terbit: int
    kode_terbit_belum_dibayar: int
    pembayaran: int
    nilai_pembayaran: int
    per_bank: list[BankLine]
    rincian_pembayaran: list[PaymentLine]
    tidak_cocok: list[UnmatchedLine]


def wib_day(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=WIB)
    return start, start + timedelta(days=1)


async def report(session: AsyncSession, day: date) -> ReportOut:
    start, end = wib_day(day)
    codes = await store.codes_issued(session, start, end)
    paid = await store.payments_between(session, start, end)
    odd = await store.unmatched_between(session, start, end)
    banks: dict[str, BankLine] = {}
    for p, _ in paid:
        line = banks.setdefault(p.bank, BankLine(bank=p.bank, transaksi=0, nilai=0))
        line.transaksi += 1
        line.nilai += p.jumlah
    return ReportOut(
        tanggal=day, kode_terbit=len(codes), nilai_kode_terbit=sum(c.jumlah for c in codes),
        kode_terbit_belum_dibayar=sum(1 for c in codes if c.status != "lunas"),
        pembayaran=len(paid), nilai_pembayaran=sum(p.jumlah for p, _ in paid),
        per_bank=sorted(banks.values(), key=lambda b: b.bank),
        rincian_pembayaran=[PaymentLine(bank=p.bank, referensi=p.referensi, kode=p.kode,
                                        jumlah=p.jumlah, dibayar_pada=p.paid_at.astimezone(WIB))
                            for p, _ in paid],
        tidak_cocok=[UnmatchedLine(bank=u.bank, referensi=u.referensi, kode=u.kode,
                                   jumlah=u.jumlah, alasan=u.reason,
                                   diterima_pada=u.received_at.astimezone(WIB)) for u in odd])


def _cell(value: object) -> object:
    """A text cell a spreadsheet would read as a formula gets a leading apostrophe."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def as_csv(r: ReportOut) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["jenis", "bank", "referensi", "kode", "jumlah", "waktu_wib", "keterangan"])
    for p in r.rincian_pembayaran:
        writer.writerow(["pembayaran", p.bank, p.referensi, p.kode, p.jumlah,
                         p.dibayar_pada.isoformat(), ""])
    for u in r.tidak_cocok:
        writer.writerow(["tidak_cocok", u.bank, u.referensi, _cell(u.kode), u.jumlah,
                         u.diterima_pada.isoformat(), u.alasan])
    writer.writerow(["total", "", "", "", r.nilai_pembayaran, r.tanggal.isoformat(),
                     f"{r.pembayaran} pembayaran; {r.kode_terbit} kode terbit"])
    return out.getvalue()
