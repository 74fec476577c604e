"""Spot checks of the pengaduan SOP definitions against the regulation text, read by hand.

Line numbers refer to ``shared/seed/perbup-19-2026-halo-lamsel.txt`` (Perbup Lampung Selatan
19/2026, Lampiran). Every SOP with a written deadline is checked (Inspektorat's 3-day
completion deadline, RSUD's severity times), plus PPPA, PDAM and Satpol PP.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from shared.calendar.business import calendar_for
from shared.calendar.standard_time import parse_standard_time
from shared.engine.engine import SopEngine
from shared.engine.state import Principal
from shared.registry import load_registry
from shared.sop.model import SopDefinition
from tests.support.sops import spot_sop

SOPS = Path(__file__).resolve().parents[2] / "services" / "pengaduan" / "sops"
JAKARTA = ZoneInfo("Asia/Jakarta")
CITIZEN = Principal(subject="warga-uji", roles=frozenset({"citizen"}))


def _load(key: str) -> SopDefinition:
    return spot_sop("pengaduan", key)


def _targets(sop: SopDefinition, step_id: str) -> dict[str, str | None]:
    return {a.name: a.to for a in sop.step(step_id).actions}


class _Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


# --- Inspektorat: PENANGANAN KASUS DAN PENGADUAN MASYARAKAT (lines 202-234) ------------------


def test_inspektorat_steps_actors_and_times() -> None:
    sop = _load("inspektorat-pengaduan-masyarakat")
    assert sop.agency == "inspektorat" and sop.calendar == "office"
    assert sop.title == "PENANGANAN KASUS DAN PENGADUAN MASYARAKAT"
    # 15 printed rows, number 1 twice (lines 216-217); row 8 has two bullets and two Mutu Baku
    # rows (lines 224-226): decision, ST drafting, archiving -> 18 steps.
    rows = [(s.nomor, s.actor, s.time) for s in sop.steps]
    assert rows == [
        (1, "pemohon", "30 menit"),             # 216 Pengadu menyampaikan pengaduan
        (1, "front_office", "30 menit"),        # 217 Pengaduan diterima
        (2, "front_office", "30 menit"),        # 218 verifikasi kelayakan dan kelengkapan
        (3, "front_office", "30 menit"),        # 219 tanda terima
        (4, "kepala_dinas", "30 menit"),        # 220 Pimpinan mendisposisikan ke Irban V
        (5, "jabatan_fungsional", "2 hari"),    # 221 telaah PIA, "2 Hari"
        (6, "jabatan_fungsional", "1 hari"),    # 222 JF melaporkan kepada Irban V
        (7, "irban", "1 hari"),                 # 223 Irban V melaporkan hasil PIA
        (8, "kepala_dinas", "30 menit"),        # 224-225 keputusan Pimpinan
        (8, "irban", "60 menit"),               # 226 Surat Tugas
        (8, "irban", "30 menit"),               # 224 diarsipkan oleh Irban V (untimed row)
        (9, "front_office", "60 menit"),        # 228 status tindak lanjut
        (10, "irban", "60 menit"),              # 229
        (11, "kepala_dinas", "60 menit"),       # 230
        (12, "irban", "7 hari"),                # 231 "7 Hari Pemeriksaan"
        (13, "irban", "60 menit"),              # 232
        (14, "kepala_dinas", "60 menit"),       # 233
        (15, "irban", "60 menit"),              # 234
    ]
    assert sop.step("pemeriksaan").time_printed == "7 Hari Pemeriksaan"
    assert sop.step("pemeriksaan").note == "Hari Pemeriksaan kondisional."


def test_inspektorat_three_day_completion_deadline() -> None:
    # Line 218, Ket: "apabila informasi pengaduan belum lengkap, dapat melengkapi informasi
    # pengaduan dengan batas waktu paling lama 3 (tiga) hari."
    sop = _load("inspektorat-pengaduan-masyarakat")
    back = sop.step("verifikasi").action("belum_lengkap")
    assert back is not None and back.kind == "return"
    assert back.deadline == "3 hari" and back.comment_required
    std = parse_standard_time(back.deadline)
    assert (std.unit, std.amount) == ("day", 3)
    assert _targets(sop, "verifikasi")["lengkap"] == "tanda_terima"


def test_inspektorat_missed_deadline_expires_the_case() -> None:
    sop = _load("inspektorat-pengaduan-masyarakat")
    clock = _Clock(datetime(2026, 8, 10, 9, 0, tzinfo=JAKARTA))  # a Monday
    engine = SopEngine(clock, calendar_for)
    case = engine.start(sop, case_id="c-1", tracking_no="PG-1", applicant=CITIZEN,
                        form={"perihal": "Pungutan liar", "uraian": "Uraian.",
                              "lokasi_kejadian": "Kalianda"}).case
    officer = Principal(subject="fo", roles=frozenset({"inspektorat:front_office"}))
    case = engine.act(sop, case, officer, "terima").case
    returned = engine.act(sop, case, officer, "belum_lengkap", comment="kronologi").case
    assert returned.status == "returned"
    assert returned.applicant_due_at == calendar_for("office").due(
        clock.now, parse_standard_time("3 hari"))
    clock.now = returned.applicant_due_at + timedelta(minutes=1)
    assert engine.expire(sop, returned).case.status == "expired"


def test_inspektorat_pia_actionable_or_archived() -> None:
    # Lines 224-225: not actionable -> archived by Irban V; actionable -> ST pemeriksaan/audit.
    sop = _load("inspektorat-pengaduan-masyarakat")
    assert _targets(sop, "keputusan_pia") == {
        "dapat_ditindaklanjuti": "penyusunan_st",
        "tidak_dapat_ditindaklanjuti": "pengarsipan",
    }
    assert _targets(sop, "pengarsipan") == {"arsipkan": "@archived"}
    assert sop.step("pengarsipan").actor == "irban"
    assert _targets(sop, "distribusi") == {"distribusikan": "@completed"}


# --- RSUD: PELAYANAN PENGADUAN BPJS ATAU JKN (lines 1250-1272) ----------------------------


def test_rsud_severity_branches_and_times() -> None:
    # Lines 1256 (Ket of step 3) and 1268: Ringan "kurang dari 24 jam", Sedang "3 sampai 7 hari
    # kerja", Berat atau Kompleks "maksimal 30 hari kerja".
    sop = _load("rsud-bob-bazar-pengaduan-bpjs-jkn")
    assert _targets(sop, "klasifikasi") == {
        "keluhan_ringan": "penyelesaian_ringan",
        "keluhan_sedang": "penyelesaian_sedang",
        "keluhan_berat": "penyelesaian_berat",
        "terima_saran": "pengarsipan",          # "Saran dan masukan (diterima)"
    }
    expected = {
        "penyelesaian_ringan": ("1 x 24 jam", "elapsed_hour", 24, None),
        "penyelesaian_sedang": ("3 s/d 7 hari kerja", "working_day", 7, 3),
        "penyelesaian_berat": ("30 hari kerja", "working_day", 30, None),
    }
    for step_id, (time, unit, amount, amount_min) in expected.items():
        step = sop.step(step_id)
        std = step.standard_time()
        assert step.time == time and std is not None
        assert (std.unit, std.amount, std.amount_min) == (unit, amount, amount_min)
        # Line 1270, step 5: unresolved by the deadline -> "diteruskan ke bagian manajemen".
        assert step.escalate_to == "kepala_dinas"
        assert step.actor == "kabid"
        assert _targets(sop, step_id) == {
            "selesaikan": "laporan_penyelesaian",
            "teruskan_ke_manajemen": "penerusan_manajemen",
        }
    assert sop.step("penyelesaian_berat").time_printed == "maksimal 30 hari kerja"


def test_rsud_steps_and_actors() -> None:
    sop = _load("rsud-bob-bazar-pengaduan-bpjs-jkn")
    assert sop.calendar == "office"
    assert [(s.id, s.nomor, s.actor, s.time) for s in sop.steps] == [
        ("pengajuan", 1, "pemohon", "60 menit"),                      # 1254
        ("penerimaan", 2, "pelaksana_pipp", "60 menit"),              # 1255
        ("klasifikasi", 3, "kabid", "60 menit"),                      # 1256
        ("penyelesaian_ringan", 3, "kabid", "1 x 24 jam"),
        ("penyelesaian_sedang", 3, "kabid", "3 s/d 7 hari kerja"),
        ("penyelesaian_berat", 3, "kabid", "30 hari kerja"),
        ("laporan_penyelesaian", 4, "kabid", "60 menit"),             # 1269
        ("penerusan_manajemen", 5, "sub_koordinator_pipp", "60 menit"),  # 1270
        ("tindak_lanjut_konfirmasi", 6, "sub_koordinator_pipp", "30 menit"),  # 1271
        ("pengarsipan", 7, "pelaksana_pipp", "30 menit"),             # 1272
    ]
    registry = load_registry()
    assert registry.supervisor("rsud-bob-bazar", "pelaksana_pipp") == "sub_koordinator_pipp"
    assert registry.supervisor("rsud-bob-bazar", "kabid") == "wadir"


@pytest.mark.parametrize(("step_id", "working_days"), [("penyelesaian_berat", 30),
                                                         ("penyelesaian_sedang", 7)])
def test_rsud_severity_due_time_counts_working_days(step_id: str, working_days: int) -> None:
    sop = _load("rsud-bob-bazar-pengaduan-bpjs-jkn")
    clock = _Clock(datetime(2026, 8, 14, 9, 0, tzinfo=JAKARTA))
    engine = SopEngine(clock, calendar_for)
    form = {"nama_pengadu": "Pasien", "nik_pengadu": "1801014505900001",
            "telepon_pengadu": "+6281234567890", "hubungan": "pasien",
            "sifat_pengaduan": "keluhan",
            "kelompok_pelayanan": "manajemen_administrasi", "perihal": "Antrean",
            "uraian": "Uraian.", "tanggal_kejadian": "2026-08-13", "lokasi_kejadian": "Poli"}
    case = engine.start(sop, case_id="c-2", tracking_no="PG-2", applicant=CITIZEN,
                        form=form).case
    pipp = Principal(subject="pipp", roles=frozenset({"rsud-bob-bazar:pelaksana_pipp"}))
    kabid = Principal(subject="kabid", roles=frozenset({"rsud-bob-bazar:kabid"}))
    case = engine.act(sop, case, pipp, "sampaikan").case
    action = "keluhan_berat" if step_id == "penyelesaian_berat" else "keluhan_sedang"
    case = engine.act(sop, case, kabid, action).case
    assert case.step_id == step_id
    expected = calendar_for("office").due(clock.now, parse_standard_time(
        f"{working_days} hari kerja"))
    assert case.step_due_at == expected


# --- PPPA: PEDOMAN PELAYANAN DAN PENGADUAN TINDAK KEKERASAN ... (lines 532-541) -------------


def test_pppa_triage_branches() -> None:
    sop = _load("pppa-pengaduan-kekerasan-perempuan-anak")
    assert [(s.nomor, s.actor, s.time) for s in sop.steps] == [
        (1, "pemohon", "15 menit"),         # 536 Korban menyampaikan pengaduan
        (2, "operator", "30 menit"),        # 537 Petugas Call Center/Halo Lamsel
        (3, "manajer_kasus", "30 menit"),   # 538 status ringan/sedang/berat
        (4, "staf", "3 jam"),               # 539 Petugas UPTD PPA/PUSPAGA
        (5, "manajer_kasus", "1 jam"),      # 540 keterancaman jiwa
        (6, "staf", "1 hari"),              # 541 penjangkauan
    ]
    # Line 537: Urgent/biasa; light and answerable by phone -> quick response; else Manajer Kasus.
    step2 = _targets(sop, "pencatatan")
    assert step2["teruskan_urgent"] == step2["teruskan_biasa"] == "penentuan_status"
    assert step2["respon_cepat"] == "@completed"
    # Line 538: ringan/sedang/berat.
    assert set(_targets(sop, "penentuan_status")) == {"status_ringan", "status_sedang",
                                                     "status_berat"}
    # Line 539: kasus berat -> back to the Manajer Kasus; ringan -> handled by the officer.
    assert _targets(sop, "pengelolaan_kasus") == {"laporkan_manajer_kasus": "pendalaman",
                                                  "tindak_lanjuti_selesai": "@completed"}
    # Line 540: life threatened -> outreach (step 6).
    assert _targets(sop, "pendalaman")["tunjuk_penjangkauan"] == "penjangkauan"
    assert load_registry().supervisor("dpppa", "staf") == "manajer_kasus"


# --- PDAM: PENGADUAN PELANGGAN (lines 2315-2332) -------------------------------------------


def test_pdam_routing_and_resolution_loop() -> None:
    sop = _load("pdam-pengaduan-pelanggan")
    assert len(sop.steps) == 9
    assert all(s.time == "1 hari kerja" for s in sop.steps)   # every printed row
    # Line 2323: Hublang forwards to Bagian Teknik or Umum (line 2324 unnumbered row).
    assert _targets(sop, "pencermatan") == {"teruskan_teknik": "pelajari_teknik",
                                            "teruskan_umum": "pelajari_umum"}
    assert sop.step("pelajari_teknik").actor == "bagian_teknik"
    assert sop.step("pelajari_umum").actor == "bagian_umum"
    # Line 2331: Y -> Selesai; T -> "perlu dicermati kembali".
    assert _targets(sop, "evaluasi") == {"terselesaikan": "@completed",
                                         "cermati_kembali": "pencermatan"}


# --- Satpol PP: PELAYANAN PENGADUAN SATUAN POLISI PAMONG PRAJA (lines 1650-1665) ------------


def test_satpolpp_disposition_chain() -> None:
    sop = _load("satpolpp-pengaduan")
    assert [(s.nomor, s.actor, s.time) for s in sop.steps] == [
        (1, "pemohon", None),              # 1654 "-", Ket "Dapat melapor 24 Jam"
        (2, "front_office", "15 menit"),   # 1655
        (3, "kepala_dinas", "15 menit"),   # 1656 Disposisi (Instruksi Kasat)
        (4, "sekretaris", "15 menit"),     # 1657
        (5, "kasi", "15 menit"),           # 1658
        (6, "kabid", "30 menit"),          # 1659
        (7, "kepala_dinas", "1 hari"),     # 1663
        (8, "front_office", "30 menit"),   # 1664
        (9, "front_office", "30 menit"),   # 1665
    ]
    assert sop.step("pengajuan").note == "Dapat melapor 24 Jam"
    intake = sop.step("registrasi")
    returned = intake.action("kembalikan")
    assert returned is not None and returned.kind == "return"
    assert returned.deadline == "3 hari kerja" and returned.note  # platform default, noted
    assert _targets(sop, "pengarsipan") == {"arsipkan": "@completed"}


def test_pppa_total_time_follows_the_whole_procedure() -> None:
    """Lines 536-541: six steps, 15 + 30 menit, 30 menit, 3 jam, 1 jam, 1 hari. The quick
    answer that completes at step 2 is a shortcut, not the procedure's total."""
    from shared.sop.standard import main_path, total_time

    sop = _load("pppa-pengaduan-kekerasan-perempuan-anak")
    assert len(main_path(sop)) == 6
    assert total_time(sop)["label"] == "1 hari + 5 jam 15 menit"
