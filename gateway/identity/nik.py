"""NIK (Nomor Induk Kependudukan) validation: shape, region code and birth date.

A NIK has 16 digits: ``PPKKCC DDMMYY SSSS`` — province, regency/city and district codes
(Kemendagri), the holder's birth date (women add 40 to the day) and a serial number. This
checks what can be checked without Dukcapil's database: a real province code; a regency code
of the Kemendagri form (kabupaten 01–69, kota 71–79) and, in Lampung, one of its fifteen real
regencies and cities; non-zero district and serial parts; and a real birth date that is not
in the future.

The two-digit year is read as 20YY when YY is at most the current year's, else 19YY; a
date later this year is therefore "in the future" (the rare centenarian born later in the
calendar year of the current YY is refused too).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date

PROVINCES = frozenset({
    "11", "12", "13", "14", "15", "16", "17", "18", "19", "21",
    "31", "32", "33", "34", "35", "36", "51", "52", "53",
    "61", "62", "63", "64", "65", "71", "72", "73", "74", "75", "76",
    "81", "82", "91", "92", "93", "94", "95", "96",
})
"""Province codes: Sumatra 11–19 and Kepulauan Riau 21, Java 31–36, Bali–Nusa Tenggara
51–53, Kalimantan 61–65, Sulawesi 71–76, Maluku 81–82, Papua 91–96."""

LAMPUNG = "18"
LAMPUNG_REGENCIES = frozenset({
    "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "13",
    "71", "72",
})
"""Lampung Selatan 01, Lampung Tengah 02, Lampung Utara 03, Lampung Barat 04, Tulang Bawang
05, Tanggamus 06, Lampung Timur 07, Way Kanan 08, Pesawaran 09, Pringsewu 10, Mesuji 11,
Tulang Bawang Barat 12, Pesisir Barat 13; Kota Bandar Lampung 71, Kota Metro 72."""


def _regency_ok(province: str, regency: str) -> bool:
    if province == LAMPUNG:
        return regency in LAMPUNG_REGENCIES
    number = int(regency)
    return 1 <= number <= 69 or 71 <= number <= 79


@dataclass(frozen=True)
class NikInfo:
    province: str
    regency: str
    district: str
    birth_date: date
    female: bool


class NikError(ValueError):
    """``problems`` are stable codes: ``nik-format``, ``nik-region``, ``nik-birth-date``,
    ``nik-future``, ``nik-serial`` (never the value itself)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(", ".join(problems))
        self.problems = problems


def clean(value: str) -> str:
    """Spaces and dots some people type between the groups are dropped."""
    return "".join(ch for ch in value if ch not in " .-\t")


def parse_nik(value: str, today: date) -> NikInfo:
    """The parts of a valid NIK, or :class:`NikError` with every problem found."""
    nik = clean(value)
    if len(nik) != 16 or not nik.isascii() or not nik.isdigit():
        raise NikError(["nik-format"])
    problems: list[str] = []
    province, regency, district = nik[0:2], nik[2:4], nik[4:6]
    if province not in PROVINCES or not _regency_ok(province, regency) or district == "00":
        problems.append("nik-region")
    day, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    female = day > 40
    if female:
        day -= 40
    year = 2000 + yy if yy <= today.year % 100 else 1900 + yy
    birth: date | None
    try:
        birth = date(year, month, day)
    except ValueError:
        birth = None
        problems.append("nik-birth-date")
    if birth is not None and birth > today:
        problems.append("nik-future")
    if nik[12:16] == "0000":
        problems.append("nik-serial")
    if problems or birth is None:
        raise NikError(problems)
    return NikInfo(province=province, regency=regency, district=district, birth_date=birth,
                   female=female)


def nik_hash(nik: str, key: bytes) -> str:
    """The lookup hash stored instead of the clear NIK (HMAC-SHA256, hex)."""
    return hmac.new(key, clean(nik).encode(), hashlib.sha256).hexdigest()


def mask_nik(nik: str) -> str:
    """``1801********0001``: region and serial kept, birth date hidden."""
    return nik[:4] + "*" * 8 + nik[-4:] if len(nik) == 16 else "*" * len(nik)
