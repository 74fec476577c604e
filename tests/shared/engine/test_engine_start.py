"""Opening a case: submission, automatic first steps, invalid submissions.

Calendar facts used: see tests/shared/engine/scenarios.py.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from shared.calendar import calendar_for
from shared.engine.engine import SopEngine
from shared.engine.errors import (
    ActionNotAvailable,
    InvalidSubmission,
)
from shared.sop.loader import parse_sop
from shared.sop.model import SopDefinition
from tests.shared.engine.scenarios import _SECRET_NIK
from tests.shared.engine.sops import (
    DAMKAR,
    FLOW,
    KIA,
    OFFICER_FIRST,
    OWNER,
    REGISTRY,
    UMUM,
    FakeClock,
    Run,
    wib,
)


# ================================================================================ start ==
@pytest.mark.parametrize(
    ("sop", "submitted", "step", "due"),
    [
        # 10 menit from Fri 15:55; Friday closes 16:30 -> 16:05 the same day.
        pytest.param(KIA, wib(8, 14, 15, 55), "verifikasi_permohonan", wib(8, 14, 16, 5),
                     id="kia-friday-15:55"),
        # 5 min Fri (16:25-16:30), Sat, Sun, Mon 17 Aug closed -> Tue 18 Aug 07:35.
        pytest.param(KIA, wib(8, 14, 16, 25), "verifikasi_permohonan", wib(8, 18, 7, 35),
                     id="kia-across-17-august"),
        # Submitted Sat night: the clock starts Tue 18 Aug 07:30 -> 07:40.
        pytest.param(KIA, wib(8, 15, 20, 0), "verifikasi_permohonan", wib(8, 18, 7, 40),
                     id="kia-saturday-night"),
        # 5 min Tue 17 Mar (close 16:00), 18-24 Mar closed -> Wed 25 Mar 07:35.
        pytest.param(KIA, wib(3, 17, 15, 55), "verifikasi_permohonan", wib(3, 25, 7, 35),
                     id="kia-across-lebaran-cuti-bersama"),
        # Submitted on a cuti bersama day (Fri 20 Mar): counted from Wed 25 Mar 07:30.
        pytest.param(KIA, wib(3, 20, 10, 0), "verifikasi_permohonan", wib(3, 25, 7, 40),
                     id="kia-on-cuti-bersama"),
        # 1 jam from Thu 15:30: 30 min Thu + 30 min Fri -> Fri 14 Aug 08:00.
        pytest.param(FLOW, wib(8, 13, 15, 30), "verifikasi", wib(8, 14, 8, 0),
                     id="one-hour-over-night"),
        # 24x7: 15 menit from Sun 16 Aug 23:55 runs through midnight into the holiday.
        pytest.param(DAMKAR, wib(8, 16, 23, 55), "berangkat", wib(8, 17, 0, 10),
                     id="damkar-24x7-midnight-holiday"),
    ],
)
def test_start_submits_and_moves_to_the_second_step(
    sop: SopDefinition, submitted: datetime, step: str, due: datetime
) -> None:
    run = Run(sop, submitted)
    case = run.case
    assert (case.status, case.step_id, case.seq) == ("open", step, 1)
    assert case.step_entered_at == submitted
    assert case.step_due_at == due
    assert case.step_due_at is not None
    assert case.step_due_at.utcoffset() == timedelta(hours=7)
    assert case.created_at == case.updated_at == submitted
    assert case.applicant_id == OWNER.subject
    assert (case.sop_key, case.sop_version) == (sop.key, 1)
    (entry,) = run.started.entries
    assert entry.seq == 1
    assert entry.event == "case.submitted"
    assert entry.at == submitted
    assert entry.step_id == sop.start.id
    assert entry.action == sop.start.actions[0].name
    assert entry.next_step_id == step
    assert (entry.actor_id, entry.actor_role, entry.actor_agency) == (
        OWNER.subject, "pemohon", None)
    assert entry.status == "open"
    assert entry.due_at == due


def test_start_records_the_documents_sorted_and_without_duplicates() -> None:
    clock = FakeClock(wib(8, 12, 9, 0))
    engine = SopEngine(clock, calendar_for)
    done = engine.start(FLOW, case_id="c", tracking_no="t", applicant=OWNER,
                        form={"perihal": "Uji"}, documents=["lampiran", "ktp", "lampiran"])
    assert done.entries[0].documents == ("ktp", "lampiran")


@pytest.mark.parametrize(
    ("submitted", "due"),
    [
        # 1 hari kerja from Fri 14 Aug 09:00: Mon 17 Aug is a holiday -> Tue 18 Aug 09:00.
        pytest.param(wib(8, 14, 9, 0), wib(8, 18, 9, 0), id="across-17-august"),
        # From Tue 17 Mar 14:00 the next working day is Wed 25 Mar -> 14:00.
        pytest.param(wib(3, 17, 14, 0), wib(3, 25, 14, 0), id="across-lebaran"),
    ],
)
def test_start_runs_a_leading_automatic_step_then_the_submission(
    submitted: datetime, due: datetime
) -> None:
    run = Run(UMUM, submitted)
    system, submission = run.started.entries
    assert (system.seq, system.event, system.step_id, system.action, system.next_step_id) == (
        1, "case.step_completed", "konfigurasi_layanan", "terkonfigurasi", "pengajuan")
    assert (system.actor_id, system.actor_role, system.actor_agency) == (
        "system", "system", "semua-pd")
    assert (submission.seq, submission.event, submission.step_id, submission.next_step_id) == (
        2, "case.submitted", "pengajuan", "tindak_lanjut")
    assert submission.actor_id == OWNER.subject
    assert submission.due_at == due
    assert (run.case.status, run.case.step_id, run.case.step_due_at, run.case.seq) == (
        "open", "tindak_lanjut", due, 2)


def test_start_on_an_officer_first_step_opens_it_with_a_submission_entry() -> None:
    # 2 jam from Fri 14 Aug 15:00: 90 min Fri, then Tue 18 Aug 07:30 + 30 min -> 08:00.
    run = Run(OFFICER_FIRST, wib(8, 14, 15, 0))
    (entry,) = run.started.entries
    assert (entry.event, entry.step_id, entry.action, entry.next_step_id) == (
        "case.submitted", None, None, "pencatatan")
    assert entry.due_at == wib(8, 18, 8, 0)
    assert (run.case.step_id, run.case.step_due_at, run.case.seq) == (
        "pencatatan", wib(8, 18, 8, 0), 1)


def _two_ways_in() -> SopDefinition:
    return parse_sop({
        "key": "uji-dua-jalur", "title": "SOP UJI DUA JALUR", "agency": "disdukcapil",
        "service": "dukcapil",
        "steps": [
            {"id": "pengajuan", "actor": "pemohon", "kind": "applicant", "activity": "Ajukan",
             "actions": [{"name": "ajukan", "to": "biasa"},
                         {"name": "ajukan_kilat", "to": "kilat"}]},
            {"id": "biasa", "actor": "operator", "activity": "Biasa", "time": "1 jam",
             "actions": [{"name": "selesai", "to": "@completed"}]},
            {"id": "kilat", "actor": "operator", "activity": "Kilat", "time": "10 menit",
             "actions": [{"name": "selesai", "to": "@completed"}]},
        ],
    }, REGISTRY)


@pytest.mark.parametrize(
    ("action", "step", "due"),
    [
        pytest.param(None, "biasa", wib(8, 12, 10, 0), id="default-first-forward"),
        pytest.param("ajukan", "biasa", wib(8, 12, 10, 0), id="named-first"),
        pytest.param("ajukan_kilat", "kilat", wib(8, 12, 9, 10), id="named-second"),
    ],
)
def test_start_takes_the_submission_action_the_applicant_picks(
    action: str | None, step: str, due: datetime
) -> None:
    engine = SopEngine(FakeClock(wib(8, 12, 9, 0)), calendar_for)
    done = engine.start(_two_ways_in(), case_id="c", tracking_no="t", applicant=OWNER, form={},
                        action=action)
    assert (done.case.step_id, done.case.step_due_at) == (step, due)
    (entry,) = done.entries
    assert (entry.event, entry.action, entry.next_step_id) == (
        "case.submitted", action or "ajukan", step)


def test_start_refuses_a_submission_action_the_step_does_not_have() -> None:
    engine = SopEngine(FakeClock(wib(8, 12, 9, 0)), calendar_for)
    with pytest.raises(ActionNotAvailable) as raised:
        engine.start(_two_ways_in(), case_id="c", tracking_no="t", applicant=OWNER, form={},
                     action="tolak")
    assert raised.value.params == {"action": "tolak", "step": "pengajuan",
                                   "available": ["ajukan", "ajukan_kilat"]}




@pytest.mark.parametrize(
    ("sop", "form", "documents", "problems"),
    [
        pytest.param(KIA, {}, [], [
            {"field": "nik_anak", "problem": "required"},
            {"field": "nama_anak", "problem": "required"},
            {"field": "tanggal_lahir_anak", "problem": "required"},
            {"field": "nomor_kk", "problem": "required"},
            {"field": "pengambilan", "problem": "required"},
            {"field": "documents.berkas_persyaratan", "problem": "required"},
        ], id="kia-empty"),
        pytest.param(KIA, {
            "nik_anak": "18010101", "nama_anak": "   ", "tanggal_lahir_anak": "31-12-2024",
            "nomor_kk": 1801010101200002, "pengambilan": "dikirim_drone",
            "alamat": "Jl. Rahasia No. 7 Kalianda",
        }, ["ktp_orang_tua"], [
            {"field": "alamat", "problem": "unknown-field"},
            {"field": "nik_anak", "problem": "not-nik"},
            {"field": "nama_anak", "problem": "not-text"},
            {"field": "tanggal_lahir_anak", "problem": "not-date"},
            {"field": "nomor_kk", "problem": "not-kk"},
            {"field": "pengambilan", "problem": "not-a-choice"},
            {"field": "documents.ktp_orang_tua", "problem": "unknown-document"},
            {"field": "documents.berkas_persyaratan", "problem": "required"},
        ], id="kia-every-kind-of-bad-value"),
        pytest.param(FLOW, {"perihal": _SECRET_NIK, "jumlah": "dua"}, ["ktp"], [
            {"field": "jumlah", "problem": "not-integer"},
        ], id="flow-not-integer"),
        pytest.param(FLOW, {"perihal": "Uji", "jumlah": True, "catatan": _SECRET_NIK}, [], [
            {"field": "catatan", "problem": "unknown-field"},
            {"field": "jumlah", "problem": "not-integer"},
            {"field": "documents.ktp", "problem": "required"},
        ], id="flow-bool-is-not-integer"),
    ],
)
def test_start_refuses_an_invalid_submission_listing_every_problem_by_field_name(
    sop: SopDefinition, form: dict[str, object], documents: list[str],
    problems: list[dict[str, str]],
) -> None:
    engine = SopEngine(FakeClock(wib(8, 12, 9, 0)), calendar_for)
    with pytest.raises(InvalidSubmission) as raised:
        engine.start(sop, case_id="c", tracking_no="t", applicant=OWNER, form=form,
                     documents=documents)
    assert raised.value.problems == problems
    assert raised.value.params == {"problems": problems}
    field_names = {f.name for f in sop.form} | set(form) | {
        f"documents.{d}" for d in [*documents, *(d.key for d in sop.documents)]}
    for problem in raised.value.problems:
        assert set(problem) == {"field", "problem"}
        assert problem["field"] in field_names
    # No submitted value (possibly personal data) leaks into the problems or the message.
    text = repr(raised.value.problems) + str(raised.value)
    for value in form.values():
        if isinstance(value, str) and value.strip() and value not in field_names:
            assert value not in text
    assert str(1801010101200002) not in text
