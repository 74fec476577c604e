"""Pure leave rules of the BKD: the NIP, the days a request counts, the annual balance with
its carry-over, the checks a request must pass and who signs its Surat Cuti.

No I/O: the office calendar comes in as anything with ``is_working_day`` (the platform's
:class:`shared.calendar.OfficeCalendar`: weekends, national holidays and cuti bersama off).
The figures are in :mod:`services.kepegawaian.rules`, with their sources.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Protocol

from services.kepegawaian import rules
from services.kepegawaian.rules import LeaveRule, SignerRule

MAX_SPAN_DAYS = 550
"""The longest span a request may name (cuti sakit 1 year + 6 months): an input bound."""
YEARS = range(2000, 2101)
"""The years a leave may fall in: an input bound (the ledger keeps 2000-2100)."""


class DayCalendar(Protocol):
    def is_working_day(self, day: date) -> bool: ...


class LeaveRefused(ValueError):
    """A request the rules refuse: ``code`` is a problem code, ``params`` its figures."""

    def __init__(self, code: str, field_name: str = "jenis_cuti", **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.field = field_name
        self.params = params


@dataclass(frozen=True)
class Nip:
    """Nomor Induk Pegawai, 18 digits as BKN assigns them: birth date (8), then for a PNS the
    TMT CPNS year and month (6), for a PPPK (NI PPPK) the year of appointment (4) and a
    two-digit code of the work agreement (21, 24, ...: never a month), then sex (1) and
    serial (3)."""

    digits: str
    birth: date
    tmt: date
    """The start of service: the first day of the TMT CPNS month; for a PPPK, whose NI holds
    no month, the first day of the year of appointment until SIASN gives the TMT."""
    sex: int
    kind: str = "pns"
    """``pns`` or ``pppk`` (read from the number)."""


def parse_nip(text: str) -> Nip:
    digits = re.sub(r"\s", "", text)
    if not re.fullmatch(r"[0-9]{18}", digits):
        raise LeaveRefused("not-nip", "nip")
    code = int(digits[12:14])
    kind = "pppk" if code > 12 else "pns"
    try:
        birth = date(int(digits[0:4]), int(digits[4:6]), int(digits[6:8]))
        tmt = date(int(digits[8:12]), 1 if kind == "pppk" else code, 1)
    except ValueError:
        raise LeaveRefused("not-nip", "nip") from None
    if digits[14] not in "12" or tmt <= birth or birth.year < 1940:
        raise LeaveRefused("not-nip", "nip")
    return Nip(digits, birth, tmt, int(digits[14]), kind)


def full_years(since: date, on: date) -> int:
    years = on.year - since.year
    return years - 1 if (on.month, on.day) < (since.month, since.day) else years


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover (28 exists in every month)


def working_days(start: date, end: date, calendar: DayCalendar) -> int:
    """Days of ``start``..``end`` (both included) the office works."""
    return sum(1 for n in range((end - start).days + 1)
               if calendar.is_working_day(start + timedelta(days=n)))


@dataclass(frozen=True)
class YearLedger:
    """One year of annual leave of one employee (working days)."""

    year: int
    entitlement: int = rules.ANNUAL_DAYS
    carried: int = 0
    adjusted: int = 0
    """BKD adjustments (e.g. cuti bersama an ASN had to work, PP 11/2017 Pasal 333 ayat (3))."""
    taken: int = 0
    pending: int = 0

    @property
    def available(self) -> int:
        return self.entitlement + self.carried + self.adjusted - self.taken - self.pending

    @property
    def unused(self) -> int:
        return max(0, self.entitlement + self.carried + self.adjusted - self.taken)


def carried_into(previous: YearLedger | None, before: YearLedger | None) -> int:
    """Annual leave carried into the year after ``previous`` (``before`` is the year before
    it): at most 6 days (total 18) or, when neither year was used at all, at most 12 (total
    24), PP 11/2017 Pasal 313 and Peraturan BKN 24/2017."""
    if previous is None:
        return 0
    unused_two = before is not None and previous.taken == 0 and before.taken == 0
    cap = (rules.TOTAL_MAX_TWO_YEARS if unused_two else rules.TOTAL_MAX_ONE_YEAR) \
        - rules.ANNUAL_DAYS
    return min(previous.unused, cap)


def rule_for(kind: str, employee_kind: str) -> LeaveRule:
    table = rules.PPPK_RULES if employee_kind == "pppk" else rules.PNS_RULES
    found = table.get(kind)
    if found is None:
        raise LeaveRefused("cuti-jenis-tidak-berhak", jenis=kind, pegawai=employee_kind.upper(),
                           aturan="PP 49/2018 (cuti PPPK: tahunan, sakit, melahirkan, bersama)")
    return found


@dataclass(frozen=True)
class LeaveAsk:
    kind: str
    start: date
    end: date
    service_start: date
    employee_kind: str = "pns"
    childbirths_before: int = 0
    big_leave_that_year: bool = False
    """A cuti besar pending or taken in the year the request starts."""


@dataclass(frozen=True)
class Quote:
    """What a request counts: its working days and the year's ledger it draws on."""

    kind: str
    year: int
    days: int
    rule: LeaveRule
    notes: list[str] = field(default_factory=list)


def quote(ask: LeaveAsk, calendar: DayCalendar, ledger: YearLedger | None = None) -> Quote:
    """Check a request against the rules; raise :class:`LeaveRefused` with the figures."""
    if ask.start.year not in YEARS or ask.end.year not in YEARS:
        raise LeaveRefused("cuti-tahun-di-luar-jangkauan", "tanggal_mulai",
                           dari=YEARS.start, sampai=YEARS.stop - 1)
    if ask.end < ask.start:
        raise LeaveRefused("cuti-tanggal-terbalik", "tanggal_selesai")
    if (ask.end - ask.start).days >= MAX_SPAN_DAYS:
        raise LeaveRefused("cuti-terlalu-panjang", "tanggal_selesai", hari=MAX_SPAN_DAYS)
    rule = rule_for(ask.kind, ask.employee_kind)
    served = full_years(ask.service_start, ask.start)
    if served < rule.min_service_years:
        raise LeaveRefused("cuti-masa-kerja-kurang", minimal=rule.min_service_years,
                           masa_kerja=served, aturan=rule.source)
    days = working_days(ask.start, ask.end, calendar)
    if days == 0:
        raise LeaveRefused("cuti-tanpa-hari-kerja", "tanggal_mulai")
    if rule.unit == "months" and ask.end >= add_months(ask.start, rule.max_amount):
        raise LeaveRefused("cuti-melebihi-batas", "tanggal_selesai", batas=rule.max_amount,
                           satuan="bulan", aturan=rule.source)
    if ask.kind == "bersalin" and ask.childbirths_before >= rules.MAX_CHILDBIRTHS:
        raise LeaveRefused("cuti-melahirkan-batas", batas=rules.MAX_CHILDBIRTHS,
                           aturan=rule.source)
    if ask.kind == "tahunan":
        if ask.start.year != ask.end.year:
            raise LeaveRefused("cuti-lintas-tahun", "tanggal_selesai")
        if ask.big_leave_that_year:
            raise LeaveRefused("cuti-tahunan-setelah-cuti-besar", tahun=ask.start.year,
                               aturan=rules.NO_ANNUAL_AFTER_BIG)
        book = ledger or YearLedger(ask.start.year)
        if days > book.available:
            raise LeaveRefused("cuti-melebihi-saldo", "tanggal_selesai", sisa=book.available,
                               diminta=days, tahun=book.year,
                               aturan=rule.source + "; PP 11/2017 Pasal 313")
    return Quote(ask.kind, ask.start.year, days, rule)


def signer_for(kind: str, position: str, abroad: bool) -> SignerRule:
    """Who signs the Surat Cuti of bkd-cuti-pegawai (langkah 7)."""
    if abroad:
        return rules.ABROAD_ESELON_II if position == "struktural_eselon_ii" \
            else rules.ABROAD_OTHERS
    found = rules.SIGNATORIES.get((kind, position))
    if found is None:
        raise LeaveRefused("cuti-penandatangan-tidak-dikenal", "jenis_jabatan")
    return found


def cltn_check(kind: str, months: int | None, service_start: date, start: date) -> None:
    """CLTN (bkd-cuti-diluar-tanggungan-negara): 5 years of service; at most 3 years, an
    extension at most 1 year (:data:`rules.CLTN_SOURCE`)."""
    if kind == "pengaktifan_kembali":
        return
    served = full_years(service_start, start)
    if kind == "pemberian" and served < rules.CLTN_MIN_SERVICE_YEARS:
        raise LeaveRefused("cuti-masa-kerja-kurang", "jenis_usulan",
                           minimal=rules.CLTN_MIN_SERVICE_YEARS, masa_kerja=served,
                           aturan=rules.CLTN_SOURCE)
    limit = rules.CLTN_MAX_MONTHS if kind == "pemberian" else rules.CLTN_EXTENSION_MAX_MONTHS
    if months is not None and not 1 <= months <= limit:
        raise LeaveRefused("cuti-melebihi-batas", "lama_bulan", batas=limit, satuan="bulan",
                           aturan=rules.CLTN_SOURCE)
