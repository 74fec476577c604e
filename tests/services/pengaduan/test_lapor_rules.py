"""The SP4N-LAPOR! deadlines on the 2026 office calendar, computed by hand (no I/O)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from services.pengaduan.lapor_rules import (
    DEADLINES,
    deadlines_from_env,
    dues,
    standing,
    working_days_after,
)
from shared.calendar.business import OfficeCalendar
from shared.settings import SettingsError

WIB = ZoneInfo("Asia/Jakarta")
CAL = OfficeCalendar()


def at(day: str, hour: int, minute: int = 0) -> datetime:
    y, m, d = (int(x) for x in day.split("-"))
    return datetime(y, m, d, hour, minute, tzinfo=WIB)


def test_every_figure_names_its_source_and_says_it_is_unverified() -> None:
    assert [(d.name, d.working_days) for d in DEADLINES] == [
        ("verifikasi", 3), ("tindak_lanjut", 5), ("tindak_lanjut_diperpanjang", 10)]
    for rule in DEADLINES:
        assert "PermenPANRB 62/2018" in rule.source and "not verified" in rule.source
        assert rule.setting.startswith("HALO_PENGADUAN_LAPOR_")


def test_thursday_before_the_independence_day_weekend(monkeypatch: pytest.MonkeyPatch) -> None:
    """Assigned Thursday 13 Aug 2026 10:00 WIB. Working days: Fri 14 (1); Sat 15, Sun 16
    and Mon 17 (HUT RI) off; Tue 18 (2), Wed 19 (3) -> verification due Wed 19 Aug 10:00;
    Thu 20 (4), Fri 21 (5) -> follow-up due Fri 21 Aug 10:00; Mon 24 (6), Tue 25 off
    (Maulid Nabi), Wed 26 (7), Thu 27 (8), Fri 28 (9), Mon 31 (10) -> extended follow-up
    due Mon 31 Aug 10:00 (the time of day kept, as the engine's "N hari kerja")."""
    for rule in DEADLINES:
        monkeypatch.delenv(rule.setting, raising=False)
    got = dues(CAL, at("2026-08-13", 10), deadlines_from_env())
    assert got.verifikasi == at("2026-08-19", 10)
    assert got.tindak_lanjut == at("2026-08-21", 10)
    assert got.tindak_lanjut_diperpanjang == at("2026-08-31", 10)


def test_christmas_and_new_year() -> None:
    """Assigned Wed 23 Dec 2026 14:00. Thu 24 (cuti bersama) and Fri 25 (Natal) off, the
    weekend; Mon 28 (1), Tue 29 (2), Wed 30 (3) -> verification Wed 30 Dec 14:00; Thu 31 (4),
    Fri 1 Jan 2027 off, the weekend, Mon 4 Jan (5) -> follow-up Mon 4 Jan 14:00; Tue 5 Jan
    off (Isra Mi'raj), Wed 6 (6), Thu 7 (7), Fri 8 (8), Mon 11 (9), Tue 12 (10) -> extended
    Tue 12 Jan 14:00."""
    got = dues(CAL, at("2026-12-23", 14), {d.name: d for d in DEADLINES})
    assert got.verifikasi == at("2026-12-30", 14)
    assert got.tindak_lanjut == at("2027-01-04", 14)
    assert got.tindak_lanjut_diperpanjang == at("2027-01-12", 14)


def test_assigned_after_office_hours_counts_from_the_next_opening() -> None:
    """Assigned Friday 14 Aug 2026 17:00 (the office closed at 16:30). The next office moment
    is Tue 18 Aug 07:30 (Mon 17 off); + 3 working days: Wed 19, Thu 20, Fri 21 -> 07:30."""
    got = dues(CAL, at("2026-08-14", 17), {d.name: d for d in DEADLINES})
    assert got.verifikasi == at("2026-08-21", 7, 30)


def test_settings_override_and_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    """Verification set to 2 working days: from Thu 13 Aug 10:00, Fri 14 (1), Tue 18 (2)."""
    monkeypatch.setenv("HALO_PENGADUAN_LAPOR_VERIFIKASI_HARI", "2")
    rules = deadlines_from_env()
    assert rules["verifikasi"].working_days == 2 and rules["tindak_lanjut"].working_days == 5
    assert dues(CAL, at("2026-08-13", 10), rules).verifikasi == at("2026-08-18", 10)
    for bad in ("0", "61", "tiga"):
        monkeypatch.setenv("HALO_PENGADUAN_LAPOR_VERIFIKASI_HARI", bad)
        with pytest.raises(SettingsError):
            deadlines_from_env()


def test_working_days_after_skips_holidays() -> None:
    """After Fri 21 Aug up to Wed 26 Aug: Mon 24 and Wed 26 (Tue 25 off) = 2."""
    assert working_days_after(CAL, at("2026-08-21", 0).date(), at("2026-08-26", 0).date()) == 2
    assert working_days_after(CAL, at("2026-08-21", 0).date(), at("2026-08-21", 0).date()) == 0


def test_standing_on_time_running_and_late_by_working_days() -> None:
    """Due Wed 19 Aug 10:00. Met 09:00 that day: on time. Not met on Tue 18: running. Met
    Mon 24 Aug 09:00: late by Thu 20, Fri 21, Mon 24 = 3 working days. Met the same day at
    15:00: late, counted as 1. Still unmet on Wed 26 Aug against due Fri 21: Mon 24, Wed 26
    (Tue 25 off) = 2."""
    due = at("2026-08-19", 10)
    assert standing(CAL, due, at("2026-08-19", 9), at("2026-08-30", 9)).status == "tepat_waktu"
    running = standing(CAL, due, None, at("2026-08-18", 9))
    assert (running.status, running.late_by) == ("berjalan", 0)
    late = standing(CAL, due, at("2026-08-24", 9), at("2026-08-30", 9))
    assert (late.status, late.late_by) == ("terlambat", 3)
    assert standing(CAL, due, at("2026-08-19", 15), at("2026-08-30", 9)).late_by == 1
    open_late = standing(CAL, at("2026-08-21", 10), None, at("2026-08-26", 8))
    assert (open_late.status, open_late.late_by) == ("terlambat", 2)
