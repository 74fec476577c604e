"""The README walk-through "a fire reported without an account" against the all-in-one app,
in-process: the code comes from the all-in-one Maildir (``$HALO_VAR_DIR/mail``), the demo
fire officer records the arrival, and the monthly report counts it."""

from __future__ import annotations

import io
import mailbox
import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from gateway.allinone_app import build_app
from gateway.settings import SERVICES

CODE = re.compile(r"\b(\d{6})\b")


@pytest.fixture
async def allinone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                   ) -> AsyncIterator[httpx.AsyncClient]:
    monkeypatch.setenv("HALO_VAR_DIR", str(tmp_path))
    for name in ("HALO_ENV", "HALO_WORKERS", "HALO_DATABASE_URL", "HALO_GATEWAY_DATABASE_URL",
                 "HALO_KEY_DIR", "HALO_RUN_MIGRATIONS", "HALO_WHATSAPP_TOKEN",
                 "HALO_SMTP_HOST", "HALO_NOTIFICATIONS_MAILDIR",
                 *(f"HALO_{s.upper()}_DATABASE_URL" for s in SERVICES)):
        monkeypatch.delenv(name, raising=False)
    app = build_app(demo=True, out=io.StringIO())
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://halo") as client:
            yield client


async def test_a_fire_reported_without_an_account(allinone: httpx.AsyncClient,
                                                  tmp_path: Path) -> None:
    client = allinone
    sent = await client.post("/api/v1/auth/otp", json={"telepon": "081234567890",
                                                       "tujuan": "darurat-damkar"})
    assert sent.status_code == 202, sent.text
    mails = [m for m in mailbox.Maildir(tmp_path / "mail", create=False)
             if m["To"] == "+6281234567890"]
    payload = mails[-1].get_payload(decode=True)
    assert isinstance(payload, bytes)
    found = CODE.search(payload.decode())
    assert found is not None
    token = await client.post("/api/v1/auth/otp/verifikasi",
                              json={"telepon": "081234567890", "kode": found.group(1)})
    assert token.status_code == 200, token.text
    who = {"Authorization": f"Bearer {token.json()['access_token']}"}
    accepted = await client.post("/api/v1/damkar/darurat", headers=who, json={
        "jenis": "kebakaran", "telepon": "081234567890", "lat": -5.7300, "lon": 105.6000,
        "akurasi_m": 15, "alamat": "Jl. Soekarno-Hatta, Kalianda",
        "keterangan": "Rumah terbakar"})
    assert accepted.status_code == 201, accepted.text
    report = accepted.json()
    assert report["pos"]["id"] == "pos-kalianda"
    login = await client.post("/api/v1/auth/login", json={
        "login": "petugas_pemadam.damkar@demo.halo.lamsel", "password": "Demo-Petugas-2026"})
    assert login.status_code == 200, login.text
    officer = {"Authorization": f"Bearer {login.json()['access_token']}"}
    for action in ("siapkan_peralatan", "berangkat", "informasikan"):
        done = await client.post(f"/api/v1/damkar/cases/{report['case_id']}/actions",
                                 headers=officer, json={"action": action})
        assert done.status_code == 200, done.text
    arrived = await client.post(f"/api/v1/damkar/darurat/{report['tracking_no']}/tiba",
                                headers=officer)
    assert arrived.status_code == 200, arrived.text
    status = (await client.get(report["status_url"], headers=who)).json()
    assert status["step"] == "penanganan" and status["arrived_at"] is not None
    month = status["received_at"][:7]
    figures = (await client.get("/api/v1/damkar/laporan/waktu-tanggap",
                                params={"bulan": month}, headers=officer)).json()
    kalianda = next(p for p in figures["posts"] if p["post_id"] == "pos-kalianda")
    assert kalianda["arrived"] == 1 and kalianda["within_standard"] == 1
