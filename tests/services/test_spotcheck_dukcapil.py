"""Spot checks of the Disdukcapil SOP definitions against Perbup Lampung Selatan 19/2026,
values read by hand in the regulation text (``shared/seed/perbup-19-2026-halo-lamsel.txt``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared.registry import load_registry
from shared.sop.model import SopDefinition
from tests.support.sops import spot_sop
from tests.support.sops import step_routes as routes
from tests.support.sops import step_table as table

SOPS = Path(__file__).resolve().parents[2] / "services" / "dukcapil" / "sops"


def load(key: str) -> SopDefinition:
    return spot_sop("dukcapil", key)






def total_minutes(sop: SopDefinition) -> int:
    total = 0
    for step in sop.steps:
        std = step.standard_time()
        if std is not None:
            assert std.unit == "minute"
            total += std.amount
    return total


# The ten Disdukcapil SOPs that copy one table: pemohon uploads (10 menit), Operator Halo Lamsel
# verifies the request (10) and the file (10, "apabila berkas telah lengkap"), KABID verifies in
# SIAK (10), KADIS signs with TTE (30), Operator delivers via Halo Lamsel / JNT / Pos / MPP (30).
COPIES = {
    # key: (title as printed, regulation lines)
    "dukcapil-perubahan-data-kk": (
        "PELAYANAN ADMINISTRASI KEPENDUDUKAN PERUBAHAN DATA KELUARGA PADA KK (KARTU KELUARGA)",
        "371-381"),
    "dukcapil-kk-hilang": (
        "PELAYANAN ADMINISTRASI KEPENDUDUKAN PENERBITAN KK (KARTU KELUARGA) DIKARENAKAN HILANG",
        "389-399"),
    "dukcapil-mutasi-penduduk": (
        "PELAYANAN ADMINISTRASI KEPENDUDUKAN MUTASI PENDUDUK", "407-417"),
    "dukcapil-update-data-konsolidasi": (
        "PELAYANAN ADMINISTRASI KEPENDUDUKAN UPDATE DATA TIDAK ONLINE (KONSOLIDASI)", "425-435"),
    "dukcapil-mutasi-kedatangan": (
        "PELAYANAN ADMINISTRASI KEPENDUDUKAN MUTASI PENDUDUK (KEDATANGAN)", "437-447"),
    "dukcapil-akta-kematian": (
        # line 449 prints "KEPENDUDUKANKUTIPAN" (OCR join), recorded in readings
        "PELAYANAN ADMINISTRASI KEPENDUDUKAN KUTIPAN AKTA KEMATIAN", "449-459"),
    "dukcapil-kia-5-17-tahun": (
        "PELAYANAN ADMINISTRASI KEPENDUDUKAN KARTU IDENTITAS ANAK (USIA 5-17 TAHUN) MELALUI "
        "KANAL HALO LAMSEL", "485-495"),
    "dukcapil-akta-kelahiran-lebih-60-hari": (
        "PELAYANAN ADMINISTRASI KEPENDUDUKAN KUTIPAN AKTA KELAHIRAN (USIA >60 HARI) MELALUI "
        "KANAL HALO LAMSEL", "503-513"),
    "dukcapil-akta-kelahiran-1-60-hari": (
        "PELAYANAN ADMINISTRASI KEPENDUDUKAN KUTIPAN AKTA KELAHIRAN (USIA 1-60 HARI) MELALUI "
        "KANAL HALO LAMSEL", "520-530"),
}

COPY_TABLE = [
    (1, "pemohon", "applicant", "10 menit"),
    (2, "operator", "officer", "10 menit"),
    (3, "operator", "officer", "10 menit"),
    (4, "kabid", "officer", "10 menit"),
    (5, "kepala_dinas", "officer", "30 menit"),
    (6, "operator", "officer", "30 menit"),
]


@pytest.mark.parametrize("key", sorted(COPIES))
def test_copied_table(key: str) -> None:
    title, lines = COPIES[key]
    sop = load(key)
    assert sop.key == key
    assert sop.title == title
    assert sop.agency == "disdukcapil" and sop.service == "dukcapil"
    assert sop.category == "civil-registry"
    assert sop.calendar == "office"
    assert lines in (sop.source or "")
    assert table(sop) == COPY_TABLE
    assert total_minutes(sop) == 100  # 10+10+10+10+30+30, "1 jam 40 menit"
    assert "SIAK" in sop.step("verifikasi_siak").activity
    # step 3: only "apabila berkas telah lengkap" is printed; incomplete = platform return
    assert routes(sop, "verifikasi_berkas") == {
        "lengkap": "verifikasi_siak", "tidak_lengkap": ("return", "3 hari kerja", None)}
    assert routes(sop, "verifikasi_siak") == {"sampaikan_ke_kadis": "tte_kadis",
                                              "tolak": "@rejected"}
    assert routes(sop, "tte_kadis") == {"tte": "penyerahan"}
    assert routes(sop, "penyerahan") == {"serahkan": "@completed"}
    assert sop.standard.cost == "Tidak dipungut biaya (gratis)"
    assert sop.readings, "copied/silent text must be recorded"


def test_kia_5_17_requires_a_photo_unlike_kia_0_5() -> None:
    # Lines 485-495 copy the KIA 0-5 table (467-477); the child's photo is required from 5 years.
    docs = {d.key: d.required for d in load("dukcapil-kia-5-17-tahun").documents}
    assert docs["pas_foto"] is True
    assert docs["akta_kelahiran"] is True
    young = {d.key: d.required for d in load("dukcapil-kia-0-5-tahun").documents}
    assert young["pas_foto"] is False  # optional under five


def test_yanduksatlantas_differs_from_the_copied_table() -> None:
    # Lines 353-363: letter to KADISDUKCAPIL through call center 0811370063271; operator
    # dispositions to bidang teknis; KABID prepares field officers (no SIAK); the printed
    # document is handed over at the applicant's location, or sent by JNT/Pos Indonesia when the
    # network fails on the day.
    sop = load("dukcapil-yanduksatlantas")
    assert sop.title == ("PELAYANAN KEPENDUDUKAN SAKIT, LANSIA, DAN DISABILITAS "
                         "(YANDUKSATLANTAS)")
    assert sop.calendar == "office"
    assert table(sop) == [
        (1, "pemohon", "applicant", "10 menit"),
        (2, "operator", "officer", "10 menit"),
        (3, "operator", "officer", "10 menit"),
        (4, "kabid", "officer", "10 menit"),
        (5, "kepala_dinas", "officer", "30 menit"),
        (6, "staf", "officer", "30 menit"),
    ]
    assert "0811370063271" in sop.step("permohonan").activity
    assert "bidang teknis" in sop.step("verifikasi_berkas").activity
    assert "SIAK" not in sop.step("persiapan_petugas").activity
    assert "lapangan" in sop.step("persiapan_petugas").activity
    assert routes(sop, "verifikasi_berkas") == {
        "disposisi_bidang_teknis": "persiapan_petugas",
        "tidak_lengkap": ("return", "3 hari kerja", None)}
    assert routes(sop, "persiapan_petugas") == {"siapkan_petugas": "tte_kadis",
                                                "tolak": "@rejected"}
    assert routes(sop, "penyerahan_di_lokasi") == {"serahkan_di_lokasi": "@completed",
                                                   "kirim_ekspedisi": "@completed"}
    assert total_minutes(sop) == 100


def test_disdukcapil_registry_roles() -> None:
    registry = load_registry()
    assert set(registry.agency_roles("disdukcapil")) >= {"operator", "staf", "kabid",
                                                          "kepala_dinas"}
    assert registry.supervisor("disdukcapil", "operator") == "kabid"
    assert registry.supervisor("disdukcapil", "staf") == "kabid"
