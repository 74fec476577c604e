"""Spot checks of the BKD SOP definitions against Perbup Lampung Selatan 19/2026, values read by
hand in the regulation text (``shared/seed/perbup-19-2026-halo-lamsel.txt``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared.registry import load_registry
from shared.sop.model import SopDefinition
from tests.support.sops import spot_sop
from tests.support.sops import step_routes as routes
from tests.support.sops import step_table as table

SOPS = Path(__file__).resolve().parents[2] / "services" / "kepegawaian" / "sops"


def load(key: str) -> SopDefinition:
    return spot_sop("kepegawaian", key)






def test_cltn() -> None:
    # Lines 1971-1995: 21 rows numbered 1-4 and 6-22 (5 skipped). Bupati signs twice "2 bulan"
    # (steps 10 and 20); Kantor Regional V BKN issues the PERTEK in "1 bulan" (step 12).
    sop = load("bkd-cuti-diluar-tanggungan-negara")
    assert sop.title == "PELAYANAN CUTI DILUAR TANGGUNGAN NEGARA (CLTN)"
    assert sop.calendar == "office"
    assert table(sop) == [
        (1, "pemohon", "applicant", "10 menit"),
        (2, "kepala_dinas", "officer", "10 menit"),
        (3, "kabid", "officer", "10 menit"),
        (4, "analis_sdm_aparatur", "officer", "30 Menit"),
        (6, "staf", "officer", "30 menit"),
        (7, "analis_sdm_aparatur", "officer", "30 menit"),
        (8, "kabid", "officer", "10 menit"),
        (9, "kepala_dinas", "officer", "10 menit"),
        (10, "staf", "external", "2 bulan"),
        (11, "staf", "officer", "30 menit"),
        (12, "staf", "external", "1 bulan"),
        (13, "kepala_dinas", "officer", "10 menit"),
        (14, "kabid", "officer", "10 menit"),
        (15, "analis_sdm_aparatur", "officer", "10 menit"),
        (16, "staf", "officer", "30 menit"),
        (17, "analis_sdm_aparatur", "officer", "10 menit"),
        (18, "kabid", "officer", "10 menit"),
        (19, "kepala_dinas", "officer", "30 menit"),
        (20, "staf", "external", "2 bulan"),
        (21, "staf", "officer", "30 menit"),
        (22, "pemohon", "applicant", None),
    ]
    pertek = sop.step("pertek_bkn")
    assert pertek.institution is not None and "BKN" in pertek.institution
    for step_id in ("ttd_bupati_persetujuan", "ttd_bupati_sk"):
        assert sop.step(step_id).institution == "Bupati Lampung Selatan"
        assert sop.step(step_id).escalate_to == "kepala_dinas"
    assert routes(sop, "telaahan_staf") == {
        "arahkan_staf": "konsep_usulan", "tidak_lengkap": ("return", "3 hari kerja", None),
        "tolak": "@rejected"}
    assert routes(sop, "pertek_bkn") == {"pertek_terbit": "disposisi_kepala_sk",
                                         "tolak": "@rejected"}
    assert sop.step("terima_sk").time_printed == "10 menit"
    assert routes(sop, "terima_sk") == {"terima": "@completed"}


def test_cuti_pegawai() -> None:
    # Lines 2001-2010: rows 1 and 3-9 (2 skipped); step 5 L/TL; step 7 signatory by the
    # delegation list: Kepala BKD, Sekretaris Daerah or Bupati, 10 menit.
    sop = load("bkd-cuti-pegawai")
    assert sop.title == "PELAYANAN CUTI PEGAWAI"
    assert table(sop) == [
        (1, "pemohon", "applicant", "10 menit"),
        (3, "sekretaris", "officer", "5 menit"),
        (4, "kabid", "officer", "5 menit"),
        (5, "analis_sdm_aparatur", "officer", "10 menit"),
        (6, "staf", "officer", "15 menit"),
        (7, "kepala_dinas", "officer", "10 menit"),
        (7, "staf", "external", "10 menit"),
        (7, "staf", "external", "10 menit"),
        (8, "staf", "officer", "10 menit"),
        (9, "pemohon", "applicant", None),
    ]
    assert routes(sop, "verifikasi") == {
        "lengkap": "terbitkan_surat_cuti", "tidak_lengkap": ("return", "3 hari kerja", None),
        "tolak": "@rejected"}
    assert routes(sop, "terbitkan_surat_cuti") == {
        "ke_kepala_bkd": "ttd_kepala_bkd", "ke_sekda": "ttd_sekda", "ke_bupati": "ttd_bupati"}
    assert sop.step("ttd_sekda").institution == "Sekretaris Daerah Kabupaten Lampung Selatan"
    assert sop.step("ttd_bupati").institution == "Bupati Lampung Selatan"
    for signer in ("ttd_kepala_bkd", "ttd_sekda", "ttd_bupati"):
        assert routes(sop, signer) == {next(iter(routes(sop, signer))): "unggah_surat_cuti"}
    assert routes(sop, "terima_surat_cuti") == {"terima": "@completed"}


REKOMENDASI_TABLE = [
    (1, "pemohon", "applicant", None),
    (2, "staf", "officer", "1 hari kerja"),
    (3, "staf", "officer", "1 hari kerja"),
    (4, "tim_penilai_kinerja", "officer", "1 bulan"),
    (5, "staf", "officer", "1 hari kerja"),
    (5, "staf", "officer", "1 hari kerja"),
    (6, "staf", "external", "2 bulan"),
    (7, "staf", "officer", "1 hari kerja"),
    (7, "staf", "officer", "1 hari kerja"),
    (8, "pemohon", "applicant", None),
]


@pytest.mark.parametrize(("key", "title"), [
    # lines 2016-2023
    ("bkd-rekomendasi-mutasi-keluar", "REKOMENDASI MUTASI PNS - KELUAR PEMKAB LAMPUNG SELATAN"),
    # lines 2029-2036
    ("bkd-rekomendasi-mutasi-masuk", "REKOMENDASI MUTASI PNS - MASUK PEMKAB LAMPUNG SELATAN"),
])
def test_rekomendasi_mutasi(key: str, title: str) -> None:
    # Every Waktu cell is "-" or blank: all officer/external times are chosen and explained.
    sop = load(key)
    assert sop.title == title
    assert table(sop) == REKOMENDASI_TABLE
    for step in sop.steps:
        if step.kind != "applicant":
            assert step.time_printed == "-" and step.time_reading, step.id
    assert routes(sop, "verifikasi") == {
        "lengkap": "ajukan_tpk", "tidak_lengkap": ("return", "3 hari kerja", None)}
    # Ket step 4 and 6: S = Disetujui, TS = Tidak Disetujui
    assert routes(sop, "pertimbangan_tpk") == {"setujui": "konsep_rekomendasi",
                                               "tolak": "pemberitahuan_tpk"}
    assert routes(sop, "ttd_bupati") == {"setujui": "siapkan_rekomendasi",
                                         "tolak": "pemberitahuan_bupati"}
    assert routes(sop, "pemberitahuan_tpk") == {"kirim_pemberitahuan": "@rejected"}
    assert routes(sop, "pemberitahuan_bupati") == {"kirim_pemberitahuan": "@rejected"}
    assert routes(sop, "siapkan_rekomendasi") == {"serahkan": "terima_rekomendasi"}
    assert routes(sop, "terima_rekomendasi") == {"terima": "@completed"}


def test_proses_mutasi_masuk_siasn() -> None:
    # Lines 2045-2054: no Waktu at all; BKN step 4 L/TL (TL back to BKD); steps 6/7 by origin
    # (outside / inside Lampung province), both reaching the Bupati at step 9.
    sop = load("bkd-proses-mutasi-masuk-siasn")
    assert sop.title == "PROSES MUTASI PNS - MASUK PEMKAB LAMPUNG SELATAN PADA SIASN BKN"
    assert table(sop) == [
        (1, "pemohon", "applicant", None),
        (2, "staf", "officer", "1 hari kerja"),
        (3, "staf", "officer", "1 hari kerja"),
        (4, "staf", "external", "1 hari"),
        (5, "staf", "external", "1 hari"),
        (6, "staf", "external", "1 bulan"),
        (7, "staf", "officer", "1 hari kerja"),
        (8, "staf", "external", "1 bulan"),
        (9, "staf", "external", "2 bulan"),
        (10, "pemohon", "applicant", None),
    ]
    assert all(s.time_reading for s in sop.steps if s.kind != "applicant")
    assert sop.step("verifikasi_bkn").institution == "BKN (SIASN)"
    assert routes(sop, "verifikasi") == {"lengkap": "unggah_siasn",
                                         "tidak_lengkap": ("return", "3 hari kerja", None)}
    assert routes(sop, "verifikasi_bkn") == {"disetujui": "pertek_bkn",
                                             "dikembalikan_ke_bkd": "unggah_siasn"}
    assert routes(sop, "pertek_bkn") == {"pertek_luar_provinsi": "sk_mendagri",
                                         "pertek_dalam_provinsi": "surat_pengantar_gubernur"}
    assert routes(sop, "sk_mendagri") == {"sk_terbit": "ttd_bupati"}
    assert routes(sop, "surat_pengantar_gubernur") == {"kirim_pengantar": "sk_gubernur"}
    assert routes(sop, "sk_gubernur") == {"sk_terbit": "ttd_bupati"}
    assert routes(sop, "terima_sk") == {"terima": "@completed"}


def test_mutasi_antar_unit_kerja() -> None:
    # Lines 2060-2067: BKD check "1 Hari"; TPK "Menyesuaikan Jadwal Tim Penilai Kinerja" (S/TS);
    # BKD "Tentative - Setelah mendapatkan Hasil Pertimbangan"; BKN verification and Pertek
    # "1 Hari" each (L/TL, TL back to BKD); Bupati "Tentative".
    sop = load("bkd-mutasi-antar-unit-kerja")
    assert sop.title == "MUTASI PNS ANTAR UNIT KERJA DI LINGKUNGAN PEMKAB LAMPUNG SELATAN"
    assert table(sop) == [
        (1, "pemohon", "applicant", None),
        (2, "staf", "officer", "1 Hari"),
        (3, "tim_penilai_kinerja", "officer", "1 bulan"),
        (4, "staf", "officer", "1 hari kerja"),
        (4, "staf", "officer", "1 hari kerja"),
        (5, "staf", "external", "1 Hari"),
        (6, "staf", "external", "1 Hari"),
        (7, "staf", "external", "2 bulan"),
        (8, "pemohon", "applicant", None),
    ]
    assert sop.step("pertimbangan_tpk").time_printed == "Menyesuaikan Jadwal Tim Penilai Kinerja"
    assert sop.step("proses_hasil_tpk").time_printed == (
        "Tentative - Setelah mendapatkan Hasil Pertimbangan")
    assert sop.step("sk_bupati").time_printed == "Tentative"
    assert routes(sop, "pertimbangan_tpk") == {"setujui": "proses_hasil_tpk",
                                               "tolak": "pemberitahuan_belum_dapat"}
    assert routes(sop, "pemberitahuan_belum_dapat") == {"kirim_pemberitahuan": "@rejected"}
    assert routes(sop, "verifikasi_bkn") == {"disetujui": "pertek_bkn",
                                             "dikembalikan_ke_bkd": "proses_hasil_tpk"}
    assert routes(sop, "terima_sk") == {"terima": "@completed"}


def test_presensi_online() -> None:
    # Lines 2079-2081: receive 1 menit; check and fix the failed login 2 menit; notify the
    # requester and report to the Kepala Bidang 1 hari.
    sop = load("bkd-presensi-online")
    assert sop.title == "PELAYANAN PRESENSI ONLINE"
    assert table(sop) == [
        (1, "staf", "officer", "1 menit"),
        (2, "staf", "officer", "2 menit"),
        (3, "staf", "officer", "1 hari"),
    ]
    assert routes(sop, "periksa_eksekusi") == {
        "kendala_selesai": "pemberitahuan_laporan",
        "data_kurang": ("return", "3 hari kerja", None), "tolak": "@rejected"}
    assert load_registry().supervisor("bkd", "staf") == "kabid"


def test_bkd_registry_roles() -> None:
    registry = load_registry()
    assert registry.supervisor("bkd", "analis_sdm_aparatur") == "kabid"
    assert registry.supervisor("bkd", "tim_penilai_kinerja") == "kepala_dinas"
