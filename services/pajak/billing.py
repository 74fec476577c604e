"""Billing and payment of PBB-P2: the bill as of a day, payment codes, the bank's payment.

Called by the routes and the hooks inside the request's transaction; never commits. A refusal
is a :class:`Refused` with a stable problem code the routes answer as problem+json.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from services.pajak import store
from services.pajak.domain import Rules, rules
from services.pajak.domain_interest import code_expiry, interest, wib_date
from services.pajak.tables import BankUnmatched, KodeBayar, Pembayaran, Sppt

CLOCK_SKEW = timedelta(minutes=5)
"""How far in the future a bank's ``paid_at`` may lie (clocks differ a little)."""


class Refused(Exception):
    def __init__(self, status: int, code: str, **params: Any) -> None:
        super().__init__(code)
        self.status, self.code, self.params = status, code, params


@dataclass(frozen=True)
class Bill:
    sppt: Sppt
    on: date
    bulan_bunga: int
    bunga: int

    @property
    def jumlah(self) -> int:
        return 0 if self.sppt.lunas else self.sppt.pokok + self.bunga


def bill_of(sppt: Sppt, on: date, r: Rules | None = None) -> Bill:
    """The bill of ``sppt`` if paid on ``on`` (WIB day): pokok and interest to that day."""
    if sppt.lunas:
        return Bill(sppt, on, 0, 0)
    months, amount = interest(r or rules(), sppt.pokok, sppt.jatuh_tempo, on)
    return Bill(sppt, on, months, amount)


async def find_bill(session: AsyncSession, nop: str, tahun: int, now: datetime) -> Bill:
    found = await store.sppt(session, nop, tahun)
    if found is None:
        raise Refused(404, "tagihan-tidak-ditemukan")
    return bill_of(found, wib_date(now))


def new_code(tahun: int) -> str:
    """16 digits: 1801 (the regency), the tax year's last two digits, 9 random digits and a
    Luhn check digit, so a mistyped code is refused before any lookup."""
    body = f"1801{tahun % 100:02d}{secrets.randbelow(10**9):09d}"
    return body + luhn_digit(body)


def luhn_digit(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return str((10 - total % 10) % 10)


def code_well_formed(code: str) -> bool:
    return len(code) == 16 and code.isdigit() and luhn_digit(code[:-1]) == code[-1]


async def issue_code(session: AsyncSession, nop: str, tahun: int, now: datetime, who: str,
                     case_id: str | None = None) -> KodeBayar:
    """A payment code for the bill as of today (pokok + interest), payable to the end of the
    regency's validity (never into the next interest month); earlier codes retire."""
    bill = await find_bill(session, nop, tahun, now)
    if bill.sppt.lunas:
        raise Refused(409, "sppt-sudah-lunas", tahun=tahun)
    if bill.jumlah <= 0:
        raise Refused(422, "tagihan-nihil")
    await store.replace_active_codes(session, bill.sppt.id)
    row = KodeBayar(kode=new_code(tahun), sppt_id=bill.sppt.id, pokok=bill.sppt.pokok,
                    bunga=bill.bunga, bulan_bunga=bill.bulan_bunga, jumlah=bill.jumlah,
                    status="aktif", issued_at=now,
                    expires_at=code_expiry(rules(), now, bill.sppt.jatuh_tempo),
                    issued_by=who, case_id=case_id)
    session.add(row)
    await session.flush()
    return row


@dataclass(frozen=True)
class Confirmation:
    bank: str
    kode: str
    jumlah: int
    referensi: str
    paid_at: datetime


@dataclass(frozen=True)
class Confirmed:
    payment: Pembayaran
    code: KodeBayar
    replay: bool


async def confirm(session: AsyncSession, c: Confirmation, now: datetime) -> Confirmed:
    """Record the bank's payment of a code. Idempotent on (bank, reference): the same content
    again answers the first payment (``replay``); different content under a used reference is
    refused. The code must be payable, unexpired at ``paid_at`` and paid in full."""
    earlier = await store.payment_by_reference(session, c.bank, c.referensi)
    if earlier is not None:
        same = (earlier.kode, earlier.jumlah, earlier.paid_at) == (c.kode, c.jumlah, c.paid_at)
        if not same:
            raise Refused(409, "referensi-bank-berbeda")
        code = await store.kode(session, earlier.kode)
        assert code is not None
        return Confirmed(earlier, code, replay=True)
    if c.paid_at > now + CLOCK_SKEW:
        raise Refused(422, "waktu-bayar-masa-depan")
    code = await store.kode(session, c.kode, lock=True) if code_well_formed(c.kode) else None
    if code is None:
        raise Refused(404, "kode-bayar-tidak-dikenal")
    if code.status == "lunas":
        raise Refused(409, "kode-bayar-sudah-dibayar")
    if code.status == "diganti":
        raise Refused(409, "kode-bayar-diganti")
    if c.paid_at > code.expires_at:
        raise Refused(422, "kode-bayar-kedaluwarsa")
    if c.paid_at < code.issued_at - CLOCK_SKEW:
        raise Refused(422, "waktu-bayar-sebelum-kode")
    if c.jumlah != code.jumlah:
        raise Refused(422, "jumlah-tidak-sesuai", expected=code.jumlah)
    sppt = await session.get(Sppt, code.sppt_id, with_for_update=True)
    assert sppt is not None
    if sppt.lunas:
        raise Refused(409, "sppt-sudah-lunas", tahun=sppt.tahun)
    payment = Pembayaran(id=str(uuid.uuid4()), kode=code.kode, bank=c.bank,
                         referensi=c.referensi, jumlah=c.jumlah, paid_at=c.paid_at,
                         received_at=now)
    session.add(payment)
    code.status = "lunas"
    sppt.lunas, sppt.lunas_at = True, c.paid_at
    await session.flush()
    return Confirmed(payment, code, replay=False)


def unmatched(c: Confirmation, reason: str, now: datetime) -> BankUnmatched:
    """The row the reconciliation lists for a refused confirmation (kept after the refusal)."""
    return BankUnmatched(id=str(uuid.uuid4()), bank=c.bank, referensi=c.referensi,
                         kode=c.kode[:40], jumlah=c.jumlah, reason=reason, received_at=now)
