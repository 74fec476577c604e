"""Disdukcapil's pure rules: what a NIK says about its holder, and how old a person is.

The number rules themselves (shape, region code, the date with +40 on the day for women, the
serial) live in :mod:`shared.identity_numbers`, which the SOP forms already use; this module
reads the parts Disdukcapil's checks need and counts ages. No I/O, no clock: the day is
always given (the hooks give the submission day in Asia/Jakarta).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from shared.identity_numbers import NikError, parse_nik

WIB = ZoneInfo("Asia/Jakarta")


@dataclass(frozen=True)
class NikFacts:
    """What a valid NIK encodes: the region code ``PPKKCC``, the birth date and the sex."""

    region: str
    birth_date: date
    female: bool


def nik_facts(nik: str, today: date) -> NikFacts | None:
    """The facts a NIK encodes, or None when it is not a valid NIK on ``today`` (the form
    check reports that one with its own code)."""
    try:
        info = parse_nik(nik, today)
    except NikError:
        return None
    return NikFacts(region=info.province + info.regency + info.district,
                    birth_date=info.birth_date, female=info.female)


def local_day(moment: datetime) -> date:
    """The calendar day of ``moment`` in Asia/Jakarta (a naive time is refused)."""
    if moment.tzinfo is None:
        raise ValueError("a timezone-aware time is needed")
    return moment.astimezone(WIB).date()


def age_years(birth: date, on: date) -> int:
    """Full years of life on ``on``: one more on each birthday. Someone born on 29 February
    has a birthday on 1 March in a common year (no law sets otherwise; the ordinary
    reading of "genap N tahun")."""
    if on < birth:
        raise ValueError("the day is before the birth")
    before_birthday = (on.month, on.day) < (birth.month, birth.day)
    return on.year - birth.year - (1 if before_birthday else 0)


def age_days(birth: date, on: date) -> int:
    """Calendar days since the birth: 0 on the day of birth, 1 the day after (UU 23/2006
    Pasal 27 ayat (1) counts the 60 days "sejak kelahiran", in calendar days)."""
    if on < birth:
        raise ValueError("the day is before the birth")
    return (on - birth).days


def parse_day(value: object) -> date | None:
    """A form's ``date`` value (ISO ``YYYY-MM-DD``), or None when it is not one."""
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None
