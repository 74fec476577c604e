"""Request and response bodies of the pajak routes (amounts in whole rupiah)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import AwareDatetime, BaseModel, Field

from services.pajak.billing import Bill
from services.pajak.tables import KodeBayar

Tahun = Field(ge=1990, le=2100)


class TagihanOut(BaseModel):
    """A PBB-P2 bill as of ``per_tanggal`` (WIB); the taxpayer's name masked."""

    nop: str
    tahun: int
    kecamatan: str
    desa: str
    nama_wajib_pajak: str
    njop: int
    njoptkp: int
    tarif_persen: str
    pokok: int
    jatuh_tempo: date
    bulan_bunga: int
    bunga: int
    jumlah: int
    status: str
    """``terutang`` or ``lunas``."""
    per_tanggal: date


class KodeBayarIn(BaseModel):
    nop: str = Field(min_length=1, max_length=40)
    tahun: int = Tahun


class KodeBayarOut(BaseModel):
    kode: str
    tahun: int
    pokok: int
    bunga: int
    bulan_bunga: int
    jumlah: int
    berlaku_sampai: datetime
    status: str

    @classmethod
    def of(cls, row: KodeBayar, tahun: int) -> KodeBayarOut:
        return cls(kode=row.kode, tahun=tahun, pokok=row.pokok, bunga=row.bunga,
                   bulan_bunga=row.bulan_bunga, jumlah=row.jumlah,
                   berlaku_sampai=row.expires_at, status=row.status)


class KonfirmasiIn(BaseModel):
    """The bank's confirmation that a payment code was paid."""

    kode: str = Field(min_length=1, max_length=40)
    jumlah: int = Field(ge=0, le=10**13)
    referensi: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._/-]+$")
    dibayar_pada: AwareDatetime


class KonfirmasiOut(BaseModel):
    kode: str
    bank: str
    referensi: str
    jumlah: int
    dibayar_pada: datetime
    nop: str
    tahun: int
    status: str
    ulangan: bool
    """True when this answers a confirmation already recorded (same reference and content)."""
    kasus_dilanjutkan: bool
    """True when the payment moved the pembayaran SOP's case past the bank step."""


def tagihan_out(bill: Bill, nama_masked: str, kecamatan: str, desa: str) -> TagihanOut:
    s = bill.sppt
    return TagihanOut(nop=s.nop, tahun=s.tahun, kecamatan=kecamatan, desa=desa,
                      nama_wajib_pajak=nama_masked, njop=s.njop, njoptkp=s.njoptkp,
                      tarif_persen=f"{s.tarif * 100:.3f}".rstrip("0").rstrip("."),
                      pokok=s.pokok, jatuh_tempo=s.jatuh_tempo, bulan_bunga=bill.bulan_bunga,
                      bunga=bill.bunga, jumlah=bill.jumlah,
                      status="lunas" if s.lunas else "terutang", per_tanggal=bill.on)


class CekOut(BaseModel):
    nop: str
    tahun: int
    ditemukan: bool
    pokok: int
    bunga: int
    bulan_bunga: int
    jumlah: int
    jatuh_tempo: date | None
    status: str
    """``terutang``, ``lunas`` or ``tidak_ada`` (no SPPT for that NOP and year)."""
    per_tanggal: date


class SpptOut(BaseModel):
    nop: str
    tahun: int
    njop: int
    pokok: int
    jatuh_tempo: date
    status: str


class KasusPajakOut(BaseModel):
    """What the pajak domain holds for one case: the bills a cek-tagihan case showed, the
    payment codes of a pembayaran case, the object and SPPT a registration created."""

    cek_tagihan: list[CekOut]
    kode_bayar: list[KodeBayarOut]
    sppt_baru: SpptOut | None
