"""Queries of the pajak tables. Nothing here commits: the request's session does."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.pajak.tables import (
    BankUnmatched,
    CekTagihan,
    KodeBayar,
    Objek,
    Pembayaran,
    Sppt,
    Subjek,
)


async def subjek_by_hash(session: AsyncSession, nik_hash: str) -> Subjek | None:
    found: Subjek | None = await session.scalar(
        select(Subjek).where(Subjek.nik_hash == nik_hash))
    return found


async def objek(session: AsyncSession, nop: str) -> Objek | None:
    return await session.get(Objek, nop)


async def sppt(session: AsyncSession, nop: str, tahun: int, *, lock: bool = False
               ) -> Sppt | None:
    query = select(Sppt).where(Sppt.nop == nop, Sppt.tahun == tahun)
    if lock:
        query = query.with_for_update()
    found: Sppt | None = await session.scalar(query)
    return found


async def subject_has_njoptkp(session: AsyncSession, subjek_id: str, tahun: int) -> bool:
    """Whether one of the subject's objects already got the NJOPTKP in ``tahun``."""
    count = await session.scalar(
        select(func.count()).select_from(Sppt).join(Objek, Objek.nop == Sppt.nop)
        .where(Objek.subjek_id == subjek_id, Sppt.tahun == tahun, Sppt.njoptkp > 0))
    return bool(count)


async def kode(session: AsyncSession, code: str, *, lock: bool = False) -> KodeBayar | None:
    query = select(KodeBayar).where(KodeBayar.kode == code)
    if lock:
        query = query.with_for_update()
    found: KodeBayar | None = await session.scalar(query)
    return found


async def replace_active_codes(session: AsyncSession, sppt_id: str) -> None:
    """A new code for the bill retires the earlier payable ones (one bill, one payment)."""
    await session.execute(update(KodeBayar).where(KodeBayar.sppt_id == sppt_id,
                                                  KodeBayar.status == "aktif")
                          .values(status="diganti"))


async def kode_of_case(session: AsyncSession, case_id: str) -> KodeBayar | None:
    found: KodeBayar | None = await session.scalar(
        select(KodeBayar).where(KodeBayar.case_id == case_id)
        .order_by(KodeBayar.issued_at.desc()).limit(1))
    return found


async def payment_by_reference(session: AsyncSession, bank: str, referensi: str
                               ) -> Pembayaran | None:
    found: Pembayaran | None = await session.scalar(
        select(Pembayaran).where(Pembayaran.bank == bank, Pembayaran.referensi == referensi))
    return found


async def payment_of_code(session: AsyncSession, code: str) -> Pembayaran | None:
    found: Pembayaran | None = await session.scalar(
        select(Pembayaran).where(Pembayaran.kode == code))
    return found


async def codes_issued(session: AsyncSession, start: datetime, end: datetime
                       ) -> list[KodeBayar]:
    rows = await session.scalars(select(KodeBayar).where(
        KodeBayar.issued_at >= start, KodeBayar.issued_at < end).order_by(KodeBayar.issued_at))
    return list(rows)


async def payments_between(session: AsyncSession, start: datetime, end: datetime
                           ) -> list[tuple[Pembayaran, KodeBayar]]:
    rows = await session.execute(
        select(Pembayaran, KodeBayar).join(KodeBayar, KodeBayar.kode == Pembayaran.kode)
        .where(Pembayaran.paid_at >= start, Pembayaran.paid_at < end)
        .order_by(Pembayaran.paid_at))
    return [(p, k) for p, k in rows.all()]


async def unmatched_between(session: AsyncSession, start: datetime, end: datetime
                            ) -> list[BankUnmatched]:
    rows = await session.scalars(select(BankUnmatched).where(
        BankUnmatched.received_at >= start, BankUnmatched.received_at < end)
        .order_by(BankUnmatched.received_at))
    return list(rows)


async def cek_of_case(session: AsyncSession, case_id: str) -> list[CekTagihan]:
    return list(await session.scalars(select(CekTagihan).where(CekTagihan.case_id == case_id)))


async def codes_of_case(session: AsyncSession, case_id: str) -> list[KodeBayar]:
    return list(await session.scalars(select(KodeBayar).where(KodeBayar.case_id == case_id)
                                      .order_by(KodeBayar.issued_at)))


async def objek_of_case(session: AsyncSession, case_id: str) -> Objek | None:
    found: Objek | None = await session.scalar(select(Objek).where(Objek.case_id == case_id))
    return found


async def latest_sppt(session: AsyncSession, nop: str) -> Sppt | None:
    found: Sppt | None = await session.scalar(select(Sppt).where(Sppt.nop == nop)
                                              .order_by(Sppt.tahun.desc()).limit(1))
    return found


async def sppt_by_id(session: AsyncSession, sppt_id: str) -> Sppt:
    found = await session.get(Sppt, sppt_id)
    assert found is not None  # a code's SPPT exists (foreign key)
    return found


async def codes_to_register(session: AsyncSession, now: datetime, limit: int = 100
                            ) -> list[KodeBayar]:
    rows = await session.scalars(select(KodeBayar).where(
        KodeBayar.status == "aktif", KodeBayar.pushed_at.is_(None),
        KodeBayar.expires_at > now).order_by(KodeBayar.issued_at).limit(limit))
    return list(rows)


async def codes_to_check(session: AsyncSession, since: datetime, limit: int = 100
                         ) -> list[KodeBayar]:
    """Registered codes still unpaid here whose validity ended after ``since`` (a payment
    inside their validity may not have been confirmed to us)."""
    rows = await session.scalars(select(KodeBayar).where(
        KodeBayar.status.in_(("aktif", "diganti")), KodeBayar.pushed_at.is_not(None),
        KodeBayar.expires_at > since).order_by(KodeBayar.issued_at).limit(limit))
    return list(rows)
