"""An emergency report without an account, through the gateway (all-in-one style, ASGI):
one-time code read from the WhatsApp stand-in, verification, the report dispatched to the
nearest post, live status, the crew's arrival, the monthly 15-minute report; and the
refusals (outside the regency, bad coordinates, another number, rate limits)."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from services.damkar.tables import ReportRow
from tests.gateway.routing.harness import Clock
from tests.support.damkar import PHONE, Damkar, damkar_stack

JAKARTA = ZoneInfo("Asia/Jakarta")
PETUGAS = ("petugas-1", "damkar:petugas_pemadam")


async def act(dk: Damkar, case_id: str, action: str) -> None:
    response = await dk.client.post(f"/api/v1/damkar/cases/{case_id}/actions",
                                    headers=dk.stack.headers(*PETUGAS), json={"action": action})
    assert response.status_code == 200, response.text


async def test_fire_reported_without_an_account(tmp_path: Path) -> None:
    async with damkar_stack(tmp_path) as dk:
        who = await dk.reporter()
        accepted = (await dk.report(who)).json()
        assert accepted["pos"]["id"] == "pos-kalianda"
        assert accepted["pos"]["distance_km"] == 0.16  # 0.15686 km, see test_domain
        number = accepted["tracking_no"]
        assert accepted["status_url"] == f"/api/v1/damkar/darurat/{number}"
        assert "6281234567890" not in str(accepted)

        status = (await dk.client.get(accepted["status_url"], headers=who)).json()
        assert status["status"] == "open" and status["step"] == "terima_laporan"
        assert status["pos"]["name"] == "Markas Komando Damkar Kalianda"
        assert status["arrived_at"] is None and status["standard_min"] == 15
        received = datetime.fromisoformat(status["received_at"])
        assert datetime.fromisoformat(status["step_due_at"]) - received == timedelta(minutes=2)

        # the officers see the post on the case, and the post's list holds the report
        officer = dk.stack.headers(*PETUGAS)
        case = (await dk.client.get(f"/api/v1/damkar/cases/{accepted['case_id']}",
                                    headers=officer)).json()
        assert "Markas Komando Damkar Kalianda" in str(case["form"])
        assert "6281234567890" not in str(case["form"])  # the number is masked
        inbox = (await dk.client.get("/api/v1/damkar/cases", params={"scope": "inbox"},
                                     headers=officer)).json()
        [held] = inbox["items"]
        assert held["form"]["petunjuk_lokasi"].startswith(
            "Pos tujuan: Markas Komando Damkar Kalianda (0.2 km).")
        assert "lokasi_kejadian" in held["masked"]  # address and coordinates: unmask, audited
        listed = (await dk.client.get("/api/v1/damkar/darurat",
                                      params={"pos": "pos-kalianda"}, headers=officer)).json()
        assert [r["tracking_no"] for r in listed] == [number]
        other_post = await dk.client.get("/api/v1/damkar/darurat",
                                         params={"pos": "pos-natar"}, headers=officer)
        assert other_post.json() == []

        # nobody else reads it: another confirmed number, a citizen
        stranger = await dk.reporter("081298765432")
        for someone in (stranger, dk.stack.headers("warga-2", "citizen")):
            hidden = await dk.client.get(accepted["status_url"], headers=someone)
            assert hidden.status_code == 404 and hidden.json()["code"] == \
                "damkar-report-not-found"

        await act(dk, accepted["case_id"], "siapkan_peralatan")
        await act(dk, accepted["case_id"], "berangkat")
        await act(dk, accepted["case_id"], "informasikan")
        dk.clock.advance(minutes=12)
        arrived = await dk.client.post(f"/api/v1/damkar/darurat/{number}/tiba",
                                       headers=officer)
        assert arrived.status_code == 200, arrived.text
        body = arrived.json()
        assert body["step"] == "penanganan" and body["response_min"] == 12.0
        assert body["departed_at"] is not None and body["arrived_at"] is not None
        again = await dk.client.post(f"/api/v1/damkar/darurat/{number}/tiba", headers=officer)
        assert again.status_code == 409 and again.json()["code"] == "damkar-not-at-arrival"
        live = (await dk.client.get(accepted["status_url"], headers=who)).json()
        assert live["response_min"] == 12.0 and live["step"] == "penanganan"

        report = (await dk.client.get("/api/v1/damkar/laporan/waktu-tanggap",
                                      params={"bulan": "2026-11"}, headers=officer)).json()
        kalianda = next(p for p in report["posts"] if p["post_id"] == "pos-kalianda")
        assert (kalianda["reports"], kalianda["arrived"], kalianda["within_standard"],
                kalianda["share_within"], kalianda["median_min"], kalianda["not_arrived"]) \
            == (1, 1, 1, 1.0, 12.0, 0)
        assert "Perbup Lampung Selatan 19/2026" in report["source"]
        natar = next(p for p in report["posts"] if p["post_id"] == "pos-natar")
        assert natar["reports"] == 0 and natar["share_within"] is None
        as_csv = await dk.client.get("/api/v1/damkar/laporan/waktu-tanggap",
                                     params={"bulan": "2026-11", "format": "csv"},
                                     headers=officer)
        assert as_csv.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(as_csv.text)))
        assert {r["post_id"]: r["within_standard"] for r in rows}["pos-kalianda"] == "1"
        december = (await dk.client.get("/api/v1/damkar/laporan/waktu-tanggap",
                                        params={"bulan": "2026-12"}, headers=officer)).json()
        assert sum(p["reports"] for p in december["posts"]) == 0
        refused = await dk.client.get("/api/v1/damkar/laporan/waktu-tanggap",
                                      params={"bulan": "2026-11"},
                                      headers=dk.stack.headers("warga-1", "citizen"))
        assert refused.status_code == 403

        # the reporter's own tracking at the gateway shows the report
        await dk.stack.sync()
        mine = (await dk.client.get("/api/v1/me/cases", headers=who)).json()
        assert [c["tracking_no"] for c in mine["items"]] == [number]
        timeline = await dk.client.get(f"/api/v1/tracking/{number}", headers=who)
        assert timeline.status_code == 200, timeline.text
        assert "case.step_completed" in [e["type"] for e in timeline.json()["timeline"]]
        assert (await dk.client.get(f"/api/v1/tracking/{number}", headers=stranger)
                ).status_code == 404

        async with dk.stack.service("damkar").sessions() as session:
            row = (await session.execute(select(ReportRow))).scalar_one()
        assert row.phone.startswith("enc:v1:") and row.address.startswith("enc:v1:")
        assert row.response_s == 720 and row.post_id == "pos-kalianda"


async def test_a_report_at_23h_on_a_sunday_is_due_minutes_later(tmp_path: Path) -> None:
    """The emergency SOPs run on the 24x7 calendar: Sunday 29 November 2026, 23:00 WIB ->
    step 2 due 23:02 the same night (not Monday's office hours), arrival due 23:15."""
    sunday = Clock(datetime(2026, 11, 29, 23, 0, tzinfo=JAKARTA))
    async with damkar_stack(tmp_path, clock=sunday) as dk:
        who = await dk.reporter()
        accepted = (await dk.report(who, jenis="evakuasi", jenis_evakuasi="sarang_tawon",
                                    at=(-5.8680, 105.7520))).json()
        assert accepted["pos"]["id"] == "pos-bakauheni"
        status = (await dk.client.get(accepted["status_url"], headers=who)).json()
        assert datetime.fromisoformat(status["step_due_at"]) == \
            datetime(2026, 11, 29, 23, 2, tzinfo=JAKARTA)
        for action in ("siapkan_peralatan", "berangkat", "informasikan"):
            await act(dk, accepted["case_id"], action)
        status = (await dk.client.get(accepted["status_url"], headers=who)).json()
        assert status["step"] == "tiba_di_lokasi"
        assert datetime.fromisoformat(status["step_due_at"]) == \
            datetime(2026, 11, 29, 23, 15, tzinfo=JAKARTA)


async def test_refusals(tmp_path: Path) -> None:
    async with damkar_stack(tmp_path) as dk:
        who = await dk.reporter()
        outside = (await dk.report(who, at=(-6.2, 106.8), expect=422)).json()
        assert outside["code"] == "damkar-outside-regency"
        assert "Lampung Selatan" in outside["detail"]
        for lat, lon in ((91.0, 105.6), (-5.7, 181.0), ("utara", 105.6)):
            bad = await dk.report(who, at=(lat, lon), expect=422)  # type: ignore[arg-type]
            assert bad.json()["code"] == "validation-error"
        mismatch = (await dk.report(who, phone="081298765432", expect=422)).json()
        assert mismatch["errors"][0]["problem"] == "damkar-phone-mismatch"
        not_mobile = (await dk.report(who, phone="0212345678", expect=422)).json()
        assert not_mobile["errors"][0]["problem"] == "damkar-phone-format"
        unknown = await dk.report(who, expect=422, sirene=True)
        assert unknown.json()["code"] == "validation-error"
        nobody = await dk.client.post("/api/v1/damkar/darurat", json={})
        assert nobody.status_code == 401
        officer = await dk.report(dk.stack.headers(*PETUGAS), expect=403)
        assert officer.json()["code"] == "damkar-report-forbidden"
        async with dk.stack.service("damkar").sessions() as session:
            assert (await session.execute(select(ReportRow))).first() is None


async def test_reports_per_number_are_limited(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HALO_DAMKAR_REPORT_RATE_NUMBER", "2/3600")
    async with damkar_stack(tmp_path) as dk:
        who = await dk.reporter()
        await dk.report(who)
        dk.clock.advance(minutes=10)
        await dk.report(who)
        refused = await dk.report(who, expect=429)
        assert refused.json()["code"] == "damkar-rate-limited"
        assert refused.headers["Retry-After"] == str(3600 - 600)
        citizen = dk.stack.headers("warga-1", "citizen")
        await dk.report(citizen, phone="081211112222")  # another number is not held back


async def test_reports_per_address_are_limited(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Two numbers confirmed from one client address share the address's count."""
    monkeypatch.setenv("HALO_DAMKAR_REPORT_RATE_ADDRESS", "2/3600")
    async with damkar_stack(tmp_path) as dk:
        first, second = await dk.reporter(), await dk.reporter("081298765432")
        await dk.report(first)
        await dk.report(second, phone="081298765432")
        refused = await dk.report(first, expect=429)
        assert refused.json()["code"] == "damkar-rate-limited"
    assert PHONE
