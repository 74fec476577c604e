"""The pajak SOPs on their domain, through HTTP on the real app (SQLite and PostgreSQL):
cek tagihan keeps the real bill, pembayaran bills the case and its bank step is left by the
bank's confirmation, and the registration (version 2) writes the object, subject and SPPT."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from services.pajak.tables import Objek, Sppt, Subjek
from tests.services.pajak.conftest import BANK, TOKENS, WAJIB_PAJAK, Pajak
from tests.support.apps import runtime_of

NOP = "18.01.040.005.001-0123.0"


async def _open(p: Pajak, key: str, form: dict[str, Any]) -> dict[str, Any]:
    opened = await p.client.post("/cases", headers=WAJIB_PAJAK,
                                 json={"sop_key": key, "form": form})
    assert opened.status_code == 201, opened.text
    return dict(opened.json())


async def _act(p: Pajak, case: dict[str, Any], action: str, who: dict[str, str] = WAJIB_PAJAK,
               form: dict[str, Any] | None = None, status: int = 200) -> dict[str, Any]:
    body: dict[str, Any] = {"action": action, "step": case["current_step"]["id"]}
    if form:
        body["form"] = form
    moved = await p.client.post(f"/cases/{case['id']}/actions", headers=who, json=body)
    assert moved.status_code == status, moved.text
    return dict(moved.json())


async def test_cek_tagihan_keeps_the_bill_it_showed(pajak: Pajak) -> None:
    case = await _open(pajak, "bpprd-pbb-cek-tagihan", {"nop": NOP, "tahun_pajak": 2026})
    assert case["current_step"]["id"] == "input_nop"
    await _act(pajak, case, "konfirmasi_nop")
    facts = (await pajak.client.get(f"/tagihan/kasus/{case['id']}", headers=WAJIB_PAJAK)).json()
    [shown] = facts["cek_tagihan"]
    # 112.000 due 31 Aug 2026, asked on 3 Dec 2026: 4 months, 4.480 interest.
    assert (shown["ditemukan"], shown["pokok"], shown["bunga"], shown["jumlah"]) == (
        True, 112_000, 4_480, 116_480)
    none = await _open(pajak, "bpprd-pbb-cek-tagihan", {"nop": NOP, "tahun_pajak": 2020})
    await _act(pajak, none, "konfirmasi_nop")
    other = (await pajak.client.get(f"/tagihan/kasus/{none['id']}",
                                    headers=WAJIB_PAJAK)).json()
    assert other["cek_tagihan"][0]["status"] == "tidak_ada"
    stranger = await pajak.client.get(f"/tagihan/kasus/{case['id']}",
                                      headers=TOKENS.headers("wp-lain", "citizen"))
    assert stranger.status_code == 404


async def test_the_bank_s_confirmation_moves_the_payment_case(pajak: Pajak) -> None:
    case = await _open(pajak, "bpprd-pbb-pembayaran", {"nop": NOP, "tahun_pajak": 2026})
    case = await _act(pajak, case, "konfirmasi_nop")
    case = await _act(pajak, case, "buat_kode")
    assert case["current_step"]["id"] == "pembayaran_bank"
    [code] = (await pajak.client.get(f"/tagihan/kasus/{case['id']}",
                                     headers=WAJIB_PAJAK)).json()["kode_bayar"]
    assert code["jumlah"] == 116_480 and code["status"] == "aktif"
    # The bank's account cannot complete the step by a bare action: the code is unpaid.
    refused = await _act(pajak, case, "lunas", who=BANK, status=409)
    assert refused["code"] == "kode-bayar-belum-lunas"
    paid = await pajak.client.post("/bank/konfirmasi", headers=BANK, json={
        "kode": code["kode"], "jumlah": 116_480, "referensi": "BL-CASE-1",
        "dibayar_pada": "2026-12-03T03:01:00+00:00"})
    assert paid.status_code == 200, paid.text
    assert paid.json()["kasus_dilanjutkan"] is True
    now = (await pajak.client.get(f"/cases/{case['id']}", headers=WAJIB_PAJAK)).json()
    assert now["current_step"]["id"] == "cetak_bukti"
    last = (await pajak.client.get(f"/cases/{case['id']}/history",
                                   headers=WAJIB_PAJAK)).json()[-1]
    assert (last["action"], last["actor_role"], last["actor_agency"]) == (
        "lunas", "integrasi", "bpprd")


async def test_a_payment_case_without_a_bill_gets_no_code(pajak: Pajak) -> None:
    case = await _open(pajak, "bpprd-pbb-pembayaran", {"nop": NOP, "tahun_pajak": 2020})
    case = await _act(pajak, case, "konfirmasi_nop")
    refused = await _act(pajak, case, "buat_kode", status=404)
    assert refused["code"] == "tagihan-tidak-ditemukan"


REGISTRATION = {
    "nama_wajib_pajak": "Rahmat Hidayat", "nik_wajib_pajak": "1801011506880003",
    "telepon": "081234567890", "alamat_wajib_pajak": "Jl. Pahlawan 3, Kalianda",
    "letak_objek_pajak": "Jl. Lintas Sumatera, Desa Way Urang, Kalianda",
    "luas_tanah": 300, "luas_bangunan": 45, "nomor_sertifikat": "08.01.02.03.1.00456",
    "nop_tetangga": "180104000500101230"}
STEPS = [("terima_berkas", "registrasi", "front_office", None),
         ("periksa_berkas", "lengkap_benar", "front_office", None),
         ("penentuan_njop", "tentukan_njop", "kasi",
          {"kelas_bumi": "A3", "kelas_bangunan": "B4", "jenis_tanah": "umum"}),
         ("input_data", "input_selesai", "back_office", None),
         ("penetapan", "tetapkan", "petugas_penetapan", None)]


async def test_the_registration_writes_the_object_subject_and_sppt(pajak: Pajak) -> None:
    """300 m2 x 200.000 (A3) = 60.000.000; 45 m2 x 500.000 (B4) = 22.500.000; NJOP
    82.500.000 - 10.000.000 = 72.500.000 x 0,1% = Rp72.500. Issued 3 Dec 2026, after the
    regency's 31 Aug: due 6 months later, 3 Jun 2027. The neighbour's block has 0123 and
    0124 (demo objects): the new NOP is 0125."""
    files = {k: (f"{k}.pdf", b"%PDF-1.4 uji", "application/pdf")
             for k in ("fotocopy_ktp", "sertifikat", "surat_pengantar_kepala_desa",
                       "sppt_tetangga")}
    opened = await pajak.client.post("/cases", headers=WAJIB_PAJAK, files=files, data={
        "data": json.dumps({"sop_key": "bpprd-pbb-pendaftaran-objek-pajak-baru",
                            "form": REGISTRATION})})
    assert opened.status_code == 201, opened.text
    case = opened.json()
    assert case["sop_version"] == 2
    for step, action, role, form in STEPS:
        assert case["current_step"]["id"] == step
        case = await _act(pajak, case, action, TOKENS.headers(f"p-{role}", f"bpprd:{role}"),
                          form)
    new_nop = "18.01.040.005.001-0125.0"
    bill = (await pajak.client.get("/tagihan", params={"nop": new_nop, "tahun": 2026})).json()
    assert (bill["njop"], bill["pokok"], bill["jatuh_tempo"]) == (82_500_000, 72_500,
                                                                 "2027-06-03")
    assert bill["nama_wajib_pajak"] == "R*** H***" and bill["bunga"] == 0
    async with runtime_of(pajak.app).sessions() as s:
        objek = await s.get(Objek, new_nop)
        assert objek is not None and objek.case_id == case["id"]
        owner = await s.get(Subjek, objek.subjek_id)
        assert owner is not None and owner.nik_masked == "1801********0003"
        assert "Way Urang" not in objek.letak_cipher
        assert (await s.scalar(select(Sppt).where(Sppt.nop == new_nop))) is not None
    facts = (await pajak.client.get(f"/tagihan/kasus/{case['id']}", headers=WAJIB_PAJAK)).json()
    assert facts["sppt_baru"]["nop"] == new_nop


AFTER_ASSESSMENT = [("periksa_sppt_kasubid", "teruskan", "kasi"),
                    ("periksa_sppt_kabid", "teruskan", "kabid"),
                    ("periksa_sekretaris", "teruskan", "sekretaris"),
                    ("ttd_kepala", "tandatangani", "kepala_dinas"),
                    ("cetak_tagihan", "tagihan_dicetak", "back_office"),
                    ("sampaikan_tagihan", "sampaikan", "front_office")]


async def test_the_registration_waits_at_the_bank_for_its_sppt(pajak: Pajak) -> None:
    """The new object's SPPT (Rp72.500, due 3 Jun 2027: no interest on 3 Dec 2026) paid by
    the bank moves the registration case from its bank step to the hand-over."""
    files = {k: (f"{k}.pdf", b"%PDF-1.4 uji", "application/pdf")
             for k in ("fotocopy_ktp", "sertifikat", "surat_pengantar_kepala_desa",
                       "sppt_tetangga")}
    opened = await pajak.client.post("/cases", headers=WAJIB_PAJAK, files=files, data={
        "data": json.dumps({"sop_key": "bpprd-pbb-pendaftaran-objek-pajak-baru",
                            "form": REGISTRATION})})
    case = opened.json()
    for step, action, role, form in [*STEPS, *[(s, a, r, None) for s, a, r in
                                              AFTER_ASSESSMENT]]:
        assert case["current_step"]["id"] == step
        case = await _act(pajak, case, action, TOKENS.headers(f"p-{role}", f"bpprd:{role}"),
                          form)
    assert case["current_step"]["id"] == "pembayaran_bank"
    refused = await _act(pajak, case, "lunas", who=BANK, status=409)
    assert refused["code"] == "kode-bayar-belum-lunas"
    made = (await pajak.client.post("/tagihan/kode-bayar", headers=WAJIB_PAJAK, json={
        "nop": "18.01.040.005.001-0125.0", "tahun": 2026})).json()
    assert made["jumlah"] == 72_500 and made["bunga"] == 0
    paid = await pajak.client.post("/bank/konfirmasi", headers=BANK, json={
        "kode": made["kode"], "jumlah": 72_500, "referensi": "BL-REG-1",
        "dibayar_pada": "2026-12-03T03:01:00+00:00"})
    assert paid.status_code == 200 and paid.json()["kasus_dilanjutkan"] is True
    now = (await pajak.client.get(f"/cases/{case['id']}", headers=WAJIB_PAJAK)).json()
    assert now["current_step"]["id"] == "serahkan_sppt"


def test_only_the_assessing_registration_version_writes_the_registry() -> None:
    """Version 1 (no NJOP classes at step 4) keeps its behaviour: no registry write."""
    import yaml

    from services.pajak.hooks import assesses
    from shared.sop.model import SopDefinition
    from tests.support.sops import ROOT
    path = ROOT / "services/pajak/sops/bpprd-pbb-pendaftaran-objek-pajak-baru.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert assesses(SopDefinition.model_validate(data))
    step = next(s for s in data["steps"] if s["id"] == "penentuan_njop")
    del step["actions"][0]["fields"]
    data["version"] = 1
    assert not assesses(SopDefinition.model_validate(data))
