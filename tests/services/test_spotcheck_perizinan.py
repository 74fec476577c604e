"""Spot checks of the perizinan SOP definitions against values read by hand in the
regulation text (Perbup Lampung Selatan 19/2026, Lampiran; line numbers of
``shared/seed/perbup-19-2026-halo-lamsel.txt`` in the comments).

Each test loads one definition file and asserts the step count, the actor role, the time of
each step, the branch targets, the deadlines and the external institutions. Where the seed
text is beside the repository, a last test also checks that the printed cells these readings
rest on are really there.
"""

from __future__ import annotations

from pathlib import Path

from shared.registry import load_registry
from shared.sop.loader import load_sop_file
from shared.sop.model import SopDefinition
from tests.support.seed import REGULATION
from tests.support.sops import spot_sop

ROOT = Path(__file__).resolve().parents[2]
SOPS = ROOT / "services" / "perizinan" / "sops"


def _load(key: str) -> SopDefinition:
    return spot_sop("perizinan", key)


def _targets(sop: SopDefinition, step_id: str) -> dict[str, str | None]:
    return {a.name: a.to for a in sop.step(step_id).actions}


# --- the 27 DPMPTSP practice permits --------------------------------------------------------

def test_the_27_practice_permits_exist_with_distinct_keys_and_titles() -> None:
    # sop-index.md rows 20-46; regulation lines 543-1141.
    paths = sorted(SOPS.glob("dpmptsp-izin-praktik-*.yaml"))
    assert len(paths) == 27
    sops = [load_sop_file(p, load_registry()) for p in paths]
    assert [s.key for s in sops] == [p.stem for p in paths]
    assert len({s.key for s in sops}) == 27
    assert len({s.title for s in sops}) == 27
    for sop in sops:
        assert sop.title.startswith("PELAYANAN IZIN PRAKTIK ")
        assert sop.agency == "dpmptsp"
        assert sop.service == "perizinan"
        assert len(sop.steps) == 9
        assert [s.nomor for s in sop.steps] == list(range(1, 10))


PERMIT_ACTORS = ["pemohon", "front_office", "front_office", "back_office", "kasi", "kabid",
                 "kepala_dinas", "front_office", "pemohon"]


def _check_permit_branches(sop: SopDefinition) -> None:
    ids = [s.id for s in sop.steps]
    assert ids == ["pendaftaran_sip_online", "pemeriksaan_kelengkapan", "input_permohonan",
                   "entry_permohonan", "verifikasi_kasi", "verifikasi_kabid", "verifikasi_kadis",
                   "cetak_dokumen", "unduh_dokumen"]
    # Step 2: "lengkap atau tidak lengkap" -> return to the applicant (no deadline printed:
    # platform default 3 hari kerja).
    check = sop.step("pemeriksaan_kelengkapan")
    assert check.action("lengkap").to == "input_permohonan"
    back = check.action("tidak_lengkap")
    assert back.kind == "return" and back.deadline == "3 hari kerja" and back.comment_required
    # Step 5 (Kasi) "Tidak" -> Back Office; step 6 (Kabid) Ya/Tidak "perlu ada perbaikan" -> Kasi.
    assert _targets(sop, "verifikasi_kasi") == {"sesuai": "verifikasi_kabid",
                                                "tidak_sesuai": "entry_permohonan"}
    assert _targets(sop, "verifikasi_kabid") == {"sesuai": "verifikasi_kadis",
                                                 "perlu_perbaikan": "verifikasi_kasi"}
    # Step 7: no rejection path in the text -> platform tolak.
    assert _targets(sop, "verifikasi_kadis") == {"terbitkan": "cetak_dokumen",
                                                 "tolak": "@rejected"}
    assert _targets(sop, "unduh_dokumen") == {"unduh": "@completed"}
    # Everything runs in SIP-Online, DPMPTSP's own system: no step of another agency.
    assert all(s.agency is None and s.kind != "external" for s in sop.steps)


def test_dokter_dokter_gigi_six_untimed_steps_three_hours() -> None:
    # Lines 543-565: steps 1-5 (548-552) have empty Kelengkapan/Waktu/Output cells; steps 6-8
    # (562-564) "1 Jam" each; step 9 (565) blank. Kabid labels "Ya" / "Tidak" on line 562.
    sop = _load("dpmptsp-izin-praktik-dokter-dokter-gigi")
    assert sop.title == "PELAYANAN IZIN PRAKTIK DOKTER/DOKTER GIGI"
    assert [s.actor for s in sop.steps] == PERMIT_ACTORS
    assert [s.kind for s in sop.steps] == ["applicant"] + ["officer"] * 7 + ["applicant"]
    assert [s.time for s in sop.steps] == [None] + ["1 jam"] * 7 + [None]
    assert [s.time_printed for s in sop.steps] == [""] * 5 + ["1 Jam"] * 3 + [""]
    # The 1 jam of steps 2-5 is a reading (the printed total is 3 jam), so it is explained.
    for step in sop.steps[1:5]:
        assert step.time_reading
    printed_hours = sum(1 for s in sop.steps if s.time_printed == "1 Jam")
    assert printed_hours == 3
    _check_permit_branches(sop)


def test_perawat_one_untimed_step_eight_hours() -> None:
    # Lines 591-608: steps 1-4 "1 jam" (596-599), steps 5-8 "1 Jam" (600, 605-607), step 9 "-"
    # (608).
    sop = _load("dpmptsp-izin-praktik-perawat")
    assert sop.title == "PELAYANAN IZIN PRAKTIK PERAWAT"
    assert [s.actor for s in sop.steps] == PERMIT_ACTORS
    assert [s.time for s in sop.steps] == ["1 jam"] * 8 + [None]
    assert sop.step("unduh_dokumen").time_printed == "-"
    assert sum(s.standard_time().amount for s in sop.steps if s.time) == 8
    receipt = "Tanda Terima Berkas / Nomor pendaftaran permohonan"
    assert sop.step("input_permohonan").output == receipt
    assert sop.step("verifikasi_kasi").output == "Verifikasi Kasi"
    _check_permit_branches(sop)


def test_permit_titles_are_printed_with_a_corrected_display_title() -> None:
    # Line 806 prints "PENATA ANASTESI", 908 "ELETROMEDIS", 991 "AKUPUNTUR TRAPIS",
    # 1080 "TEKNISI TRANFUSI DARAH": the title stays as printed, the display title is corrected.
    for key, printed in [("dpmptsp-izin-praktik-penata-anestesi", "PENATA ANASTESI"),
                         ("dpmptsp-izin-praktik-elektromedis", "ELETROMEDIS"),
                         ("dpmptsp-izin-praktik-akupunktur-terapis", "AKUPUNTUR TRAPIS"),
                         ("dpmptsp-izin-praktik-teknisi-transfusi-darah", "TRANFUSI")]:
        sop = _load(key)
        assert printed in sop.title
        assert sop.display_title is not None and printed not in sop.display_title


# --- Dinas Pendidikan: NPSN -----------------------------------------------------------------

def test_npsn_pusdatin_external_step_and_reapplication_loop() -> None:
    # Lines 1276-1288. Columns: Sekolah Pemohon, Front Office, Bagian Pendidikan Dasar, Admin
    # Kabupaten, Admin Pusdatin (1278-1279).
    sop = _load("disdik-penerbitan-npsn")
    assert sop.agency == "disdik"
    assert [s.nomor for s in sop.steps] == list(range(1, 9))
    assert [s.actor for s in sop.steps] == ["pemohon", "front_office", "front_office", "kasubbag",
                                            "operator", "pemohon", "operator", "operator"]
    assert [s.kind for s in sop.steps] == ["applicant", "officer", "officer", "officer",
                                           "external", "applicant", "external", "officer"]
    # Waktu column, lines 1281-1288 ("Manit" printed for menit on 1286-1288).
    assert [s.time for s in sop.steps] == ["10 menit", "15 menit", "10 menit", "10 menit",
                                           "14 s/d 30 hari", "10 menit", "30 menit", "10 menit"]
    pusdatin = sop.step("verifikasi_pusdatin")
    assert pusdatin.time_printed == "14 s d 30 Hari"
    assert "Pusdatin" in (pusdatin.institution or "")
    std = pusdatin.standard_time()
    assert (std.unit, std.amount_min, std.amount) == ("day", 14, 30)
    # Line 1286: "Jika ditolak, pemohon mengajukan permohonan ulang ke front"; 1287 diterima.
    assert _targets(sop, "verifikasi_pusdatin") == {"diterima": "penerbitan_npsn",
                                                    "ditolak": "pengajuan_ulang"}
    assert sop.step("pengajuan_ulang").action("ajukan_ulang").to == "informasi_layanan"
    # Lines 1282-1283: both Front Office checks return an incomplete file to the applicant.
    for step_id in ("informasi_layanan", "pemeriksaan_berkas"):
        returns = [a for a in sop.step(step_id).actions if a.kind == "return"]
        assert len(returns) == 1 and returns[0].deadline == "3 hari kerja"
    assert _targets(sop, "penyelesaian") == {"selesaikan": "@completed"}
    # The printed Verval SP address carries appKey/tokenKey: not copied into the definition.
    assert all("tokenKey" not in s.activity and "appKey" not in s.activity for s in sop.steps)


def test_npyp_is_the_npsn_flow_recorded_as_a_copy() -> None:
    # Lines 1294-1306 repeat 1276-1288 word for word (steps 4, 7, 8 still say NPSN).
    npsn, npyp = _load("disdik-penerbitan-npsn"), _load("disdik-penerbitan-npyp")
    assert npyp.title == "PELAYANAN PENERBITAN NPYP"
    assert [(s.actor, s.kind, s.time) for s in npyp.steps] == \
        [(s.actor, s.kind, s.time) for s in npsn.steps]
    assert "Pusdatin" in (npyp.step("verifikasi_pusdatin").institution or "")
    assert any("salinan" in r for r in npyp.readings)


# --- Dinas Sosial: LKS ----------------------------------------------------------------------

def test_lks_one_day_completion_deadline_and_stated_total() -> None:
    # Lines 2083-2096. Step 6 (2092) "Permohonan melengkapi berkas ... Maksimal 1 Hari" with the
    # label "Tidak Lengkap" (2091) is the applicant's deadline: a return action, not a step.
    sop = _load("dinsos-surat-tanda-terdaftar-lks")
    assert [s.nomor for s in sop.steps] == [1, 2, 3, 4, 5, 7, 8, 9]
    assert [s.actor for s in sop.steps] == ["operator", "operator", "pemohon", "staf", "staf",
                                            "kabid", "kepala_dinas", "operator"]
    assert [s.kind for s in sop.steps] == ["automatic", "automatic", "applicant", "officer",
                                           "officer", "officer", "officer", "automatic"]
    assert [s.time for s in sop.steps] == ["30 menit", "30 menit", "30 menit", "30 menit",
                                           "1 hari", "30 menit", "25 menit", None]
    assert sop.step("penerbitan_izin").time_printed == "± 25 Menit"
    assert sop.step("notifikasi").time_printed == "Selesai"
    for step_id in ("pengecekan_kelengkapan", "verifikasi_lapangan"):
        back = next(a for a in sop.step(step_id).actions if a.kind == "return")
        assert back.deadline == "1 hari"
        assert (back.deadline_time().unit, back.deadline_time().amount) == ("day", 1)
    assert sop.step("pengecekan_kelengkapan").action("lengkap").to == "verifikasi_lapangan"
    # Line 2093 "ditelaah layak/tidak": decided by the Kepala Dinas who signs (2094).
    assert _targets(sop, "penerbitan_izin") == {"layak": "notifikasi", "tidak_layak": "@rejected"}
    assert _targets(sop, "notifikasi") == {"kirim_notifikasi": "@completed"}
    # Line 2096: "6 hari 2 jam 25 menit" printed; the steps add up to 2 hari 2 jam 55 menit.
    assert sop.standard.stated_total_time == "6 hari 2 jam 25 menit"
    minutes = sum(s.standard_time().amount for s in sop.steps
                  if s.time and s.standard_time().unit == "minute")
    days = sum(s.standard_time().amount for s in sop.steps
               if s.time and s.standard_time().unit == "day") + 1  # + the applicant's 1 hari
    assert (days, minutes) == (2, 175)
    assert any("6 hari 2 jam 25 menit" in r and "2 hari 2 jam 55 menit" in r
               for r in sop.readings)


# --- Dinas PUPR/Perkim: PBG -----------------------------------------------------------------

def test_pbg_simbg_dpmptsp_steps_and_retribution() -> None:
    # Lines 1492-1511. Columns DPMPPTSP, Kepala Dinas, TPA/TPT/Pemilik, Pengawas, Operator,
    # Bagian Informasi, Pemohon, Waktu (1499).
    sop = _load("pupr-persetujuan-bangunan-gedung")
    assert sop.agency == "pupr"
    assert [s.nomor for s in sop.steps] == list(range(1, 13))
    assert [s.actor for s in sop.steps] == [
        "operator", "pemohon", "operator", "operator", "operator", "operator", "pengawas",
        "pengawas", "kepala_dinas", "pemohon", "pemohon", "kepala_dinas"]
    # Waktu: 1 hari, -, 1 hari, 20 menit, 20 menit, 3 hari, 10 menit, 10 menit, then blank.
    assert [s.time for s in sop.steps] == [
        "1 hari", None, "1 hari", "20 menit", "20 menit", "3 hari", "10 menit", "10 menit",
        "1 hari kerja", None, None, "1 hari kerja"]
    for step_id in ("penyampaian_skrd", "persetujuan_pbg"):  # DPMPPTSP column (1508, 1511)
        step = sop.step(step_id)
        assert step.agency == "dpmptsp"
        assert step.time_printed == "" and step.time_reading
    # Line 1503: "Lanjut" / "Tidak" -> "Berkas Kembali Ke Akun Pemohon".
    step4 = sop.step("pemberitahuan")
    assert step4.action("lanjut").to == "penunjukan_tpa"
    back = step4.action("tidak")
    assert back.kind == "return" and back.resume_at == "pengecekan_berkas"
    assert back.deadline == "3 hari kerja"
    consult = sop.step("hasil_konsultasi")
    assert consult.kind == "external"
    assert "TPA/TPT" in (consult.institution or "") and "SIMBG" in (consult.institution or "")
    assert _targets(sop, "persetujuan_pbg") == {"setujui": "@completed"}
    # Lines 1507-1510: retribusi computed by the Pengawas, SKRD, payment, proof upload.
    assert "Retribusi" in (sop.standard.cost or "")
    assert sop.title == "PELAYANAN PERSETUJUAN BANGUN GEDUNG (PBG)"  # as printed (line 1492)
    assert sop.display_title == "PELAYANAN PERSETUJUAN BANGUNAN GEDUNG (PBG)"


# --- Dinas Perdagangan dan Perindustrian: tera / tera ulang ---------------------------------

def test_tera_sla_branch_and_cost() -> None:
    # Lines 2380-2391. Waktu "1 hari" on every step except 5 ("Permohonan tidak dilanjutkan").
    sop = _load("disdag-tera-tera-ulang")
    assert [s.nomor for s in sop.steps] == list(range(1, 10))
    assert [s.actor for s in sop.steps] == ["pemohon", "operator", "operator", "pemohon",
                                            "operator", "staf", "staf", "staf", "operator"]
    assert [s.time for s in sop.steps] == ["1 hari"] * 4 + [None] + ["1 hari"] * 4
    # Line 2386 "Ya" -> 6 (2388); line 2387 "NO" -> "Permohonan tidak dilanjutkan".
    assert _targets(sop, "persetujuan_sla") == {"setuju": "pelaksanaan_tera",
                                                "tidak_setuju": "tidak_dilanjutkan"}
    assert sop.step("tidak_dilanjutkan").kind == "automatic"
    assert _targets(sop, "tidak_dilanjutkan") == {"tutup": "@archived"}
    assert _targets(sop, "pengiriman_skhp") == {"kirim": "@completed"}
    assert sop.step("telaah_berkas").note == "Ditelaah Berdasarkan Permendag 24 Tahun 2024"
    # The SOP names no fee: the cost says so and points to the Perda for any retribusi.
    cost = (sop.standard.cost or "").lower()
    assert "retribusi" in cost and "tidak menyebut biaya" in cost


def test_numpang_uji_total_matches_the_printed_fifteen_minutes() -> None:
    # Lines 1956-1965: 2 + 8 + 2 + 2 + 1 menit, "TOTAL WAKTU YANG DIBUTUHKAN 15 Menit".
    sop = _load("dishub-numpang-uji-keluar")
    assert [s.actor for s in sop.steps] == ["pemohon", "staf", "penguji", "staf", "pemohon"]
    assert sum(s.standard_time().amount for s in sop.steps) == 15
    assert sop.standard.stated_total_time == "15 Menit"
    assert sop.step("pemeriksaan_administrasi").action("tidak_sesuai").kind == "return"


# --- the printed cells the readings rest on --------------------------------------------------

def test_the_cells_read_are_in_the_regulation_text() -> None:
    lines = REGULATION.read_text(encoding="utf-8").split("\n")

    def line(n: int) -> str:
        return lines[n - 1]

    assert line(543).strip() == "PELAYANAN IZIN PRAKTIK DOKTER/DOKTER GIGI"
    assert all("jam" not in line(n).lower() for n in range(548, 553))
    assert all("1 Jam" in line(n) for n in (562, 563, 564))
    assert line(591).strip() == "PELAYANAN IZIN PRAKTIK PERAWAT"
    assert all("1 jam" in line(n).lower() for n in (596, 597, 598, 599, 600, 605, 606, 607))
    assert "14 s d 30 Hari" in line(1285) and "Admin Pusdatin" in line(1285)
    assert line(1492).strip() == "PELAYANAN PERSETUJUAN BANGUN GEDUNG (PBG)"
    assert "Berkas Kembali Ke Akun Pemohon" in line(1503)
    assert "Maksimal 1 Hari" in line(2092) and "Tidak Lengkap" in line(2091)
    assert "6 hari 2 jam 25 menit" in line(2096)
    assert "Permohonan tidak dilanjutkan" in line(2387) and "NO" in line(2387)
    assert "15 Menit" in line(1965)
