"""The pajak service's own tables (its database; migrations in ``migrations/``).

Tax subjects (name and NIK sealed with the service's PII key, the NIK masked for display and
HMAC'd for lookup), tax objects by NOP, the SPPT per object and year, payment codes and the
bank's payments. Amounts are whole rupiah.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db.types import UTCDateTime


class Base(DeclarativeBase):
    pass


class Subjek(Base):
    __tablename__ = "pajak_subjek"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    nik_hash: Mapped[str] = mapped_column(String(64), unique=True)
    nik_cipher: Mapped[str] = mapped_column(Text)
    nik_masked: Mapped[str] = mapped_column(String(16))
    nama_cipher: Mapped[str] = mapped_column(Text)
    nama_masked: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Objek(Base):
    __tablename__ = "pajak_objek"

    nop: Mapped[str] = mapped_column(String(24), primary_key=True)
    subjek_id: Mapped[str] = mapped_column(ForeignKey("pajak_subjek.id"), index=True)
    letak_cipher: Mapped[str] = mapped_column(Text)
    kecamatan: Mapped[str] = mapped_column(String(3))
    desa: Mapped[str] = mapped_column(String(3))
    luas_bumi: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    kelas_bumi: Mapped[str] = mapped_column(String(8))
    luas_bangunan: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    kelas_bangunan: Mapped[str | None] = mapped_column(String(8))
    jenis: Mapped[str] = mapped_column(String(20))
    case_id: Mapped[str | None] = mapped_column(String(36))
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Sppt(Base):
    __tablename__ = "pajak_sppt"
    __table_args__ = (UniqueConstraint("nop", "tahun", name="uq_pajak_sppt_nop_tahun"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    nop: Mapped[str] = mapped_column(ForeignKey("pajak_objek.nop"))
    tahun: Mapped[int]
    njop_bumi: Mapped[int] = mapped_column(BigInteger)
    njop_bangunan: Mapped[int] = mapped_column(BigInteger)
    njop: Mapped[int] = mapped_column(BigInteger)
    njoptkp: Mapped[int] = mapped_column(BigInteger)
    dasar: Mapped[int] = mapped_column(BigInteger)
    tarif: Mapped[Decimal] = mapped_column(Numeric(8, 6))
    pokok: Mapped[int] = mapped_column(BigInteger)
    terbit: Mapped[date] = mapped_column(Date)
    jatuh_tempo: Mapped[date] = mapped_column(Date)
    lunas: Mapped[bool] = mapped_column(Boolean, default=False)
    lunas_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class KodeBayar(Base):
    __tablename__ = "pajak_kode_bayar"
    __table_args__ = (Index("ix_pajak_kode_bayar_sppt_status", "sppt_id", "status"),)

    kode: Mapped[str] = mapped_column(String(16), primary_key=True)
    sppt_id: Mapped[str] = mapped_column(ForeignKey("pajak_sppt.id"))
    pokok: Mapped[int] = mapped_column(BigInteger)
    bunga: Mapped[int] = mapped_column(BigInteger)
    bulan_bunga: Mapped[int]
    jumlah: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(10))
    """``aktif`` (payable until ``expires_at``) or ``lunas``."""
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    issued_by: Mapped[str] = mapped_column(String(64))
    case_id: Mapped[str | None] = mapped_column(String(36), index=True)
    pushed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    """When the code was registered with the bank (``None``: not yet)."""


class Pembayaran(Base):
    __tablename__ = "pajak_pembayaran"
    __table_args__ = (UniqueConstraint("bank", "referensi", name="uq_pajak_pembayaran_ref"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kode: Mapped[str] = mapped_column(ForeignKey("pajak_kode_bayar.kode"), unique=True)
    bank: Mapped[str] = mapped_column(String(64))
    referensi: Mapped[str] = mapped_column(String(64))
    jumlah: Mapped[int] = mapped_column(BigInteger)
    paid_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())


class BankUnmatched(Base):
    """A confirmation the bank sent that matched no payable code (for the reconciliation)."""

    __tablename__ = "pajak_bank_unmatched"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    bank: Mapped[str] = mapped_column(String(64))
    referensi: Mapped[str] = mapped_column(String(64))
    kode: Mapped[str] = mapped_column(String(40))
    jumlah: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(String(40))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class CekTagihan(Base):
    """The bill a cek-tagihan case showed, as of the moment the taxpayer asked (WIB day)."""

    __tablename__ = "pajak_cek_tagihan"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(String(36), index=True)
    nop: Mapped[str] = mapped_column(String(40))
    tahun: Mapped[int]
    ditemukan: Mapped[bool] = mapped_column(Boolean)
    pokok: Mapped[int] = mapped_column(BigInteger)
    bunga: Mapped[int] = mapped_column(BigInteger)
    bulan_bunga: Mapped[int]
    jumlah: Mapped[int] = mapped_column(BigInteger)
    jatuh_tempo: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10))
    per_tanggal: Mapped[date] = mapped_column(Date)
