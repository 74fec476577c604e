"""The bank adapter (services/pajak/adapters/bank.py) against the local stand-in speaking its
protocol, and the bank sync loop: codes registered with the bank, a payment whose callback
never came recorded from the bank's status (the late callback then a replay)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.pajak.adapters.bank import BankSettings, BankUnavailable, CodeToRegister, HttpBank
from services.pajak.bank_sync import sync_once
from tests.services.pajak.conftest import BANK, WAJIB_PAJAK, Pajak
from tests.support.apps import runtime_of
from tests.support.bank_standin import BankClient, BankStandin

NOP = "18.01.040.005.001-0123.0"
SETTINGS = BankSettings(url="http://bank", token="rahasia-bank-uji",
                        name="integrasi.banklampung")
AT = datetime(2026, 12, 3, 3, 1, tzinfo=UTC)


def _bank(standin: BankStandin, settings: BankSettings = SETTINGS) -> HttpBank:
    return HttpBank(settings, standin.client())


async def test_the_adapter_speaks_the_bank_s_protocol() -> None:
    standin = BankStandin()
    bank = _bank(standin)
    code = CodeToRegister(kode="1801261234567890", jumlah=116_480,
                          berlaku_sampai=datetime(2026, 12, 3, 16, 59, tzinfo=UTC),
                          nop=NOP, tahun=2026)
    await bank.register(code)
    await bank.register(code)  # the same again: 200 from the bank, no error
    assert standin.codes["1801261234567890"]["jumlah"] == 116_480
    unpaid = await bank.status("1801261234567890")
    assert unpaid is not None and unpaid.dibayar is False
    standin.pay("1801261234567890", "BL-77", AT)
    paid = await bank.status("1801261234567890")
    assert paid is not None and (paid.dibayar, paid.referensi, paid.jumlah, paid.dibayar_pada) \
        == (True, "BL-77", 116_480, AT)
    assert await bank.status("1801269999999999") is None
    with pytest.raises(BankUnavailable):
        await bank.register(CodeToRegister(**{**code.__dict__, "jumlah": 1}))  # 409
    standin.fail_with = 503
    with pytest.raises(BankUnavailable):
        await bank.status("1801261234567890")
    wrong = _bank(standin, BankSettings(url="http://bank", token="salah", name="x"))
    standin.fail_with = None
    with pytest.raises(BankUnavailable, match="401"):
        await wrong.status("1801261234567890")


async def test_the_sync_registers_codes_and_finds_a_payment_the_callback_missed(
        pajak: Pajak) -> None:
    standin = BankStandin()
    bank = _bank(standin)
    case = (await pajak.client.post("/cases", headers=WAJIB_PAJAK, json={
        "sop_key": "bpprd-pbb-pembayaran", "form": {"nop": NOP, "tahun_pajak": 2026}})).json()
    for action in ("konfirmasi_nop", "buat_kode"):
        moved = await pajak.client.post(f"/cases/{case['id']}/actions", headers=WAJIB_PAJAK,
                                        json={"action": action})
        assert moved.status_code == 200, moved.text
    [code] = (await pajak.client.get(f"/tagihan/kasus/{case['id']}",
                                     headers=WAJIB_PAJAK)).json()["kode_bayar"]
    runtime = runtime_of(pajak.app)
    first = await sync_once(runtime, bank)
    assert (first.registered, first.found_paid) == (1, 0)
    assert standin.codes[code["kode"]]["jumlah"] == 116_480
    again = await sync_once(runtime, bank)
    assert again.registered == 0  # registered once
    standin.pay(code["kode"], "BL-SYNC-1", AT)  # the customer paid; no callback came
    found = await sync_once(runtime, bank)
    assert found.found_paid == 1
    now = (await pajak.client.get(f"/cases/{case['id']}", headers=WAJIB_PAJAK)).json()
    assert now["current_step"]["id"] == "cetak_bukti"
    bill = (await pajak.client.get("/tagihan", params={"nop": NOP, "tahun": 2026})).json()
    assert bill["status"] == "lunas"
    late = await BankClient(pajak.client, BANK).confirm(code["kode"], 116_480, "BL-SYNC-1", AT)
    assert late.status_code == 200 and late.json()["ulangan"] is True


async def test_the_bank_client_is_refused_a_wrong_amount(pajak: Pajak) -> None:
    made = (await pajak.client.post("/tagihan/kode-bayar", headers=WAJIB_PAJAK,
                                    json={"nop": NOP, "tahun": 2026})).json()
    bank = BankClient(pajak.client, BANK)
    wrong = await bank.confirm(made["kode"], 100_000, "BL-W", AT)
    assert wrong.status_code == 422 and wrong.json()["code"] == "jumlah-tidak-sesuai"
    right = await bank.confirm(made["kode"], made["jumlah"], "BL-R", AT)
    assert right.status_code == 200 and right.json()["ulangan"] is False
