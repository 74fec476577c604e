"""Spot checks of the Damkar SOP definitions against Perbup Lampung Selatan 19/2026, values
read by hand in the regulation text (``shared/seed/perbup-19-2026-halo-lamsel.txt``)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from shared.calendar.business import calendar_for
from shared.engine.engine import SopEngine
from shared.registry import load_registry
from shared.sop.model import SopDefinition
from tests.support.sops import (
    APPLICANT,
    actor_for,
    required_documents,
    route_to,
    sample_form,
    spot_sop,
)
from tests.support.sops import step_routes as routes

SOPS = Path(__file__).resolve().parents[2] / "services" / "damkar" / "sops"
JAKARTA = ZoneInfo("Asia/Jakarta")


def load(key: str) -> SopDefinition:
    return spot_sop("damkar", key)


def table(sop: SopDefinition) -> list[tuple[str, int | None, str, str, str | None]]:
    return [(s.id, s.nomor, s.actor, s.kind, s.time) for s in sop.steps]




# --- emergencies: lines 326-345 (kebakaran) and 269-284 (evakuasi non kebakaran) -------------

def test_pelayanan_kebakaran() -> None:
    # Lines 326-345. Ket step 1 "Piket 24 Jam"; steps 1-2 "2 menit /d disesuaikan"; step 3
    # 2 menit; step 4 1 menit; step 5 10 menit with Ket "petugas sampai di lokasi kebakaran dalam
    # waktu 15 menit"; step 6 60 menit, branch api mampu / tidak mampu ditangani (Ket: tim turun
    # piket menambah armada); steps 7-9 15, 15, 5 menit.
    sop = load("damkar-pelayanan-kebakaran")
    assert sop.title == "PELAYANAN KEBAKARAN MELALUI KANAL HALO LAMSEL"
    assert sop.calendar == "24x7"
    assert sop.category == "emergency-fire-rescue"
    assert table(sop) == [
        ("laporan", 1, "pemohon", "applicant", "2 menit"),
        ("terima_laporan", 2, "petugas_pemadam", "officer", "2 menit"),
        ("berangkat", 3, "petugas_pemadam", "officer", "2 menit"),
        ("informasi_kasie", 4, "petugas_pemadam", "officer", "1 menit"),
        ("tiba_di_lokasi", 5, "petugas_pemadam", "officer", "15 menit"),
        ("penanganan", 6, "petugas_pemadam", "officer", "60 menit"),
        ("tambah_armada", None, "kasi", "officer", "15 menit"),
        ("selesai_operasi", 7, "petugas_pemadam", "officer", "15 menit"),
        ("kembali_ke_pos", 8, "petugas_pemadam", "officer", "15 menit"),
        ("laporan_kasie", 9, "petugas_pemadam", "officer", "5 menit"),
    ]
    assert sop.step("laporan").time_printed == "2 menit /d disesuaikan"
    assert sop.step("terima_laporan").time_printed == "2 menit /d disesuaikan"
    arrival = sop.step("tiba_di_lokasi")
    assert arrival.time_printed == "10 menit" and "15 menit" in (arrival.note or "")
    assert arrival.escalate_to == "kabid"
    assert routes(sop, "terima_laporan") == {
        "siapkan_peralatan": "berangkat", "minta_lengkapi": ("return", "30 menit", None),
        "tolak": "@rejected"}
    assert routes(sop, "penanganan") == {"api_tertangani": "selesai_operasi",
                                         "tambah_armada": "tambah_armada"}
    assert routes(sop, "tambah_armada") == {"armada_tiba": "penanganan"}
    assert routes(sop, "laporan_kasie") == {"laporkan_selesai": "@completed"}


def test_evakuasi_non_kebakaran() -> None:
    # Lines 269-284: same times as the fire SOP for steps 1-8 (Ket step 5 "petugas sampai di
    # lokasi evakuasi dalam waktu 15 menit"; step 6 branch hewan liar mampu / tidak mampu
    # ditangani -> koordinasi dengan Kasie dan Kapid); step 9 5 menit; step 10 2 menit.
    sop = load("damkar-evakuasi-non-kebakaran")
    assert sop.title == "PELAYANAN EVAKUASI NON KEBAKARAN"
    assert sop.calendar == "24x7"
    assert table(sop) == [
        ("laporan", 1, "pemohon", "applicant", "2 menit"),
        ("terima_laporan", 2, "petugas_pemadam", "officer", "2 menit"),
        ("berangkat", 3, "petugas_pemadam", "officer", "2 menit"),
        ("informasi_kasie", 4, "petugas_pemadam", "officer", "1 menit"),
        ("tiba_di_lokasi", 5, "petugas_pemadam", "officer", "15 menit"),
        ("evakuasi", 6, "petugas_pemadam", "officer", "60 menit"),
        ("koordinasi_kasie_kabid", None, "kasi", "officer", "15 menit"),
        ("selesai_operasi", 7, "petugas_pemadam", "officer", "15 menit"),
        ("kembali_ke_pos", 8, "petugas_pemadam", "officer", "15 menit"),
        ("laporan_kasie", 9, "petugas_pemadam", "officer", "5 menit"),
        ("lapor_selesai", 10, "petugas_pemadam", "officer", "2 menit"),
    ]
    assert sop.step("tiba_di_lokasi").time_printed == "10 menit"
    assert routes(sop, "evakuasi") == {"evakuasi_tertangani": "selesai_operasi",
                                       "koordinasi": "koordinasi_kasie_kabid"}
    assert routes(sop, "koordinasi_kasie_kabid") == {"bantuan_tiba": "evakuasi"}
    assert routes(sop, "terima_laporan")["minta_lengkapi"] == ("return", "30 menit", None)
    assert routes(sop, "laporan_kasie") == {"buat_laporan": "lapor_selesai"}
    assert routes(sop, "lapor_selesai") == {"laporkan_selesai": "@completed"}


@pytest.mark.parametrize("key", ["damkar-pelayanan-kebakaran", "damkar-evakuasi-non-kebakaran"])
def test_arrival_standard_counts_at_night_and_on_holidays(key: str) -> None:
    # "Piket 24 Jam": the 15-minute arrival is due 15 real minutes later, even at 02:00 on
    # 17 August (Independence Day, a holiday).
    sop = load(key)
    step = sop.step("tiba_di_lokasi")
    std = step.standard_time()
    assert std is not None
    start = datetime(2026, 8, 17, 2, 0, tzinfo=JAKARTA)
    due = calendar_for(sop.calendar_of(step)).due(start, std)
    assert due - start == timedelta(minutes=15)


# --- non-emergencies -------------------------------------------------------------------------

NARASUMBER_TABLE = [
    ("penyampaian_surat", 1, "pemohon", "applicant", "5 menit"),
    ("penerimaan_surat", 2, "kasubbag", "officer", "5 menit"),
    ("petunjuk_pencatatan", 3, "kasubbag", "officer", "10 menit"),
    ("agenda_surat", 4, "staf", "officer", "15 menit"),
    ("paraf_sekretaris", 5, "sekretaris", "officer", "15 menit"),
    ("disposisi_kadis", 6, "kepala_dinas", "officer", "15 menit"),
    ("penyerahan_surat", 7, "kepala_dinas", "officer", "15 menit"),
    ("penjadwalan", 8, "bidang_pencegahan", "officer", "5 hari"),
    ("penetapan_jadwal", 9, "bidang_pencegahan", "officer", "5 menit"),
]


@pytest.mark.parametrize(("key", "title", "kegiatan"), [
    # lines 241-253
    ("damkar-narasumber-sosialisasi-kebakaran",
     "PERMOHONAN NARASUMBER UNTUK SOSIALISASI PENANGANAN KEBAKARAN DAN EVAKUASI",
     "Sosialisasi Pencegahan Kebakaran"),
    # lines 255-267 (a copy of the above; only step 8 differs: "Kegiatan Dudidam")
    ("damkar-narasumber-edukasi-dini", "PERMOHONAN NARASUMBER UNTUK EDUKASI DINI DAMKAR",
     "Dudidam"),
])
def test_narasumber(key: str, title: str, kegiatan: str) -> None:
    sop = load(key)
    assert sop.title == title
    assert sop.calendar == "office"
    assert table(sop) == NARASUMBER_TABLE
    assert sop.step("penjadwalan").time_printed == "5 Hari"
    assert kegiatan in sop.step("penjadwalan").activity
    assert routes(sop, "penerimaan_surat") == {
        "terima": "petunjuk_pencatatan", "tidak_lengkap": ("return", "3 hari kerja", None)}
    assert routes(sop, "disposisi_kadis") == {"disposisi_pencegahan": "penyerahan_surat",
                                              "tolak": "@rejected"}
    assert routes(sop, "penetapan_jadwal") == {"tetapkan_jadwal": "@completed"}


def test_bantuan_kebakaran() -> None:
    # Lines 293-316: operator 5/5/10 menit; Kadis signs 15, submits to Asisten 5; Asisten 1 hari;
    # Sekda telaah 2 minggu; disposition to BPKAD 30 menit; BPKAD review 1 hari; back to Sekda
    # 5 menit; Sekda signs 2 minggu; BPKAD verifies 1 hari, prepares 5 menit, contacts the
    # recipient 15 menit; recipient signs the receipt 5 menit.
    sop = load("damkar-bantuan-kebakaran")
    assert sop.title == "PERMOHONAN BANTUAN KEBAKARAN"
    assert sop.calendar == "office"
    assert [(s.nomor, s.actor, s.agency, s.kind, s.time) for s in sop.steps] == [
        (1, "pemohon", None, "applicant", "5 menit"),
        (2, "operator", None, "officer", "5 menit"),
        (3, "operator", None, "officer", "10 menit"),
        (4, "kepala_dinas", None, "officer", "15 menit"),
        (5, "kepala_dinas", None, "officer", "5 menit"),
        (6, "operator", None, "external", "1 hari"),
        (7, "operator", None, "external", "2 minggu"),
        (8, "operator", None, "external", "30 menit"),
        (9, "kabid", "bpkad", "officer", "1 hari"),
        (10, "staf", "bpkad", "officer", "5 menit"),
        (11, "operator", None, "external", "2 minggu"),
        (12, "kabid", "bpkad", "officer", "1 hari"),
        (13, "staf", "bpkad", "officer", "5 menit"),
        (14, "staf", "bpkad", "officer", "15 menit"),
        (15, "pemohon", None, "applicant", None),
    ]
    for step_id in ("telaah_sekda", "ttd_sekda"):
        step = sop.step(step_id)
        assert step.institution == "Sekretaris Daerah Kabupaten Lampung Selatan"
        assert step.escalate_to == "kepala_dinas"
    assert "Asisten" in (sop.step("tindak_lanjut_asisten").institution or "")
    assert sop.step("tanda_terima").time_printed == "5 menit"
    assert routes(sop, "verifikasi_dokumen") == {
        "terverifikasi": "proses_dokumen", "tidak_lengkap": ("return", "3 hari kerja", None),
        "tolak": "@rejected"}
    assert routes(sop, "telaah_sekda") == {"ditelaah": "disposisi_sekda", "tolak": "@rejected"}
    assert routes(sop, "tanda_terima") == {"tandatangani_tanda_terima": "@completed"}


def test_damkar_registry_roles() -> None:
    registry = load_registry()
    assert registry.is_known("damkar", "petugas_pemadam")
    assert registry.is_known("damkar", "bidang_pencegahan")
    assert registry.supervisor("damkar", "petugas_pemadam") == "kasi"
    assert registry.supervisor("damkar", "kasi") == "kabid"


class _Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


@pytest.mark.parametrize("key", ["damkar-pelayanan-kebakaran", "damkar-evakuasi-non-kebakaran"])
def test_arrival_is_due_15_minutes_after_the_report_not_after_step_4(key: str) -> None:
    """Steps 2-5 print 2 + 2 + 1 + 10 = 15 minutes and the Ket sets arrival within 15
    minutes: the due time runs from the report, however late steps 2-4 are recorded."""
    sop = load(key)
    report = datetime(2026, 8, 17, 2, 0, tzinfo=JAKARTA)
    clock = _Clock(report)
    engine = SopEngine(clock, calendar_for)
    case = engine.start(sop, case_id="c1", tracking_no="DM-0000-0001", applicant=APPLICANT,
                        form=sample_form(sop), documents=required_documents(sop)).case
    for step_id, action in route_to(sop, "tiba_di_lokasi")[1:]:
        clock.now += timedelta(minutes=4)  # each step recorded a little late
        case = engine.act(sop, case, actor_for(sop, sop.step(step_id)), action).case
    assert case.step_id == "tiba_di_lokasi"
    assert case.step_entered_at == report + timedelta(minutes=12)
    assert case.step_due_at == report + timedelta(minutes=15)


def test_a_report_completed_later_restarts_the_arrival_count() -> None:
    """Returned to the caller for a clearer location, the 15 minutes run from the moment the
    completed report comes back."""
    sop = load("damkar-pelayanan-kebakaran")
    report = datetime(2026, 3, 20, 21, 0, tzinfo=JAKARTA)  # Nyepi eve, 24/7 anyway
    clock = _Clock(report)
    engine = SopEngine(clock, calendar_for)
    case = engine.start(sop, case_id="c2", tracking_no="DM-0000-0002", applicant=APPLICANT,
                        form=sample_form(sop), documents=required_documents(sop)).case
    petugas = actor_for(sop, sop.step("terima_laporan"))
    clock.now += timedelta(minutes=1)
    case = engine.act(sop, case, petugas, "minta_lengkapi", comment="Patokan lokasi?").case
    clock.now += timedelta(minutes=10)
    resubmitted = clock.now
    case = engine.act(sop, case, APPLICANT, "lengkapi", comment="Patokan: depan masjid").case
    for step_id, action in route_to(sop, "tiba_di_lokasi")[1:]:
        clock.now += timedelta(minutes=1)
        case = engine.act(sop, case, actor_for(sop, sop.step(step_id)), action).case
    assert case.step_due_at == resubmitted + timedelta(minutes=15)
