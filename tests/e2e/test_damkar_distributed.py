"""A fire reported without an account, in distributed mode: the real gateway process sends
the one-time code (no WhatsApp is configured here, so the development Maildir of the gateway,
``var/mail``, catches it, addressed to the number), the code is exchanged for the reporter's
token, the damkar service process takes the report and dispatches it to the nearest post,
the post's officer records the arrival and the monthly report counts it."""

from __future__ import annotations

import email
import re
import secrets
import time
from email.message import Message
from pathlib import Path

import httpx
import pytest

from shared.settings import var_dir

pytestmark = pytest.mark.integration
G = "http://127.0.0.1:8000"
CODE = re.compile(r"\b(\d{6})\b")


def _code_for(phone: str, since: float) -> str:
    """The newest code the gateway's Maildir holds for ``phone`` (``+628...``)."""
    folder = Path(var_dir()) / "mail" / "new"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for path in sorted(folder.glob("*"), key=lambda p: p.stat().st_mtime, reverse=True):
            if path.stat().st_mtime < since - 1:
                break
            mail: Message = email.message_from_bytes(path.read_bytes())
            if mail["To"] == phone:
                payload = mail.get_payload(decode=True)
                text = payload.decode() if isinstance(payload, bytes) else str(payload)
                found = CODE.search(text)
                assert found is not None
                return found.group(1)
        time.sleep(0.2)
    raise AssertionError("no code reached the Maildir")


def test_a_fire_reported_without_an_account(distributed: None) -> None:
    phone = "0812" + f"{secrets.randbelow(10 ** 8):08d}"
    normalised = "+62" + phone[1:]
    with httpx.Client(timeout=20) as client:
        since = time.time()
        sent = client.post(f"{G}/api/v1/auth/otp",
                           json={"telepon": phone, "tujuan": "darurat-damkar"})
        assert sent.status_code == 202, sent.text
        code = _code_for(normalised, since)
        token = client.post(f"{G}/api/v1/auth/otp/verifikasi",
                            json={"telepon": phone, "kode": code})
        assert token.status_code == 200, token.text
        who = {"Authorization": f"Bearer {token.json()['access_token']}"}
        refused = client.get(f"{G}/api/v1/damkar/cases", headers=who)
        assert refused.status_code == 401  # the service refuses the scoped token
        accepted = client.post(f"{G}/api/v1/damkar/darurat", headers=who, json={
            "jenis": "kebakaran", "telepon": phone, "lat": -5.7300, "lon": 105.6000,
            "akurasi_m": 10, "alamat": "Jl. Soekarno-Hatta, Kalianda"})
        assert accepted.status_code == 201, accepted.text
        report = accepted.json()
        assert report["pos"]["id"] == "pos-kalianda"
        status = client.get(f"{G}{report['status_url']}", headers=who).json()
        assert status["step"] == "terima_laporan"

        login = client.post(f"{G}/api/v1/auth/login", json={
            "login": "petugas_pemadam.damkar@demo.halo.lamsel",
            "password": "Demo-Petugas-2026"})
        assert login.status_code == 200, login.text
        officer = {"Authorization": f"Bearer {login.json()['access_token']}"}
        for action in ("siapkan_peralatan", "berangkat", "informasikan"):
            done = client.post(f"{G}/api/v1/damkar/cases/{report['case_id']}/actions",
                               headers=officer, json={"action": action})
            assert done.status_code == 200, done.text
        arrived = client.post(f"{G}/api/v1/damkar/darurat/{report['tracking_no']}/tiba",
                              headers=officer)
        assert arrived.status_code == 200, arrived.text
        assert arrived.json()["arrived_at"] is not None
        month = status["received_at"][:7]
        figures = client.get(f"{G}/api/v1/damkar/laporan/waktu-tanggap",
                             params={"bulan": month}, headers=officer).json()
        kalianda = next(p for p in figures["posts"] if p["post_id"] == "pos-kalianda")
        assert kalianda["arrived"] >= 1 and kalianda["within_standard"] >= 1
        deadline = time.monotonic() + 60
        while True:  # the reporter's tracking, fed over Kafka
            mine = client.get(f"{G}/api/v1/me/cases", headers=who)
            if report["tracking_no"] in [c["tracking_no"] for c in mine.json().get("items", [])]:
                break
            assert time.monotonic() < deadline, mine.text
            time.sleep(0.3)
