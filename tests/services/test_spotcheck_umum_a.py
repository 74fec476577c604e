"""Spot checks of umum SOP definitions (batch A) against the regulation text, read by hand.

Line numbers refer to ``shared/seed/perbup-19-2026-halo-lamsel.txt`` (Perbup Lampung Selatan
19/2026, Lampiran).
"""

from __future__ import annotations

from pathlib import Path

from shared.sop.model import SopDefinition
from tests.support.sops import spot_sop

SOPS = Path(__file__).resolve().parents[2] / "services" / "umum" / "sops"


def _load(key: str) -> SopDefinition:
    return spot_sop("umum", key)


def _targets(sop: SopDefinition, step_id: str) -> dict[str, str | None]:
    return {a.name: a.to for a in sop.step(step_id).actions}


# --- Dinkes: PELAYANAN REAKTIVASI/PENDAFTARAN BPJS (lines 1213-1221) -----------------------


def test_dinkes_bpjs_edabu_is_external() -> None:
    sop = _load("dinkes-reaktivasi-pendaftaran-bpjs")
    assert sop.agency == "dinkes" and sop.calendar == "office"
    assert [(s.nomor, s.actor, s.kind, s.time) for s in sop.steps] == [
        (1, "operator_puskesmas", "officer", "15 menit"),  # 1218 Operator Puskesmas
        (2, "operator", "officer", "10 menit"),            # 1219 Operator Dinas Kesehatan
        (3, "operator", "external", "1 x 24 jam"),         # 1220 Aplikasi Edabu BPJS Kesehatan
        (4, "operator", "external", "1 x 24 jam"),         # 1221 Petugas BPJS Kesehatan
    ]
    assert sop.step("entri_edabu").institution == "BPJS Kesehatan (Aplikasi Edabu)"
    assert sop.step("kirim_bpjs").institution == "BPJS Kesehatan"
    # Line 1219: not meeting the criteria -> back to the Puskesmas/Klinik/RS officer.
    assert _targets(sop, "verifikasi_dinkes") == {"sesuai_kriteria": "entri_edabu",
                                                  "kembalikan_ke_puskesmas": "input_puskesmas"}
    # Line 1221: proposals Edabu could not process go to BPJS Kesehatan.
    assert _targets(sop, "entri_edabu") == {"status_aktif": "@completed",
                                            "gagal_edabu": "kirim_bpjs"}
    std = sop.step("entri_edabu").standard_time()
    assert std is not None and (std.unit, std.amount) == ("elapsed_hour", 24)


# --- PUPR: PELAYANAN PENYEWAAN ALAT BERAT (lines 1556-1570) --------------------------------


def test_pupr_alat_berat_fee_and_chain() -> None:
    sop = _load("pupr-penyewaan-alat-berat")
    # Line 1564: "Penghitungan, Pembayaran, Penyetoran Biaya Sewa Alat Berat" -> not free.
    assert sop.standard.cost is not None and "Retribusi" in sop.standard.cost
    assert "gratis" not in sop.standard.cost
    assert [(s.nomor, s.actor, s.time, s.time_printed) for s in sop.steps] == [
        (1, "staf", "60 menit", "Tidak Ditetapkan"),                     # 1560
        (2, "kepala_dinas", "60 menit", "60 Menit"),                     # 1561 Disposisi Kadis
        (3, "kepala_uptd", "30 menit", "30 Menit"),                      # 1562
        (4, "kepala_uptd", "1 hari kerja", "Relatif tergantung Lokasi"),  # 1563
        (5, "bendahara_penerimaan", "120 menit", "120 Menit"),           # 1564 STTS
        (6, "kepala_dinas", "15 menit", "15 Menit"),                     # 1565 SPK
        (7, "sekretaris", "10 menit", "10 Menit"),                       # 1566 SPT
        (8, "operator_alat_berat", "1 bulan", "Sesuai dengan SPK"),      # 1567
        (9, "operator_alat_berat", "1 hari kerja", "Sesuai dengan SPK"),  # 1568
        (10, "operator_alat_berat", "1 hari kerja", "Tentatif"),         # 1569
        (11, "operator_alat_berat", "120 menit", "120 Menit"),           # 1570
    ]
    for step in sop.steps:
        if step.time_printed and step.standard_time() is not None \
                and step.time_printed.lower() != step.time:
            assert step.time_reading, step.id
    assert _targets(sop, "pembersihan") == {"selesai": "@completed"}


def test_pupr_lumpur_tinja_retribution_and_times() -> None:
    sop = _load("pupr-penyedotan-lumpur-tinja")
    # Line 1537 (step 6 output): "kwitansi pembayaran retribusi".
    assert sop.standard.cost is not None and "Retribusi" in sop.standard.cost
    assert len(sop.steps) == 10
    assert sop.step("persiapan").time == "30 menit - 1 jam"           # 1531
    std = sop.step("persiapan").standard_time()
    assert std is not None and (std.amount_min, std.amount, std.unit) == (30, 60, "minute")
    assert sop.step("penyedotan").time_printed == "1 jam - selesai"   # 1537
    assert sop.step("rekap_database").time_printed == "1 bulan - 12 bulan"  # 1553
    assert sop.step("rekap_database").escalate_to == "kasubbag"
    # Step 10 (garage, line 1554) runs after the operator's data hand-over, before the recap.
    assert _targets(sop, "pencatatan_operator") == {"serahkan_data": "pengembalian_truk"}
    assert _targets(sop, "pengembalian_truk") == {"truk_kembali": "rekap_database"}


# --- Diskominfo: PELAYANAN PEMASANGAN JARINGAN INTERNET ATAU INTRANET PD (lines 1464-1473) --


def test_diskominfo_jaringan_two_gates() -> None:
    sop = _load("diskominfo-pemasangan-jaringan-internet-intranet")
    assert [(s.nomor, s.actor, s.time) for s in sop.steps] == [
        (1, "pemohon", None),                        # 1469 "-"
        (2, "front_office", "1 hari kerja"),         # 1470
        (3, "petugas_validasi", "1 hari kerja"),     # 1471 via telepon
        (4, "petugas_pelaksana", "3 hari kerja"),    # 1472 Wifi terpasang
        (5, "petugas_pelaksana", "1 hari kerja"),    # 1473
    ]
    # Line 1470: "dikembalikan kepada PD atau di tolak".
    gate1 = sop.step("verifikasi")
    assert _targets(sop, "verifikasi")["tolak"] == "@rejected"
    back = gate1.action("kembalikan")
    assert back is not None and back.kind == "return" and back.deadline == "3 hari kerja"
    # Line 1471: "Jika hasil validasi tidak sesuai, permohonan akan di kembalikan".
    back2 = sop.step("validasi_kebutuhan").action("kembalikan")
    assert back2 is not None and back2.kind == "return"
    assert sop.step("validasi_kebutuhan").note == "Menghubungi via telepon."


# --- Diskominfo: PELAYANAN PERPANJANG SERTIFIKAT TTE (lines 1398-1413) ---------------------


def test_diskominfo_tte_bsre_is_external() -> None:
    sop = _load("diskominfo-perpanjang-sertifikat-tte")
    assert [(s.nomor, s.actor, s.kind, s.time) for s in sop.steps] == [
        (1, "pemohon", "applicant", "15 menit"),       # 1408 Pegawai PD
        (2, "front_office", "officer", "1 hari kerja"),  # 1409
        (3, "sandiman", "external", "30 menit"),       # 1410 Tautan dari Email BSR.E
        (4, "pemohon", "applicant", "20 menit"),       # 1411 verifikasi wajah
        (5, "pemohon", "applicant", "5 menit"),        # 1412 tangkapan layar
        (6, "sandiman", "officer", "30 menit"),        # 1413 no time printed
    ]
    assert "BSrE" in (sop.step("kirim_tautan").institution or "")
    assert sop.step("penyelesaian").time_reading


# --- TPHBun: LAYANAN RISET, DATA DAN INFORMASI ... (lines 1610-1626) ------------------------


def test_tphbun_riset_approval_accepts_or_rejects() -> None:
    sop = _load("tphbun-riset-data-informasi")
    assert len(sop.steps) == 11
    # Line 1618: "Menugaskan petugas approval untuk menerima/menolak permohonan".
    assert sop.step("penugasan_approval").actor == "kepala_dinas"
    approval = sop.step("approval")
    assert approval.actor == "petugas_approval" and approval.nomor == 2
    assert _targets(sop, "approval")["terima"] == "verifikasi_kabid"
    assert _targets(sop, "approval")["tolak"] == "@rejected"
    # Lines 1621-1626 (steps 5-10): times as printed.
    assert [sop.step(i).time for i in ("pengisian_data", "rekap_analisis", "koreksi_sekretaris",
                                       "koreksi_kadis", "penandatanganan", "pengiriman")] == [
        "1 hari", "1 hari", "40 menit", "40 menit", "10 menit", "10 menit"]
    assert sop.step("pengiriman").actor == "petugas_approval"   # "Approval mengirimkan"
