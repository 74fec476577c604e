"""The tax-object registry: writing a registered object, its subject and its first SPPT.

Called by the registration SOP's hook when the assessment (penetapan) step is taken. The
subject's NIK and name are sealed with the service's PII key; the NIK is found again by an
HMAC of it (no clear NIK is stored) and shown masked.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.pajak import store
from services.pajak.domain import assess, rules
from services.pajak.domain_interest import due_date, wib_date
from services.pajak.nop import parse_nop
from services.pajak.tables import Objek, Sppt, Subjek
from shared.cases.pii import PiiCipher, mask


def nik_hash(key: bytes, nik: str) -> str:
    return hmac.new(hashlib.sha256(b"halo-pajak-nik-v1" + key).digest(), nik.encode(),
                    hashlib.sha256).hexdigest()


async def next_nop(session: AsyncSession, neighbour: str) -> str:
    """A new NOP in the neighbour's block: the next object number after every registered one
    (and after the neighbour's own), kind code 0."""
    near = parse_nop(neighbour)
    block = near.formatted[:18]  # PP.KK.KKK.DDD.BBB-
    taken = await session.scalars(select(Objek.nop).where(Objek.nop.like(block + "%")))
    numbers = [int(n[18:22]) for n in taken] + [int(near.digits[13:17])]
    number = max(numbers) + 1
    if number > 9999:
        raise ValueError("block-full")
    return f"{block}{number:04d}.0"


async def subject(session: AsyncSession, cipher: PiiCipher, key: bytes, nik: str, nama: str,
                  now: datetime) -> Subjek:
    digest = nik_hash(key, nik)
    found = await store.subjek_by_hash(session, digest)
    if found is not None:
        return found
    row = Subjek(id=str(uuid.uuid4()), nik_hash=digest, nik_cipher=cipher.encrypt(nik),
                 nik_masked=mask(nik), nama_cipher=cipher.encrypt(nama),
                 nama_masked=mask(nama)[:120], created_at=now)
    session.add(row)
    await session.flush()
    return row


async def register(session: AsyncSession, *, subjek: Subjek, nop: str, letak_cipher: str,
                   luas_bumi: Decimal, luas_bangunan: Decimal, kelas_bumi: str,
                   kelas_bangunan: str | None, jenis: str, case_id: str | None,
                   now: datetime, terbit: date | None = None) -> Sppt:
    """The object and its SPPT for the tax year of ``terbit`` (default: today, WIB),
    assessed by the rules."""
    r = rules()
    today = terbit or wib_date(now)
    applies = not await store.subject_has_njoptkp(session, subjek.id, today.year)
    a = assess(r, luas_bumi=luas_bumi, kelas_bumi=kelas_bumi, luas_bangunan=luas_bangunan,
               kelas_bangunan=kelas_bangunan, jenis=jenis, njoptkp_applies=applies)
    parts = parse_nop(nop).parts()
    session.add(Objek(nop=nop, subjek_id=subjek.id, letak_cipher=letak_cipher,
                      kecamatan=parts["kecamatan"], desa=parts["desa"], luas_bumi=luas_bumi,
                      kelas_bumi=kelas_bumi, luas_bangunan=luas_bangunan,
                      kelas_bangunan=kelas_bangunan if luas_bangunan > 0 else None,
                      jenis=jenis, case_id=case_id, registered_at=now))
    await session.flush()
    sppt = Sppt(id=str(uuid.uuid4()), nop=nop, tahun=today.year, njop_bumi=a.njop_bumi,
                njop_bangunan=a.njop_bangunan, njop=a.njop, njoptkp=a.njoptkp, dasar=a.dasar,
                tarif=a.tarif, pokok=a.pokok, terbit=today,
                jatuh_tempo=due_date(r, today.year, today), lunas=False, lunas_at=None)
    session.add(sppt)
    await session.flush()
    return sppt
