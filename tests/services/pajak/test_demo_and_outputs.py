"""The demo tax objects seeded at start with HALO_DEMO=1 (idempotent), and the payment
receipt (STTS) issued through the shared outputs when the bank's confirmation completes the
pembayaran case's bank step."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from services.pajak.app import create_app
from tests.services.pajak.conftest import BANK, TOKENS, WAJIB_PAJAK, Pajak
from tests.support.apps import running, service_settings, wiring

NOP = "18.01.040.005.001-0123.0"


async def test_the_demo_seeds_once_with_halo_demo(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'demo.db'}"
    async with running(create_app(service_settings("pajak", url, tmp_path),
                                  wiring(TOKENS))) as client:
        assert (await client.get("/tagihan", params={"nop": NOP, "tahun": 2026})
                ).status_code == 404  # no demo without HALO_DEMO
    monkeypatch.setenv("HALO_DEMO", "1")
    for _ in range(2):  # a second start finds the objects and adds nothing
        async with running(create_app(service_settings("pajak", url, tmp_path),
                                      wiring(TOKENS))) as client:
            got = await client.get("/tagihan", params={"nop": NOP, "tahun": 2026})
            assert got.status_code == 200 and got.json()["pokok"] == 112_000


async def test_the_bank_s_confirmation_issues_the_payment_receipt(pajak: Pajak) -> None:
    case = (await pajak.client.post("/cases", headers=WAJIB_PAJAK, json={
        "sop_key": "bpprd-pbb-pembayaran", "form": {"nop": NOP, "tahun_pajak": 2026}})).json()
    for action in ("konfirmasi_nop", "buat_kode"):
        assert (await pajak.client.post(f"/cases/{case['id']}/actions", headers=WAJIB_PAJAK,
                                        json={"action": action})).status_code == 200
    before = (await pajak.client.get(f"/cases/{case['id']}/outputs",
                                     headers=WAJIB_PAJAK)).json()
    assert before == []
    [code] = (await pajak.client.get(f"/tagihan/kasus/{case['id']}",
                                     headers=WAJIB_PAJAK)).json()["kode_bayar"]
    paid = await pajak.client.post("/bank/konfirmasi", headers=BANK, json={
        "kode": code["kode"], "jumlah": code["jumlah"], "referensi": "BL-STTS-1",
        "dibayar_pada": datetime(2026, 12, 3, 3, 1, tzinfo=UTC).isoformat()})
    assert paid.status_code == 200
    [receipt] = (await pajak.client.get(f"/cases/{case['id']}/outputs",
                                        headers=WAJIB_PAJAK)).json()
    assert receipt["kind"] == "bukti_pembayaran" and receipt["number"].startswith("973/")
