"""The emergency report flow on PostgreSQL (integration tier): once with the damkar
service's database on PostgreSQL (its report tables, row locks, the arrival hook), once with
the gateway's (the one-time codes and their rate-limit counts)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.gateway.routing import harness
from tests.support.apps import service_settings
from tests.support.damkar import damkar_stack

pytestmark = pytest.mark.integration


async def _flow(tmp: Path) -> None:
    async with damkar_stack(tmp) as dk:
        assert dk.stack.service("damkar").db.dialect.name == "postgresql"
        who = await dk.reporter()
        accepted = (await dk.report(who)).json()
        assert accepted["pos"]["id"] == "pos-kalianda"
        officer = dk.stack.headers("petugas-1", "damkar:petugas_pemadam")
        for action in ("siapkan_peralatan", "berangkat", "informasikan"):
            response = await dk.client.post(
                f"/api/v1/damkar/cases/{accepted['case_id']}/actions", headers=officer,
                json={"action": action})
            assert response.status_code == 200, response.text
        dk.clock.advance(minutes=17)
        arrived = await dk.client.post(f"/api/v1/damkar/darurat/{accepted['tracking_no']}/tiba",
                                       headers=officer)
        assert arrived.status_code == 200 and arrived.json()["response_min"] == 17.0
        report = (await dk.client.get("/api/v1/damkar/laporan/waktu-tanggap",
                                      params={"bulan": "2026-11"}, headers=officer)).json()
        kalianda = next(p for p in report["posts"] if p["post_id"] == "pos-kalianda")
        assert (kalianda["arrived"], kalianda["within_standard"], kalianda["share_within"]) \
            == (1, 0, 0.0)  # 17 minutes: late


async def test_on_the_damkar_database(tmp_path: Path, fresh_pg_url: str,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    def on_pg(name: str, url: str, tmp: Path, migrate: bool = True):  # type: ignore[no-untyped-def]
        return service_settings(name, fresh_pg_url if name == "damkar" else url, tmp, migrate)

    monkeypatch.setattr(harness, "service_settings", on_pg)
    await _flow(tmp_path)


async def test_on_the_gateway_database(tmp_path: Path, fresh_pg_url: str) -> None:
    async with damkar_stack(tmp_path, database_url=fresh_pg_url) as dk:
        await dk.reporter()
    await _flow_gateway_pg(tmp_path, fresh_pg_url)


async def _flow_gateway_pg(tmp: Path, url: str) -> None:
    async with damkar_stack(tmp, database_url=url) as dk:
        assert dk.stack.runtime.db.dialect.name == "postgresql"
        await dk.ask_code()  # the second of three in the window (counted in PostgreSQL)
        await dk.ask_code()
        assert (await dk.ask_code(expect=429)).json()["code"] == "otp-rate-limited"
        code_owner = await dk.reporter("081298765432")
        assert (await dk.report(code_owner, phone="081298765432")).status_code == 201
