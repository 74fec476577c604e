"""NIK and KK numbers: shape, region code and the date they encode.

Both numbers have 16 digits and open with the six-digit Kemendagri region code ``PPKKCC``
(province, regency/city, district):

* a NIK (Nomor Induk Kependudukan) is ``PPKKCC DDMMYY SSSS``: the holder's birth date (women
  add 40 to the day) and a serial number from 0001;
* a KK number (Nomor Kartu Keluarga) is ``PPKKCC DDMMYY SSSS`` too, but its date is the day
  the family was recorded (no sex offset) and its last four digits the family's serial
  number from 0001 (Dukcapil's SIAK rule for the KK number: "kombinasi variabel kode
  wilayah, tanggal pencatatan dan nomor seri keluarga").

This checks what can be checked without Dukcapil's database: a real province code; a regency
code of the Kemendagri form (kabupaten 01–69, kota 71–79) and, in Lampung, one of its fifteen
real regencies and cities; a non-zero district and serial; a real date that is not in the
future. The identity forms (:mod:`gateway.identity.nik`) and the SOP forms
(:mod:`shared.engine.submission`) use the same rules.

The two-digit year is read as 20YY when YY is at most the current year's, else 19YY; a
date later this year is therefore "in the future" (the rare centenarian born later in the
calendar year of the current YY is refused too).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

PROVINCES = frozenset({
    "11", "12", "13", "14", "15", "16", "17", "18", "19", "21",
    "31", "32", "33", "34", "35", "36", "51", "52", "53",
    "61", "62", "63", "64", "65", "71", "72", "73", "74", "75", "76",
    "81", "82", "91", "92", "93", "94", "95", "96",
})
"""Province codes (Kemendagri, Permendagri on kode wilayah administrasi pemerintahan):
Sumatra 11–19 and Kepulauan Riau 21, Java 31–36, Bali–Nusa Tenggara 51–53, Kalimantan 61–65,
Sulawesi 71–76, Maluku 81–82, Papua 91–96."""

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
    """``problems`` are stable codes (never the value itself): for a NIK ``nik-format``,
    ``nik-region``, ``nik-birth-date``, ``nik-future``, ``nik-serial``; for a KK number the
    same with the ``kk-`` prefix and ``kk-date`` for the recording date."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(", ".join(problems))
        self.problems = problems


_SEPARATORS = str.maketrans("", "", " .-\t")


def clean(value: str) -> str:
    """Spaces and dots some people type between the groups are dropped."""
    return value.translate(_SEPARATORS)


def _year(yy: int, today: date) -> int:
    return 2000 + yy if yy <= today.year % 100 else 1900 + yy


def _problems(number: str, today: date, prefix: str, date_code: str,
              offset: bool) -> tuple[list[str], date | None, bool]:
    """Every problem of a cleaned 16-digit number, its date and whether the day had +40."""
    problems: list[str] = []
    province, regency, district = number[0:2], number[2:4], number[4:6]
    if province not in PROVINCES or not _regency_ok(province, regency) or district == "00":
        problems.append(f"{prefix}-region")
    day, month, yy = int(number[6:8]), int(number[8:10]), int(number[10:12])
    female = offset and day > 40
    if female:
        day -= 40
    when: date | None
    try:
        when = date(_year(yy, today), month, day)
    except ValueError:
        when = None
        problems.append(f"{prefix}-{date_code}")
    if when is not None and when > today:
        problems.append(f"{prefix}-future")
    if number[12:16] == "0000":
        problems.append(f"{prefix}-serial")
    return problems, when, female


def _digits(value: str) -> str | None:
    # Sixteen characters already: cleaning could only shorten them, and a separator is not
    # a digit either way.
    number = value if len(value) == 16 else clean(value)
    return number if len(number) == 16 and number.isascii() and number.isdigit() else None


def parse_nik(value: str, today: date) -> NikInfo:
    """The parts of a valid NIK, or :class:`NikError` with every problem found."""
    nik = _digits(value)
    if nik is None:
        raise NikError(["nik-format"])
    problems, birth, female = _problems(nik, today, "nik", "birth-date", offset=True)
    if problems or birth is None:
        raise NikError(problems)
    return NikInfo(province=nik[0:2], regency=nik[2:4], district=nik[4:6], birth_date=birth,
                   female=female)


def nik_problems(value: str, today: date) -> list[str]:
    """The problem codes of a NIK; empty when it is valid (what :func:`parse_nik` raises)."""
    nik = _digits(value)
    if nik is None:
        return ["nik-format"]
    return _problems(nik, today, "nik", "birth-date", offset=True)[0]


def kk_problems(value: str, today: date) -> list[str]:
    """The problem codes of a KK number (``kk-format``, ``kk-region``, ``kk-date``,
    ``kk-future``, ``kk-serial``); empty when it is valid."""
    kk = _digits(value)
    if kk is None:
        return ["kk-format"]
    return _problems(kk, today, "kk", "date", offset=False)[0]
