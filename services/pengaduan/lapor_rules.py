"""The SP4N-LAPOR! deadlines as data, and how they are counted (pure, no I/O).

SP4N-LAPOR! (Sistem Pengelolaan Pengaduan Pelayanan Publik Nasional) is the national
complaint channel of Perpres 76/2013 (Pengelolaan Pengaduan Pelayanan Publik) and
PermenPANRB 62/2018 (Pedoman Teknis Pengelolaan Pengaduan Pelayanan Publik bagi Instansi
Pemerintah). A report LAPOR! assigns to the regency has three deadlines, in working days:

* ``verifikasi`` (3): the regency's complaint administrator verifies the report and
  forwards it to the OPD that handles it; counted from the moment LAPOR! assigned it to the
  regency (``diteruskan_pada``). Met when the officer of the case's first officer step acts
  (the case is registered/verified), which pushes a follow-up to LAPOR!.
* ``tindak_lanjut`` (5): the OPD answers / follows the report up; from the same moment. Met
  when the case closes (the closing with its outcome is pushed).
* ``tindak_lanjut_diperpanjang`` (10): the same, for a report an officer marks as needing
  more time (coordination with other agencies, a field check).

**Not verified against the text**: the figures 3/5/10 are the ones the issue names; the
searches of the public corpora (2026-12-03) found neither Perpres 76/2013 nor the Lampiran
of PermenPANRB 62/2018 in full, only agencies' own complaint standards quoting other
periods (2/5/14/60 working days). Each figure is therefore a setting
(``HALO_PENGADUAN_LAPOR_VERIFIKASI_HARI``, ``..._TINDAK_LANJUT_HARI``,
``..._PERPANJANGAN_HARI``), defaulting to the figures below, and the source says so.

Working days are the office calendar's (weekends, national holidays and cuti bersama, the
regency's extra days off): the same :class:`shared.calendar.business.OfficeCalendar` and the
same ``due`` the engine computes step due times with ("3 hari kerja" keeps the time of day).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Literal

from shared.calendar.business import OfficeCalendar
from shared.calendar.standard_time import parse_standard_time
from shared.settings import SettingsError, env

DeadlineName = Literal["verifikasi", "tindak_lanjut", "tindak_lanjut_diperpanjang"]
Status = Literal["berjalan", "tepat_waktu", "terlambat"]
_SOURCE = ("Perpres 76/2013; PermenPANRB 62/2018, Lampiran (pedoman teknis pengelolaan "
           "pengaduan) - not verified against the text: the text was not found in the "
           "corpora searched; figure as the issue names it, a setting")


@dataclass(frozen=True)
class Deadline:
    name: DeadlineName
    working_days: int
    actor: str
    """Who must act by then."""
    what: str
    source: str
    setting: str
    """The environment variable that overrides ``working_days``."""


DEADLINES: tuple[Deadline, ...] = (
    Deadline("verifikasi", 3, "Admin pengelola pengaduan kabupaten",
             "Laporan diverifikasi dan diteruskan kepada OPD yang menangani",
             _SOURCE, "HALO_PENGADUAN_LAPOR_VERIFIKASI_HARI"),
    Deadline("tindak_lanjut", 5, "OPD penanggung jawab (instansi terlapor)",
             "Laporan ditindaklanjuti dan dijawab kepada pelapor",
             _SOURCE, "HALO_PENGADUAN_LAPOR_TINDAK_LANJUT_HARI"),
    Deadline("tindak_lanjut_diperpanjang", 10, "OPD penanggung jawab (instansi terlapor)",
             "Tindak lanjut laporan yang memerlukan koordinasi atau pemeriksaan lebih lanjut",
             _SOURCE, "HALO_PENGADUAN_LAPOR_PERPANJANGAN_HARI"),
)


def deadlines_from_env() -> dict[DeadlineName, Deadline]:
    """The deadlines with the settings applied (a value that is not 1..60 stops the start)."""
    out: dict[DeadlineName, Deadline] = {}
    for rule in DEADLINES:
        raw = (env(rule.setting) or "").strip()
        if raw:
            if not raw.isdigit() or not 1 <= int(raw) <= 60:
                raise SettingsError(f"{rule.setting} harus bilangan hari kerja 1..60")
            rule = replace(rule, working_days=int(raw))
        out[rule.name] = rule
    return out


@dataclass(frozen=True)
class Dues:
    verifikasi: datetime
    tindak_lanjut: datetime
    tindak_lanjut_diperpanjang: datetime


def dues(calendar: OfficeCalendar, assigned_at: datetime,
         rules: dict[DeadlineName, Deadline]) -> Dues:
    """Each deadline of a report LAPOR! assigned at ``assigned_at``."""
    def due(name: DeadlineName) -> datetime:
        std = parse_standard_time(f"{rules[name].working_days} hari kerja")
        return calendar.due(assigned_at, std)

    return Dues(verifikasi=due("verifikasi"), tindak_lanjut=due("tindak_lanjut"),
                tindak_lanjut_diperpanjang=due("tindak_lanjut_diperpanjang"))


def working_days_after(calendar: OfficeCalendar, start: date, end: date) -> int:
    """Working days ``d`` with ``start < d <= end`` (0 when ``end <= start``)."""
    count, day = 0, start + timedelta(days=1)
    while day <= end:
        count += calendar.is_working_day(day)
        day += timedelta(days=1)
    return count


@dataclass(frozen=True)
class Standing:
    status: Status
    late_by: int
    """Working days late: those after the due day up to the day it was met (or today while
    it is not); at least 1 once late, 0 otherwise."""


def standing(calendar: OfficeCalendar, due: datetime, met_at: datetime | None,
             now: datetime) -> Standing:
    """Whether a deadline was met on time, is late (by how many working days), or runs."""
    at = met_at or now
    if at <= due:
        return Standing("tepat_waktu" if met_at is not None else "berjalan", 0)
    tz = calendar.tz
    days = working_days_after(calendar, due.astimezone(tz).date(), at.astimezone(tz).date())
    return Standing("terlambat", max(days, 1))
