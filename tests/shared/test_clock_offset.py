"""HALO_CLOCK_OFFSET: read from the environment, refused in production and when unreadable,
and applied to the clock of a running service (its due times and overdue marks move) and of
the gateway."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from gateway.app import GatewayWiring, create_gateway_app
from gateway.settings import GatewaySettings
from services.dukcapil.app import create_app
from shared.auth.keys import KeySet
from shared.settings import ServiceSettings, SettingsError, parse_clock_offset
from shared.web.runtime import shifted
from tests.support.apps import running, runtime_of, service_settings, wiring
from tests.support.tokens import TestTokens

JAKARTA = ZoneInfo("Asia/Jakarta")
FORM = {"nik_anak": "1801014505240001", "nama_anak": "Siti", "tanggal_lahir_anak": "2024-05-05",
        "nomor_kk": "1801012202200003", "pengambilan": "ambil_di_mpp"}


@pytest.mark.parametrize(("text", "offset"), [
    ("", timedelta(0)),
    ("10d", timedelta(days=10)),
    ("36h", timedelta(hours=36)),
    (" 1D12h ", timedelta(days=1, hours=12)),
    ("90m", timedelta(minutes=90)),
    ("1h30m15s", timedelta(hours=1, minutes=30, seconds=15)),
])
def test_offsets_are_read_as_durations(text: str, offset: timedelta) -> None:
    assert parse_clock_offset(text) == offset


@pytest.mark.parametrize("text", ["10", "10x", "-1d", "d", "10 hari", "1.5d", "1d 2"])
def test_unreadable_offsets_are_refused_with_an_example(text: str) -> None:
    with pytest.raises(SettingsError, match=r"HALO_CLOCK_OFFSET tidak terbaca.*10d"):
        parse_clock_offset(text)


def test_settings_carry_the_offset_outside_production(monkeypatch: pytest.MonkeyPatch,
                                                      tmp_path: Path) -> None:
    monkeypatch.setenv("HALO_VAR_DIR", str(tmp_path))
    monkeypatch.delenv("HALO_ENV", raising=False)
    assert ServiceSettings.from_env("dukcapil").clock_offset == timedelta(0)
    monkeypatch.setenv("HALO_CLOCK_OFFSET", "10d")
    assert ServiceSettings.from_env("dukcapil").clock_offset == timedelta(days=10)
    assert GatewaySettings.from_env().clock_offset == timedelta(days=10)
    monkeypatch.setenv("HALO_CLOCK_OFFSET", "sepuluh hari")
    with pytest.raises(SettingsError, match="HALO_CLOCK_OFFSET"):
        ServiceSettings.from_env("dukcapil")


def test_production_refuses_an_offset(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HALO_ENV", "production")
    monkeypatch.setenv("HALO_CLOCK_OFFSET", "36h")
    monkeypatch.setenv("HALO_DUKCAPIL_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/d.db")
    monkeypatch.setenv("HALO_PII_KEY", "A" * 43)
    monkeypatch.setenv("HALO_GATEWAY_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/g.db")
    for build in (lambda: ServiceSettings.from_env("dukcapil"), GatewaySettings.from_env):
        with pytest.raises(SettingsError, match="tidak boleh dipakai di produksi"):
            build()
    monkeypatch.setenv("HALO_CLOCK_OFFSET", "")
    assert ServiceSettings.from_env("dukcapil").clock_offset == timedelta(0)


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


def test_a_shifted_clock_follows_its_source() -> None:
    clock = Clock(datetime(2026, 8, 12, 9, tzinfo=JAKARTA))
    assert shifted(clock, timedelta(0)) is clock
    later = shifted(clock, timedelta(hours=36))
    assert later() == datetime(2026, 8, 13, 21, tzinfo=JAKARTA)
    clock.now = datetime(2026, 8, 14, 9, tzinfo=JAKARTA)
    assert later() == datetime(2026, 8, 15, 21, tzinfo=JAKARTA)


@pytest.mark.parametrize(("offset", "due", "overdue"), [
    pytest.param(timedelta(0), "2026-08-12T12:05:00+07:00", False, id="none"),
    # Wednesday 11:55 + 2 days = Friday 11:55: due ten office minutes later, not yet late.
    pytest.param(timedelta(days=2), "2026-08-14T12:05:00+07:00", False, id="2d"),
])
async def test_a_service_counts_due_times_from_the_shifted_clock(
        tmp_path: Path, offset: timedelta, due: str, overdue: bool) -> None:
    tokens = TestTokens()
    conf = replace(service_settings("dukcapil", f"sqlite+aiosqlite:///{tmp_path}/d.db", tmp_path),
                   clock_offset=offset)
    clock = Clock(datetime(2026, 8, 12, 11, 55, tzinfo=JAKARTA))  # Wednesday
    async with running(create_app(conf, wiring(tokens, clock=clock))) as client:
        opened = await client.post(
            "/cases", headers=tokens.headers("warga-1", "citizen"),
            files={"berkas_persyaratan": ("a.pdf", b"%PDF-1.4 x", "application/pdf")},
            data={"data": json.dumps({"sop_key": "dukcapil-kia-0-5-tahun", "form": FORM})})
        assert opened.status_code == 201, opened.text
        step = opened.json()["current_step"]
        assert datetime.fromisoformat(step["due_at"]) == datetime.fromisoformat(due)
        assert step["overdue"] is overdue


async def test_an_offset_makes_an_open_step_late_and_escalated(tmp_path: Path) -> None:
    """The demo of lateness: a case opened before a restart with ``10d`` reads late and
    reaches the supervisor's inbox at the sweeper's next pass."""
    tokens = TestTokens()
    url = f"sqlite+aiosqlite:///{tmp_path}/d.db"
    clock = Clock(datetime(2026, 8, 12, 11, 55, tzinfo=JAKARTA))
    citizen = tokens.headers("warga-1", "citizen")
    async with running(create_app(service_settings("dukcapil", url, tmp_path),
                                  wiring(tokens, clock=clock))) as client:
        opened = await client.post(
            "/cases", headers=citizen,
            files={"berkas_persyaratan": ("a.pdf", b"%PDF-1.4 x", "application/pdf")},
            data={"data": json.dumps({"sop_key": "dukcapil-kia-0-5-tahun", "form": FORM})})
        assert opened.status_code == 201, opened.text
    case_id = opened.json()["id"]
    conf = replace(service_settings("dukcapil", url, tmp_path), clock_offset=timedelta(days=10))
    app = create_app(conf, wiring(tokens, clock=clock))
    async with running(app) as client:
        kabid = tokens.headers("kabid-1", "disdukcapil:kabid")
        assert runtime_of(app).clock() == clock.now + timedelta(days=10)
        shown = (await client.get(f"/cases/{case_id}", headers=kabid)).json()
        assert shown["current_step"]["overdue"] is True
        assert (await runtime_of(app).sweeper.run_once())[0] == 1
        shown = (await client.get(f"/cases/{case_id}", headers=kabid)).json()
        assert shown["current_step"]["escalated_to"] == ["disdukcapil:kabid"]


async def test_the_gateway_runtime_gets_the_shifted_clock(tmp_path: Path) -> None:
    clock = Clock(datetime(2026, 8, 12, 11, 55, tzinfo=JAKARTA))
    conf = replace(GatewaySettings(database_url=f"sqlite+aiosqlite:///{tmp_path}/g.db",
                                   service_urls={}, key_dir=tmp_path / "keys"),
                   clock_offset=timedelta(hours=36))
    app = create_gateway_app(conf, GatewayWiring(keys=KeySet.load_or_create(tmp_path / "keys"),
                                                 clock=clock), parts=[])
    async with app.router.lifespan_context(app):
        assert app.state.runtime.clock() == datetime(2026, 8, 13, 23, 55, tzinfo=JAKARTA)
