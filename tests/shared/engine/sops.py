"""Definitions, principals and a settable clock shared by the engine tests.

The definitions are small SOPs written as plain data and parsed with the real loader and the
real agency registry, so every one of them has passed the validator. ``KIA`` and ``UMUM`` are
the real files from the services.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from shared.calendar import calendar_for
from shared.engine.engine import SopEngine
from shared.engine.state import CaseState, HistoryEntry, Principal, Transition
from shared.registry import load_registry
from shared.sop.loader import load_sop_file, parse_sop
from shared.sop.model import SopDefinition

WIB = ZoneInfo("Asia/Jakarta")
ROOT = Path(__file__).resolve().parents[3]
REGISTRY = load_registry()


def wib(month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    """A moment of 2026 on the Jakarta wall clock."""
    return datetime(2026, month, day, hour, minute, second, tzinfo=WIB)


class FakeClock:
    """A clock whose time the test sets; the engine calls it like ``datetime.now``."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def set(self, now: datetime) -> None:
        self.now = now

    def advance(self, amount: timedelta) -> None:
        self.now = self.now + amount


# -- principals ------------------------------------------------------------------------------
OWNER = Principal("warga-pemilik", frozenset({"citizen"}))
OTHER_CITIZEN = Principal("warga-lain", frozenset({"citizen"}))
OPERATOR = Principal("petugas-operator", frozenset({"disdukcapil:operator"}))
KABID = Principal("petugas-kabid", frozenset({"disdukcapil:kabid"}))
KADIS = Principal("petugas-kadis", frozenset({"disdukcapil:kepala_dinas"}))
INTEGRATION = Principal("siak-disdukcapil", frozenset({"disdukcapil:integrasi"}))
OTHER_AGENCY = Principal("petugas-damkar", frozenset({"damkar:operator"}))
OTHER_INTEGRATION = Principal("sistem-damkar", frozenset({"damkar:integrasi"}))
FIREFIGHTER = Principal("regu-piket", frozenset({"damkar:petugas_pemadam"}))
UMUM_OPERATOR = Principal("petugas-umum", frozenset({"semua-pd:operator"}))
UMUM_HEAD = Principal("kepala-umum", frozenset({"semua-pd:kepala_dinas"}))


# -- definitions -----------------------------------------------------------------------------
def flow_data() -> dict[str, Any]:
    """Every branch in one SOP: return (with and without deadline, with resume_at), reject,
    archive, an automatic step, a Ya/Tidak loop back and an external step."""
    return {
        "key": "uji-alur-lengkap",
        "title": "SOP UJI ALUR LENGKAP",
        "agency": "disdukcapil",
        "service": "dukcapil",
        "form": [
            {"name": "perihal", "label": "Perihal", "type": "string"},
            {"name": "jumlah", "label": "Jumlah", "type": "integer", "required": False},
        ],
        "documents": [
            {"key": "ktp", "label": "KTP"},
            {"key": "lampiran", "label": "Lampiran", "required": False},
        ],
        "steps": [
            {"id": "pengajuan", "actor": "pemohon", "kind": "applicant",
             "activity": "Pemohon mengajukan", "actions": [{"name": "ajukan", "to": "verifikasi"}]},
            {"id": "verifikasi", "actor": "operator", "activity": "Operator memverifikasi",
             "time": "1 jam", "actions": [
                 {"name": "lengkap", "to": "notifikasi"},
                 {"name": "kembalikan", "kind": "return", "deadline": "3 hari kerja",
                  "comment_required": True},
                 {"name": "tolak", "to": "@rejected", "comment_required": True},
                 {"name": "arsipkan", "to": "@archived"},
             ]},
            {"id": "notifikasi", "actor": "operator", "kind": "automatic",
             "activity": "Sistem mengirim notifikasi",
             "actions": [{"name": "kirim", "to": "pemeriksaan"}]},
            {"id": "pemeriksaan", "actor": "kabid", "activity": "Kabid memeriksa",
             "time": "2 jam", "actions": [
                 {"name": "ya", "label": "Sesuai", "to": "siak"},
                 {"name": "tidak", "label": "Perlu koreksi", "to": "verifikasi"},
                 {"name": "minta_data", "kind": "return"},
             ]},
            {"id": "siak", "actor": "operator", "kind": "external", "institution": "SIAK",
             "activity": "Pencatatan di SIAK", "time": "1 hari kerja",
             "actions": [{"name": "tercatat", "to": "tte"}]},
            {"id": "tte", "actor": "kepala_dinas", "activity": "Kadis membubuhkan TTE",
             "time": "30 menit", "actions": [
                 {"name": "tandatangani", "to": "@completed"},
                 {"name": "perbaiki", "kind": "return", "resume_at": "verifikasi",
                  "deadline": "2 hari kerja", "comment_required": True},
             ]},
        ],
    }


def damkar_data() -> dict[str, Any]:
    """An emergency SOP on the 24x7 calendar."""
    return {
        "key": "uji-damkar",
        "title": "SOP UJI DAMKAR",
        "agency": "damkar",
        "service": "damkar",
        "calendar": "24x7",
        "steps": [
            {"id": "laporan", "actor": "pemohon", "kind": "applicant", "activity": "Melapor",
             "actions": [{"name": "laporkan", "to": "berangkat"}]},
            {"id": "berangkat", "actor": "petugas_pemadam", "activity": "Regu berangkat",
             "time": "15 menit", "actions": [{"name": "tiba", "to": "@completed"}]},
        ],
    }


def officer_first_data() -> dict[str, Any]:
    """An SOP whose first step is an officer's (the officer records the request)."""
    return {
        "key": "uji-petugas-dulu",
        "title": "SOP UJI PETUGAS DULU",
        "agency": "disdukcapil",
        "service": "dukcapil",
        "steps": [
            {"id": "pencatatan", "actor": "operator", "activity": "Operator mencatat",
             "time": "2 jam", "actions": [{"name": "catat", "to": "@completed"}]},
        ],
    }


def correction_data() -> dict[str, Any]:
    """A Ya/Tidak correction loop back to the applicant's own step."""
    return {
        "key": "uji-koreksi-pemohon",
        "title": "SOP UJI KOREKSI PEMOHON",
        "agency": "disdukcapil",
        "service": "dukcapil",
        "form": [{"name": "perihal", "label": "Perihal", "type": "text"}],
        "steps": [
            {"id": "pengajuan", "actor": "pemohon", "kind": "applicant",
             "activity": "Pemohon mengajukan", "actions": [{"name": "ajukan", "to": "periksa"}]},
            {"id": "periksa", "actor": "operator", "activity": "Operator memeriksa",
             "time": "1 jam", "actions": [
                 {"name": "setuju", "label": "Ya", "to": "@completed"},
                 {"name": "perlu_koreksi", "label": "Tidak", "to": "pengajuan"},
             ]},
        ],
    }


KIA = load_sop_file(ROOT / "services/dukcapil/sops/dukcapil-kia-0-5-tahun.yaml", REGISTRY)
UMUM = load_sop_file(ROOT / "services/umum/sops/halo-lamsel-alur-umum.yaml", REGISTRY)
FLOW = parse_sop(flow_data(), REGISTRY)
DAMKAR = parse_sop(damkar_data(), REGISTRY)
OFFICER_FIRST = parse_sop(officer_first_data(), REGISTRY)
CORRECTION = parse_sop(correction_data(), REGISTRY)

VALID: dict[str, tuple[dict[str, object], tuple[str, ...]]] = {
    KIA.key: ({"nik_anak": "1801010101200001", "nama_anak": "Anak Uji",
               "tanggal_lahir_anak": "2024-05-01", "nomor_kk": "1801010101200002",
               "pengambilan": "ekspedisi"}, ("berkas_persyaratan",)),
    UMUM.key: ({"perihal": "Permohonan uji", "uraian": "Uraian permohonan uji"}, ()),
    FLOW.key: ({"perihal": "Permohonan uji", "jumlah": 2}, ("ktp",)),
    DAMKAR.key: ({}, ()),
    OFFICER_FIRST.key: ({}, ()),
    CORRECTION.key: ({"perihal": "Permohonan uji"}, ()),
}


class Run:
    """One case driven through the real engine with a fake clock; keeps the whole history."""

    def __init__(self, sop: SopDefinition, submitted_at: datetime,
                 applicant: Principal = OWNER) -> None:
        self.sop = sop
        self.clock = FakeClock(submitted_at)
        self.engine = SopEngine(self.clock, calendar_for)
        form, docs = VALID[sop.key]
        self.started = self.engine.start(sop, case_id="case-1", tracking_no="HL-UJI-0001",
                                         applicant=applicant, form=form, documents=docs)
        self.case: CaseState = self.started.case
        self.history: list[HistoryEntry] = list(self.started.entries)

    def _keep(self, done: Transition) -> Transition:
        self.case = done.case
        self.history += done.entries
        return done

    def act(self, who: Principal, action: str, at: datetime | None = None,
            **kwargs: Any) -> Transition:
        if at is not None:
            self.clock.set(at)
        return self._keep(self.engine.act(self.sop, self.case, who, action, **kwargs))

    def mark_overdue(self, at: datetime) -> Transition:
        self.clock.set(at)
        return self._keep(self.engine.mark_overdue(self.sop, self.case))

    def expire(self, at: datetime) -> Transition:
        self.clock.set(at)
        return self._keep(self.engine.expire(self.sop, self.case))

    def names(self, who: Principal) -> list[str]:
        return [o.name for o in self.engine.options(self.sop, self.case, who)]
