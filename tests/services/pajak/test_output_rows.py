"""The pajak rows on the output documents, made through the normal flow and read back from the
signed PDF (pypdf) and from the public verification answer (SQLite and PostgreSQL): the STTS
of a payment confirmed by the bank, the SPPT copy and SKNJOP of cetak salinan and of a
registration, and the bill record of cek tagihan. The verification shows the public rows only.

The demo object 18.01.040.005.001-0123.0 (Siti Aminah, 2026 SPPT issued 2 March 2026):
    bumi      250 m2 x Rp200.000 (A3)   = Rp50.000.000
    bangunan   72 m2 x Rp1.000.000 (B3) = Rp72.000.000
    NJOP Rp122.000.000 - NJOPTKP Rp10.000.000 = Rp112.000.000 x 0,1% = pokok Rp112.000,
    due 31 August 2026. Paid on 3 December 2026 (10.01 WIB): September, October, November
    and the part of December = 4 months x 1% x 112.000 = interest Rp4.480; total Rp116.480.
"""

from __future__ import annotations

import io
import json
from typing import Any

from pypdf import PdfReader

from gateway.verify.page import render_result
from services.pajak.outputs import luas, persen, rupiah, waktu_wib
from shared.outputs.ca import LocalCa
from shared.outputs.signing import LocalSigner
from tests.services.pajak.conftest import BANK, TOKENS, WAJIB_PAJAK, Pajak
from tests.services.pajak.test_flows_api import (
    AFTER_ASSESSMENT,
    NOP,
    REGISTRATION,
    STEPS,
    _act,
    _open,
)
from tests.support.apps import runtime_of

FILES = ("fotocopy_ktp", "sertifikat", "surat_pengantar_kepala_desa", "sppt_tetangga")


def text_of(pdf: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


async def issued(p: Pajak, case_id: str) -> list[tuple[dict[str, Any], str, dict[str, Any]]]:
    """Sign the case's pending outputs; each with its PDF text and its public check."""
    outputs = runtime_of(p.app).outputs
    assert outputs is not None
    outputs.worker.signer = LocalSigner(LocalCa())
    assert await outputs.worker.run_once() >= 1
    found = []
    for out in (await p.client.get(f"/cases/{case_id}/outputs", headers=WAJIB_PAJAK)).json():
        pdf = await p.client.get(f"/cases/{case_id}/outputs/{out['id']}/pdf",
                                 headers=WAJIB_PAJAK)
        assert pdf.status_code == 200
        check = await p.client.get(f"/outputs/verify/{out['verify_code']}")
        found.append((out, text_of(pdf.content), check.json()))
    return found


def public(check: dict[str, Any]) -> dict[str, str]:
    return {r["label"]: r["value"] for r in check["rows"]}


def test_the_figures_are_written_the_indonesian_way() -> None:
    from datetime import UTC, datetime
    from decimal import Decimal
    assert rupiah(116_480) == "Rp116.480" and rupiah(122_000_000) == "Rp122.000.000"
    assert persen(Decimal("0.001")) == "0,1%" and persen(Decimal("0.0009")) == "0,09%"
    assert luas(Decimal("250.00")) == "250 m²" and luas(Decimal("12.50")) == "12,5 m²"
    assert waktu_wib(datetime(2026, 12, 3, 3, 1, tzinfo=UTC)) == \
        "3 Desember 2026 pukul 10.01 WIB"


async def test_the_stts_shows_the_payment_with_its_interest(pajak: Pajak) -> None:
    case = await _open(pajak, "bpprd-pbb-pembayaran", {"nop": NOP, "tahun_pajak": 2026})
    case = await _act(pajak, case, "konfirmasi_nop")
    case = await _act(pajak, case, "buat_kode")
    [code] = (await pajak.client.get(f"/tagihan/kasus/{case['id']}",
                                     headers=WAJIB_PAJAK)).json()["kode_bayar"]
    paid = await pajak.client.post("/bank/konfirmasi", headers=BANK, json={
        "kode": code["kode"], "jumlah": 116_480, "referensi": "BL-STTS-77",
        "dibayar_pada": "2026-12-03T03:01:00+00:00"})
    assert paid.status_code == 200, paid.text
    [(out, text, check)] = await issued(pajak, case["id"])
    assert out["kind"] == "bukti_pembayaran"
    for expected in ("NOP", NOP, "Tahun pajak", "2026", "Pokok PBB", "Rp112.000",
                     "Denda/bunga (4 bulan)", "Rp4.480", "Jumlah dibayar", "Rp116.480",
                     "3 Desember 2026 pukul 10.01 WIB", "integrasi.banklampung",
                     "BL-STTS-77", code["kode"], "LUNAS", "S*** A***"):
        assert expected in text, expected
    assert "Siti" not in text  # the STTS names the taxpayer masked
    assert public(check) == {"NOP": NOP, "Tahun pajak": "2026", "Jumlah dibayar": "Rp116.480",
                             "Tanggal bayar": "3 Desember 2026 pukul 10.01 WIB",
                             "Status": "LUNAS"}
    shown = json.dumps(check["rows"])
    for secret in ("S*** A***", "BL-STTS-77", code["kode"], "integrasi.banklampung"):
        assert secret not in shown
    page = render_result(check)
    assert "Rp116.480" in page and "BL-STTS-77" not in page


SALINAN_FORM = {
    "nama_wajib_pajak": "Siti Aminah", "nik_wajib_pajak": "1801014501900001",
    "telepon": "081234567890", "alamat_wajib_pajak": "Jl. Lintas Sumatera No. 5, Kalianda",
    "letak_objek_pajak": "Jl. Lintas Sumatera No. 5, Desa Way Urang, Kalianda",
    "nop": "180104000500101230", "tahun_pajak": 2026, "alasan_salinan": "hilang"}


async def _signed_off(p: Pajak, key: str, form: dict[str, Any],
                      steps: list[tuple[str, str, str, Any]]) -> dict[str, Any]:
    files = {k: (f"{k}.pdf", b"%PDF-1.4 uji", "application/pdf") for k in FILES}
    opened = await p.client.post("/cases", headers=WAJIB_PAJAK, files=files, data={
        "data": json.dumps({"sop_key": key, "form": form})})
    assert opened.status_code == 201, opened.text
    case = opened.json()
    for step, action, role, values in steps:
        assert case["current_step"]["id"] == step
        case = await _act(p, case, action, TOKENS.headers(f"p-{role}", f"bpprd:{role}"),
                          values)
        if step == "ttd_kepala":
            break
    return case


TO_SIGNING = [(s, a, r, None) for s, a, r in AFTER_ASSESSMENT]


async def test_the_sppt_copy_of_cetak_salinan_shows_the_sppt(pajak: Pajak) -> None:
    steps = [(s, a, r, None) for s, a, r, _ in STEPS] + TO_SIGNING
    case = await _signed_off(pajak, "bpprd-pbb-cetak-salinan", SALINAN_FORM, steps)
    docs = {out["kind"]: (text, check) for out, text, check in
            await issued(pajak, case["id"])}
    text, check = docs["sppt_salinan"]
    for expected in ("NOP", NOP, "Tahun pajak", "Desa/Kelurahan 005, Kecamatan 040",
                     "Nama wajib pajak", "S*** A***", "Objek", "Luas", "Kelas", "NJOP per m²",
                     "Total NJOP", "Bumi", "250 m²", "A3", "Rp200.000", "Rp50.000.000",
                     "Bangunan", "72 m²", "B3", "Rp1.000.000", "Rp72.000.000",
                     "NJOP sebagai dasar pengenaan", "Rp122.000.000", "NJOPTKP",
                     "Rp10.000.000", "NJOP untuk penghitungan PBB", "Rp112.000.000",
                     "Tarif", "0,1%", "PBB terutang", "Rp112.000", "Jatuh tempo",
                     "31 Agustus 2026"):
        assert expected in text, expected
    assert "Jl. Lintas" not in text.split("Nomor permohonan")[-1]  # no street address
    assert public(check) == {
        "NOP": NOP, "Tahun pajak": "2026",
        "Letak objek pajak": "Desa/Kelurahan 005, Kecamatan 040, Kabupaten Lampung Selatan",
        "PBB terutang": "Rp112.000", "Jatuh tempo": "31 Agustus 2026"}
    rows = json.dumps(check["rows"])  # (the platform's masked holder is shown as before)
    assert "S*** A***" not in rows and "NJOPTKP" not in rows and "Rp10.000.000" not in rows
    sknjop, sknjop_check = docs["surat_keterangan"]
    assert "Rp122.000.000" in sknjop and "Rp50.000.000" in sknjop
    assert "PBB terutang" not in sknjop
    assert set(public(sknjop_check)) == {"NOP", "Tahun pajak", "Letak objek pajak"}


async def test_the_registration_s_sppt_copy_shows_the_new_object(pajak: Pajak) -> None:
    """300 m2 x 200.000 (A3) = 60.000.000; 45 m2 x 500.000 (B4) = 22.500.000; NJOP
    82.500.000 - 10.000.000 = 72.500.000 x 0,1% = Rp72.500, due 3 Juni 2027."""
    case = await _signed_off(pajak, "bpprd-pbb-pendaftaran-objek-pajak-baru", REGISTRATION,
                             [*STEPS, *TO_SIGNING])
    docs = {out["kind"]: (text, check) for out, text, check in
            await issued(pajak, case["id"])}
    text, check = docs["sppt_salinan"]
    for expected in ("18.01.040.005.001-0125.0", "300 m²", "Rp60.000.000", "45 m²", "B4",
                     "Rp500.000", "Rp22.500.000", "Rp82.500.000", "Rp72.500.000", "Rp72.500",
                     "3 Juni 2027", "R*** H***"):
        assert expected in text, expected
    assert public(check)["PBB terutang"] == "Rp72.500"


async def test_the_bill_record_of_cek_tagihan(pajak: Pajak) -> None:
    case = await _open(pajak, "bpprd-pbb-cek-tagihan", {"nop": NOP, "tahun_pajak": 2026})
    await _act(pajak, case, "konfirmasi_nop")
    [(out, text, check)] = await issued(pajak, case["id"])
    assert out["kind"] == "surat_keterangan"
    for expected in ("Rp112.000", "Denda/bunga (4 bulan)", "Rp4.480", "Jumlah tagihan",
                     "Rp116.480", "31 Agustus 2026", "Per tanggal", "3 Desember 2026",
                     "TERUTANG"):
        assert expected in text, expected
    assert public(check) == {"NOP": NOP, "Tahun pajak": "2026", "Status": "TERUTANG"}
