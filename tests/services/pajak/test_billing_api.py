"""Cek tagihan, kode bayar, the bank's confirmation (and its refusals) and the daily
reconciliation, through HTTP on the real pajak app (SQLite and PostgreSQL).

The demo object 18.01.040.005.001-0123.0 (250 m2 A3 + 72 m2 B3) owes pokok Rp112.000 for
2026, due 31 Aug 2026. On 3 Dec 2026 it is in its 4th month late (30 Sep, 31 Oct, 30 Nov
passed): interest 4% x 112.000 = Rp4.480, total Rp116.480."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from services.pajak.domain_interest import WIB
from services.pajak.tables import Subjek
from tests.services.pajak.conftest import BANK, PETUGAS, TOKENS, WAJIB_PAJAK, Pajak
from tests.support.apps import runtime_of

NOP = "18.01.040.005.001-0123.0"
PAID_AT = "2026-12-03T03:02:00+00:00"  # 10:02 WIB


async def _code(p: Pajak, nop: str = NOP) -> dict:
    made = await p.client.post("/tagihan/kode-bayar", headers=WAJIB_PAJAK,
                               json={"nop": nop, "tahun": 2026})
    assert made.status_code == 201, made.text
    return made.json()


def _confirm(code: str, jumlah: int, ref: str = "BL-20261203-0001",
             at: str = PAID_AT) -> dict:
    return {"kode": code, "jumlah": jumlah, "referensi": ref, "dibayar_pada": at}


async def test_the_bill_of_a_nop_and_year_as_of_today(pajak: Pajak) -> None:
    got = await pajak.client.get("/tagihan", params={"nop": "180104000500101230",
                                                     "tahun": 2026})
    assert got.status_code == 200, got.text
    bill = got.json()
    assert bill["nop"] == NOP and bill["nama_wajib_pajak"] == "S*** A***"
    assert (bill["njop"], bill["njoptkp"], bill["tarif_persen"]) == (122_000_000, 10_000_000,
                                                                     "0.1")
    assert (bill["pokok"], bill["bulan_bunga"], bill["bunga"], bill["jumlah"]) == (
        112_000, 4, 4_480, 116_480)
    assert bill["jatuh_tempo"] == "2026-08-31" and bill["status"] == "terutang"
    assert "Siti" not in got.text and "1801014501900001" not in got.text


async def test_unknown_bills_and_bad_input_are_problems(pajak: Pajak) -> None:
    none = await pajak.client.get("/tagihan", params={"nop": NOP, "tahun": 2019})
    assert none.status_code == 404 and none.json()["code"] == "tagihan-tidak-ditemukan"
    bad = await pajak.client.get("/tagihan", params={"nop": "12345", "tahun": 2026})
    assert bad.status_code == 422 and bad.json()["code"] == "not-nop"
    year = await pajak.client.get("/tagihan", params={"nop": NOP, "tahun": 3000})
    assert year.status_code == 422
    anonymous = await pajak.client.post("/tagihan/kode-bayar", json={"nop": NOP,
                                                                     "tahun": 2026})
    assert anonymous.status_code == 401


async def test_a_code_is_paid_once_and_the_bank_may_repeat_itself(pajak: Pajak) -> None:
    code = await _code(pajak)
    assert code["jumlah"] == 116_480 and code["bunga"] == 4_480
    assert datetime.fromisoformat(code["berlaku_sampai"]) == datetime(
        2026, 12, 3, 16, 59, 59, 999999, tzinfo=UTC)  # 23:59:59.999999 WIB
    kode = code["kode"]
    c = pajak.client
    wrong = await c.post("/bank/konfirmasi", headers=BANK, json=_confirm(kode, 112_000))
    assert wrong.status_code == 422 and wrong.json()["code"] == "jumlah-tidak-sesuai"
    assert "116480" in wrong.json()["detail"]
    citizen = await c.post("/bank/konfirmasi", headers=WAJIB_PAJAK,
                           json=_confirm(kode, 116_480))
    assert citizen.status_code == 403
    first = await c.post("/bank/konfirmasi", headers=BANK, json=_confirm(kode, 116_480))
    assert first.status_code == 200, first.text
    assert first.json()["ulangan"] is False and first.json()["status"] == "lunas"
    again = await c.post("/bank/konfirmasi", headers=BANK, json=_confirm(kode, 116_480))
    assert again.status_code == 200 and again.json()["ulangan"] is True
    assert {k: v for k, v in again.json().items() if k != "ulangan"} == {
        k: v for k, v in first.json().items() if k != "ulangan"}
    other = await c.post("/bank/konfirmasi", headers=BANK,
                         json=_confirm(kode, 116_480, at="2026-12-03T03:03:00+00:00"))
    assert other.status_code == 409 and other.json()["code"] == "referensi-bank-berbeda"
    twice = await c.post("/bank/konfirmasi", headers=BANK,
                         json=_confirm(kode, 116_480, ref="BL-20261203-0002"))
    assert twice.status_code == 409 and twice.json()["code"] == "kode-bayar-sudah-dibayar"
    bill = (await c.get("/tagihan", params={"nop": NOP, "tahun": 2026})).json()
    assert (bill["status"], bill["jumlah"]) == ("lunas", 0)
    paid_again = await c.post("/tagihan/kode-bayar", headers=WAJIB_PAJAK,
                              json={"nop": NOP, "tahun": 2026})
    assert paid_again.status_code == 409 and paid_again.json()["code"] == "sppt-sudah-lunas"


async def test_expired_replaced_and_unknown_codes_are_refused(pajak: Pajak) -> None:
    old = await _code(pajak)
    pajak.clock.now += timedelta(days=1)  # 4 Dec 2026 10:00 WIB
    late = await pajak.client.post("/bank/konfirmasi", headers=BANK, json=_confirm(
        old["kode"], old["jumlah"], at="2026-12-04T02:00:00+00:00"))
    assert late.status_code == 422 and late.json()["code"] == "kode-bayar-kedaluwarsa"
    new = await _code(pajak)
    replaced = await pajak.client.post("/bank/konfirmasi", headers=BANK, json=_confirm(
        old["kode"], old["jumlah"], ref="BL-2", at="2026-12-03T05:00:00+00:00"))
    assert replaced.status_code == 409 and replaced.json()["code"] == "kode-bayar-diganti"
    unknown = await pajak.client.post("/bank/konfirmasi", headers=BANK, json=_confirm(
        "1234567890123456", 1, ref="BL-3"))
    assert unknown.status_code == 404 and unknown.json()["code"] == "kode-bayar-tidak-dikenal"
    future = await pajak.client.post("/bank/konfirmasi", headers=BANK, json=_confirm(
        new["kode"], new["jumlah"], ref="BL-4", at="2026-12-05T02:00:00+00:00"))
    assert future.status_code == 422 and future.json()["code"] == "waktu-bayar-masa-depan"


async def test_the_daily_reconciliation(pajak: Pajak) -> None:
    code = await _code(pajak)
    await _code(pajak, "18.01.040.005.001-0124.0")
    ok = await pajak.client.post("/bank/konfirmasi", headers=BANK,
                                 json=_confirm(code["kode"], code["jumlah"]))
    assert ok.status_code == 200
    await pajak.client.post("/bank/konfirmasi", headers=BANK,
                            json=_confirm("1234567890123456", 5, ref="BL-X"))
    report = await pajak.client.get("/bank/rekonsiliasi", headers=PETUGAS,
                                    params={"tanggal": "2026-12-03"})
    assert report.status_code == 200, report.text
    r = report.json()
    # 0124.0: 2.000 m2 A1, pokok 3.980.000 + 4% = 4.139.200; with 116.480: 4.255.680 issued.
    assert (r["kode_terbit"], r["nilai_kode_terbit"], r["kode_terbit_belum_dibayar"]) == (
        2, 4_255_680, 1)
    assert (r["pembayaran"], r["nilai_pembayaran"]) == (1, 116_480)
    assert r["per_bank"] == [{"bank": "integrasi.banklampung", "transaksi": 1,
                              "nilai": 116_480}]
    assert [u["alasan"] for u in r["tidak_cocok"]] == ["kode-bayar-tidak-dikenal"]
    other_day = (await pajak.client.get("/bank/rekonsiliasi", headers=PETUGAS,
                                        params={"tanggal": "2026-12-02"})).json()
    assert other_day["kode_terbit"] == 0 and other_day["pembayaran"] == 0
    as_csv = await pajak.client.get("/bank/rekonsiliasi", headers=PETUGAS,
                                    params={"tanggal": "2026-12-03", "format": "csv"})
    assert as_csv.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(as_csv.text)))
    assert rows[0][0] == "jenis" and [row[0] for row in rows[1:]] == [
        "pembayaran", "tidak_cocok", "total"]
    assert rows[1][4] == "116480" and rows[1][5].startswith("2026-12-03T10:02:00+07:00")
    for who in (WAJIB_PAJAK, BANK, TOKENS.headers("x", "dinkes:operator")):
        refused = await pajak.client.get("/bank/rekonsiliasi", headers=who,
                                         params={"tanggal": "2026-12-03"})
        assert refused.status_code == 403


async def test_the_subject_is_stored_sealed(pajak: Pajak) -> None:
    async with runtime_of(pajak.app).sessions() as s:
        rows = list(await s.scalars(select(Subjek)))
    assert len(rows) == 2  # Budi Santoso owns two objects: one subject
    for row in rows:
        assert row.nik_cipher.startswith("enc:v1:") and row.nama_cipher.startswith("enc:v1:")
        assert "*" in row.nik_masked and len(row.nik_hash) == 64
    assert datetime.now(WIB)  # the test never reads the clock of the machine for figures


async def test_a_confirmation_text_never_becomes_a_spreadsheet_formula(pajak: Pajak) -> None:
    refused = await pajak.client.post("/bank/konfirmasi", headers=BANK,
                                      json=_confirm("=HYPERLINK(1)", 5, ref="BL-F"))
    assert refused.status_code == 404
    text = (await pajak.client.get("/bank/rekonsiliasi", headers=PETUGAS, params={
        "tanggal": "2026-12-03", "format": "csv"})).text
    [row] = [r for r in csv.reader(io.StringIO(text)) if r[0] == "tidak_cocok"]
    assert row[3] == "'=HYPERLINK(1)"
