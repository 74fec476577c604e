"""NIK (Nomor Induk Kependudukan) for the identity forms: validation, lookup hash, mask.

The number rules live in :mod:`shared.identity_numbers` (the SOP forms of the services use
them too); their names are re-exported here.

A NIK has 16 digits: ``PPKKCC DDMMYY SSSS`` (region code, birth date with +40 on the day
for women, serial); the hash and the mask below are the identity part's own.
"""

from __future__ import annotations

import hashlib
import hmac

from shared.identity_numbers import (
    LAMPUNG,
    LAMPUNG_REGENCIES,
    PROVINCES,
    NikError,
    NikInfo,
    clean,
    parse_nik,
)

__all__ = ["LAMPUNG", "LAMPUNG_REGENCIES", "PROVINCES", "NikError", "NikInfo", "clean",
           "mask_nik", "nik_hash", "parse_nik"]


def nik_hash(nik: str, key: bytes) -> str:
    """The lookup hash stored instead of the clear NIK (HMAC-SHA256, hex)."""
    return hmac.new(key, clean(nik).encode(), hashlib.sha256).hexdigest()


def mask_nik(nik: str) -> str:
    """``1801********0001``: region and serial kept, birth date hidden."""
    return nik[:4] + "*" * 8 + nik[-4:] if len(nik) == 16 else "*" * len(nik)
