"""Demo tax objects with their 2026 SPPT, so a demo run (``HALO_DEMO=1``) can show, bill and
take payment of a PBB-P2 bill. Idempotent: an object already registered is left as it is.
The names and NIKs are made up (a NIK of the regency's shape) and stored sealed as any."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.pajak import registry, store
from shared.cases.pii import PiiCipher

ISSUED_2026 = date(2026, 3, 2)
"""The 2026 SPPTs of the demo were issued on 2 March 2026: due 31 August 2026."""

DEMO_OBJECTS: list[dict[str, Any]] = [
    {"nop": "18.01.040.005.001-0123.0", "nik": "1801014501900001", "nama": "Siti Aminah",
     "letak": "Jl. Lintas Sumatera No. 5, Desa Way Urang, Kalianda", "luas_bumi": 250,
     "kelas_bumi": "A3", "luas_bangunan": 72, "kelas_bangunan": "B3", "jenis": "umum"},
    {"nop": "18.01.040.005.001-0124.0", "nik": "1801011203850002", "nama": "Budi Santoso",
     "letak": "Jl. Raden Intan No. 12, Desa Way Urang, Kalianda", "luas_bumi": 2000,
     "kelas_bumi": "A1", "luas_bangunan": 0, "kelas_bangunan": None, "jenis": "umum"},
    {"nop": "18.01.070.002.003-0045.0", "nik": "1801011203850002", "nama": "Budi Santoso",
     "letak": "Dusun Sidorejo, Desa Sidomulyo, Sidomulyo", "luas_bumi": 10000,
     "kelas_bumi": "A5", "luas_bangunan": 0, "kelas_bangunan": None,
     "jenis": "pangan_ternak"},
]


async def seed_object(session: AsyncSession, cipher: PiiCipher, key: bytes, spec: dict[str, Any],
                      now: datetime, terbit: date = ISSUED_2026) -> bool:
    """Register one object (and its subject) with its SPPT; False when it exists."""
    if await store.objek(session, spec["nop"]) is not None:
        return False
    owner = await registry.subject(session, cipher, key, spec["nik"], spec["nama"], now)
    await registry.register(
        session, subjek=owner, nop=spec["nop"], letak_cipher=cipher.encrypt(spec["letak"]),
        luas_bumi=Decimal(spec["luas_bumi"]), luas_bangunan=Decimal(spec["luas_bangunan"]),
        kelas_bumi=spec["kelas_bumi"], kelas_bangunan=spec["kelas_bangunan"],
        jenis=spec["jenis"], case_id=None, now=now, terbit=terbit)
    return True


async def seed(sessions: async_sessionmaker[AsyncSession], cipher: PiiCipher, key: bytes,
               now: datetime) -> int:
    """Seed every demo object; the number newly registered."""
    added = 0
    async with sessions() as session:
        for spec in DEMO_OBJECTS:
            added += await seed_object(session, cipher, key, spec, now)
        await session.commit()
    return added
