"""Deployment calendar settings: office hours and regional holidays read from the
environment, refused clearly when malformed, and used by a service's due times."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from services.dukcapil.app import create_app
from shared.calendar.config import CalendarConfigError, calendars, parse_dates, parse_office_hours
from shared.calendar.office_hours import DEFAULT_OFFICE_HOURS, DayHours
from shared.settings import ServiceSettings, SettingsError
from tests.support.apps import running, service_settings, wiring
from tests.support.tokens import TestTokens

JAKARTA = ZoneInfo("Asia/Jakarta")


def test_office_hours_with_ranges_and_single_days() -> None:
    hours = parse_office_hours("mon-thu=07:30-16:00, FRI=07:30-16:30")
    assert hours == DEFAULT_OFFICE_HOURS
    weekend = parse_office_hours("mon-fri=08:00-16:00,sat=08:00-12:00")
    assert weekend.saturday == DayHours(time(8), time(12)) and weekend.sunday is None


@pytest.mark.parametrize(("text", "says"), [
    ("", "kosong"),
    ("senin=08:00-16:00", "tidak terbaca"),
    ("mon-xyz=08:00-16:00", "tidak dikenal"),
    ("fri-mon=08:00-16:00", "terbalik"),
    ("mon=16:00-08:00", "sebelum jam tutup"),
    ("mon=25:00-26:00", "jam tidak valid"),
    ("mon-wed=08:00-16:00,tue=09:00-12:00", "dua kali"),
])
def test_malformed_office_hours_are_refused_with_the_reason(text: str, says: str) -> None:
    with pytest.raises(CalendarConfigError, match=says):
        parse_office_hours(text)


def test_holiday_dates() -> None:
    assert parse_dates("2026-11-27, 2026-11-14,2026-11-27,") == (date(2026, 11, 14),
                                                                 date(2026, 11, 27))
    with pytest.raises(CalendarConfigError, match="YYYY-MM-DD"):
        parse_dates("14-11-2026")


def test_settings_read_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HALO_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("HALO_OFFICE_HOURS", "mon-fri=08:00-12:00")
    monkeypatch.setenv("HALO_EXTRA_HOLIDAYS", "2026-08-13")
    conf = ServiceSettings.from_env("dukcapil")
    assert conf.office_hours.monday == DayHours(time(8), time(12))
    assert conf.extra_holidays == (date(2026, 8, 13),)
    monkeypatch.setenv("HALO_OFFICE_HOURS", "setiap hari")
    with pytest.raises(SettingsError, match="pengaturan kalender"):
        ServiceSettings.from_env("dukcapil")


def test_the_calendars_are_built_once_per_name() -> None:
    calendar_for = calendars(DEFAULT_OFFICE_HOURS, [date(2026, 8, 13)])
    assert calendar_for("office") is calendar_for("office")
    assert calendar_for("24x7").name == "24x7"
    with pytest.raises(ValueError, match="tidak dikenal"):
        calendar_for("lunar")


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


@pytest.mark.parametrize(("hours", "holidays", "due"), [
    pytest.param(DEFAULT_OFFICE_HOURS, (), "2026-08-12T12:05:00+07:00", id="default"),
    # Closes at 12:00 and Thursday 13 August is a regional day off: Friday 08:05.
    pytest.param(parse_office_hours("mon-fri=08:00-12:00"), (date(2026, 8, 13),),
                 "2026-08-14T08:05:00+07:00", id="configured"),
])
async def test_a_service_counts_due_times_on_its_configured_calendar(
        tmp_path: Path, hours: object, holidays: tuple[date, ...], due: str) -> None:
    tokens = TestTokens()
    conf = replace(service_settings("dukcapil", f"sqlite+aiosqlite:///{tmp_path}/d.db",
                                    tmp_path), office_hours=hours, extra_holidays=holidays)
    clock = Clock(datetime(2026, 8, 12, 11, 55, tzinfo=JAKARTA))  # Wednesday
    app = create_app(conf, wiring(tokens, clock=clock))
    form = {"nik_anak": "1801014505240001", "nama_anak": "Siti",
            "tanggal_lahir_anak": "2024-05-05", "nomor_kk": "1801012202200003",
            "pengambilan": "ambil_di_mpp"}
    async with running(app) as client:
        opened = await client.post(
            "/cases", headers=tokens.headers("warga-1", "citizen"),
            files={"berkas_persyaratan": ("a.pdf", b"%PDF-1.4 x", "application/pdf")},
            data={"data": json.dumps({"sop_key": "dukcapil-kia-0-5-tahun", "form": form})})
        assert opened.status_code == 201, opened.text
        assert datetime.fromisoformat(opened.json()["current_step"]["due_at"]) == (
            datetime.fromisoformat(due))
