"""Spot checks of the BPPRD (PBB-P2) SOP definitions against Perbup Lampung Selatan 19/2026,
values read by hand in the regulation text (``shared/seed/perbup-19-2026-halo-lamsel.txt``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared.registry import load_registry
from shared.sop.model import SopDefinition
from tests.support.sops import spot_sop
from tests.support.sops import step_routes as routes

SOPS = Path(__file__).resolve().parents[2] / "services" / "pajak" / "sops"


def load(key: str) -> SopDefinition:
    return spot_sop("pajak", key)


def table(sop: SopDefinition) -> list[tuple[str, int | None, str, str, str | None]]:
    return [(s.id, s.nomor, s.actor, s.kind, s.time) for s in sop.steps]




# Lines 1148-1155 (steps 1-8) and 1178-1183 (steps 9-14, printed after the Cetak Salinan table).
# Printed Waktu: step 1 blank, 2-4 "5 Menit", 5-9 blank, 10 "5 Menit", 11 "3 Menit",
# 12 "2 Menit", 13 blank (pays at the bank), 14 "2 Menit". Blank officer steps take 5 menit
# (neighbouring steps); the bank step takes the PBB-P2 due date, 6 bulan.
PBB_TABLE = [
    ("permohonan", 1, "pemohon", "applicant", None),
    ("terima_berkas", 2, "front_office", "officer", "5 Menit"),
    ("periksa_berkas", 3, "front_office", "officer", "5 Menit"),
    ("penentuan_njop", 4, "kasi", "officer", "5 Menit"),
    ("input_data", 5, "back_office", "officer", "5 menit"),
    ("penetapan", 6, "petugas_penetapan", "officer", "5 menit"),
    ("periksa_sppt_kasubid", 7, "kasi", "officer", "5 menit"),
    ("periksa_sppt_kabid", 8, "kabid", "officer", "5 menit"),
    ("periksa_sekretaris", 9, "sekretaris", "officer", "5 menit"),
    ("ttd_kepala", 10, "kepala_dinas", "officer", "5 Menit"),
    ("cetak_tagihan", 11, "back_office", "officer", "3 Menit"),
    ("sampaikan_tagihan", 12, "front_office", "officer", "2 Menit"),
    ("pembayaran_bank", 13, "front_office", "external", "6 bulan"),
    ("serahkan_sppt", 14, "front_office", "officer", "2 Menit"),
]


@pytest.mark.parametrize(("key", "title"), [
    ("bpprd-pbb-pendaftaran-objek-pajak-baru", "PELAYANAN PENDAFTARAN PBB (OBJEK PAJAK BARU)"),
    ("bpprd-pbb-cetak-salinan", "PELAYANAN CETAK SALINAN PBB"),
])
def test_pbb_officer_flow(key: str, title: str) -> None:
    sop = load(key)
    assert sop.title == title
    assert sop.agency == "bpprd" and sop.service == "pajak" and sop.category == "tax-levy"
    assert sop.calendar == "office"
    assert table(sop) == PBB_TABLE
    for step_id in ("input_data", "penetapan", "periksa_sppt_kasubid", "periksa_sppt_kabid",
                    "periksa_sekretaris", "pembayaran_bank"):
        assert sop.step(step_id).time_reading, step_id
    # step 3: "Apabila ada kekurangan di kembalikan ke petugas pelayanan, apabila telah
    # lengkap dan benar diteruskan ke Kasubid PBB-P2"
    assert routes(sop, "periksa_berkas") == {
        "lengkap_benar": "penentuan_njop",
        "ada_kekurangan": ("return", "3 hari kerja", "terima_berkas"),
        "tolak": "@rejected"}
    bank = sop.step("pembayaran_bank")
    assert bank.institution is not None and "Bank Lampung" in bank.institution
    assert routes(sop, "pembayaran_bank") == {"lunas": "serahkan_sppt"}
    assert routes(sop, "serahkan_sppt") == {"serahkan": "@completed"}
    # the requirements of step 1: Fotocopy KTP, Sertifikat, Surat Pengantar Kepala Desa,
    # SPPT Tetangga
    assert [d.key for d in sop.documents] == ["fotocopy_ktp", "sertifikat",
                                              "surat_pengantar_kepala_desa", "sppt_tetangga"]
    assert "PBB-P2" in (sop.standard.cost or "")
    assert sop.standard.cost != "Tidak dipungut biaya (gratis)"


def test_pembayaran_pbb() -> None:
    # Lines 1191-1195: five Wajib Pajak steps; step 1 no time, steps 2-5 "5 Menit"; step 4 pays
    # by scanning the barcode with mobile banking: an external bank step completed by callback.
    sop = load("bpprd-pbb-pembayaran")
    assert sop.title == "PELAYANAN PEMBAYARAN PBB"
    assert table(sop) == [
        ("mulai_pembayaran", 1, "pemohon", "applicant", None),
        ("input_nop", 2, "pemohon", "applicant", None),
        ("kode_pembayaran", 3, "pemohon", "applicant", None),
        ("pembayaran_bank", 4, "front_office", "external", "5 Menit"),
        ("cetak_bukti", 5, "pemohon", "applicant", None),
    ]
    for step_id in ("input_nop", "kode_pembayaran", "cetak_bukti"):
        assert sop.step(step_id).time_printed == "5 Menit"
    assert "Bank" in (sop.step("pembayaran_bank").institution or "")
    assert routes(sop, "kode_pembayaran") == {"buat_kode": "pembayaran_bank"}
    assert routes(sop, "pembayaran_bank") == {"lunas": "cetak_bukti"}
    assert routes(sop, "cetak_bukti") == {"cetak_bukti": "@completed"}
    assert "PBB-P2" in (sop.standard.cost or "")


def test_cek_tagihan_pbb() -> None:
    # Lines 1209-1211: three self-service Wajib Pajak steps; step 1 no time, steps 2-3 "5 Menit".
    sop = load("bpprd-pbb-cek-tagihan")
    assert sop.title == "CEK TAGIHAN PBB"
    assert table(sop) == [
        ("mulai_cek", 1, "pemohon", "applicant", None),
        ("input_nop", 2, "pemohon", "applicant", None),
        ("cetak_riwayat", 3, "pemohon", "applicant", None),
    ]
    assert [sop.step(s).time_printed for s in ("input_nop", "cetak_riwayat")] == ["5 Menit"] * 2
    assert routes(sop, "cetak_riwayat") == {"cetak": "@completed"}
    assert "PBB-P2" in (sop.standard.cost or "")


def test_bpprd_registry_roles() -> None:
    registry = load_registry()
    assert registry.is_known("bpprd", "petugas_penetapan")
    assert registry.supervisor("bpprd", "petugas_penetapan") == "kasi"
    assert registry.is_known("bpprd", "integrasi")  # bank callbacks
