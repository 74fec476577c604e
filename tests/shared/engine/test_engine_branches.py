"""Every branch and rule of the SOP engine, table-driven, on real 2026 dates and real calendars.

Office hours (default): Mon–Thu 07:30–16:00, Fri 07:30–16:30, Asia/Jakarta. 2026 facts used:
Mon 17 Aug is Independence Day; Wed 18 Mar – Tue 24 Mar are all closed (Nyepi cuti bersama,
Nyepi, Idul Fitri cuti bersama, the weekend of Idul Fitri), so Tue 17 Mar -> Wed 25 Mar.
Every expected time is worked out by hand in the comment next to it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest

from shared.calendar import calendar_for
from shared.engine.engine import SopEngine
from shared.engine.errors import (
    ActionNotAvailable,
    CaseClosed,
    CommentRequired,
    EngineError,
    InvalidSubmission,
    NotCaseOwner,
    ResubmissionLate,
    RoleNotPermitted,
    WrongStep,
)
from shared.engine.state import ActionOption, Principal
from shared.sop.loader import parse_sop
from shared.sop.model import SopDefinition
from tests.shared.engine.sops import (
    CORRECTION,
    DAMKAR,
    FIREFIGHTER,
    FLOW,
    INTEGRATION,
    KABID,
    KADIS,
    KIA,
    OFFICER_FIRST,
    OPERATOR,
    OTHER_AGENCY,
    OTHER_CITIZEN,
    OTHER_INTEGRATION,
    OWNER,
    REGISTRY,
    UMUM,
    FakeClock,
    Run,
    flow_data,
    wib,
)

OFFICE = calendar_for("office")


# -- scenarios: a case brought to a known state ------------------------------------------------
def kia_open() -> Run:
    """KIA submitted Wed 12 Aug 10:00; at verifikasi_permohonan, due 10:10."""
    return Run(KIA, wib(8, 12, 10, 0))


def kia_at_berkas() -> Run:
    """KIA at verifikasi_berkas since Wed 12 Aug 10:05, due 10:15."""
    run = kia_open()
    run.act(OPERATOR, "teruskan", wib(8, 12, 10, 5))
    return run


def kia_returned() -> Run:
    """Returned Wed 12 Aug 10:09; deadline 3 hari kerja: Thu 13, Fri 14, Tue 18 -> 18 Aug 10:09."""
    run = kia_at_berkas()
    run.act(OPERATOR, "tidak_lengkap", wib(8, 12, 10, 9), comment="Akta kelahiran buram")
    return run


def kia_at_siak() -> Run:
    run = kia_at_berkas()
    run.act(OPERATOR, "lengkap", wib(8, 12, 10, 10))
    return run


def kia_at_penyerahan() -> Run:
    run = kia_at_siak()
    run.act(KABID, "sampaikan_ke_kadis", wib(8, 12, 10, 15))
    run.act(KADIS, "tte", wib(8, 12, 10, 30))
    return run


def kia_completed() -> Run:
    run = kia_at_penyerahan()
    run.act(OPERATOR, "serahkan", wib(8, 12, 11, 0))
    return run


def kia_withdrawn() -> Run:
    run = kia_open()
    run.act(OWNER, "batalkan", wib(8, 12, 10, 1))
    return run


def flow_at_verifikasi() -> Run:
    """FLOW submitted Wed 12 Aug 09:00; at verifikasi (1 jam), due 10:00."""
    return Run(FLOW, wib(8, 12, 9, 0))


def flow_at_pemeriksaan() -> Run:
    run = flow_at_verifikasi()
    run.act(OPERATOR, "lengkap", wib(8, 12, 9, 10))
    return run


def flow_at_siak() -> Run:
    """FLOW at the external siak step since Wed 12 Aug 09:20 (1 hari kerja: Thu 13 09:20)."""
    run = flow_at_pemeriksaan()
    run.act(KABID, "ya", wib(8, 12, 9, 20))
    return run


def flow_at_tte() -> Run:
    """FLOW at tte (30 menit) since Wed 12 Aug 10:00, due 10:30."""
    run = flow_at_siak()
    run.act(INTEGRATION, "tercatat", wib(8, 12, 10, 0))
    return run


def flow_rejected() -> Run:
    run = flow_at_verifikasi()
    run.act(OPERATOR, "tolak", wib(8, 12, 9, 30), comment="Bukan kewenangan Disdukcapil")
    return run


def correction_at_applicant() -> Run:
    """The operator sent the file back to the applicant's own step (Tidak)."""
    run = Run(CORRECTION, wib(8, 12, 9, 0))
    run.act(OPERATOR, "perlu_koreksi", wib(8, 12, 9, 30))
    return run


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


_SECRET_NIK = "9999888877776666"


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
            {"field": "nomor_kk", "problem": "not-nik"},
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


# ============================================================================== options ==
@pytest.mark.parametrize(
    ("scenario", "who", "expected"),
    [
        pytest.param(kia_open, OWNER, ["batalkan"], id="open-owner"),
        pytest.param(kia_open, OTHER_CITIZEN, [], id="open-other-citizen"),
        pytest.param(kia_open, OPERATOR, ["teruskan"], id="open-right-role"),
        pytest.param(kia_open, KABID, [], id="open-wrong-role"),
        pytest.param(kia_open, OTHER_AGENCY, [], id="open-other-agency"),
        pytest.param(kia_open, INTEGRATION, [], id="integration-on-officer-step"),
        pytest.param(flow_at_verifikasi, OPERATOR,
                     ["lengkap", "kembalikan", "tolak", "arsipkan"], id="every-branch"),
        pytest.param(flow_at_siak, INTEGRATION, ["tercatat"], id="external-integration"),
        pytest.param(flow_at_siak, OPERATOR, ["tercatat"], id="external-recording-officer"),
        pytest.param(flow_at_siak, OTHER_INTEGRATION, [], id="external-other-integration"),
        pytest.param(flow_at_siak, KABID, [], id="external-wrong-role"),
        pytest.param(flow_at_siak, OWNER, ["batalkan"], id="external-owner"),
        pytest.param(correction_at_applicant, OWNER, ["ajukan", "batalkan"],
                     id="applicant-step-owner"),
        pytest.param(correction_at_applicant, OPERATOR, [], id="applicant-step-officer"),
        pytest.param(correction_at_applicant, OTHER_CITIZEN, [], id="applicant-step-other"),
        pytest.param(kia_returned, OWNER, ["lengkapi", "batalkan"], id="returned-owner"),
        pytest.param(kia_returned, OPERATOR, [], id="returned-officer"),
        pytest.param(kia_returned, OTHER_CITIZEN, [], id="returned-other-citizen"),
        pytest.param(kia_completed, OWNER, [], id="completed-owner"),
        pytest.param(kia_completed, OPERATOR, [], id="completed-officer"),
        pytest.param(flow_rejected, OWNER, [], id="rejected-owner"),
        pytest.param(flow_rejected, OPERATOR, [], id="rejected-officer"),
        pytest.param(kia_withdrawn, OWNER, [], id="withdrawn-owner"),
    ],
)
def test_options_per_principal(
    scenario: Callable[[], Run], who: Principal, expected: list[str]
) -> None:
    assert scenario().names(who) == expected


def test_options_describe_each_action() -> None:
    run = flow_at_verifikasi()
    assert run.engine.options(run.sop, run.case, OPERATOR) == [
        ActionOption("verifikasi", "lengkap", "lengkap", "forward", "notifikasi"),
        ActionOption("verifikasi", "kembalikan", "kembalikan", "return", None),
        ActionOption("verifikasi", "tolak", "tolak", "forward", "@rejected"),
        ActionOption("verifikasi", "arsipkan", "arsipkan", "forward", "@archived"),
    ]
    assert run.engine.options(run.sop, run.case, OWNER) == [
        ActionOption("verifikasi", "batalkan", "Batalkan permohonan", "withdraw", None)]
    returned = kia_returned()
    assert returned.engine.options(returned.sop, returned.case, OWNER) == [
        ActionOption("verifikasi_berkas", "lengkapi", "Lengkapi berkas", "resubmit", None),
        ActionOption("verifikasi_berkas", "batalkan", "Batalkan permohonan", "withdraw", None),
    ]


def test_options_do_not_offer_resubmission_after_the_deadline() -> None:
    run = kia_returned()
    run.clock.set(wib(8, 18, 10, 10))  # one minute past the deadline (Tue 18 Aug 10:09)
    with pytest.raises(ResubmissionLate):
        run.engine.act(run.sop, run.case, OWNER, "lengkapi")
    assert run.names(OWNER) == ["batalkan"]


# ================================================================================== act ==
def test_forward_moves_to_the_next_step_with_a_fresh_due() -> None:
    run = kia_open()
    done = run.act(OPERATOR, "teruskan", wib(8, 12, 10, 4), comment="Masuk")
    case = done.case
    assert (case.status, case.step_id, case.seq) == ("open", "verifikasi_berkas", 2)
    assert (case.step_entered_at, case.step_due_at, case.updated_at) == (
        wib(8, 12, 10, 4), wib(8, 12, 10, 14), wib(8, 12, 10, 4))
    (entry,) = done.entries
    assert (entry.seq, entry.event, entry.step_id, entry.action, entry.next_step_id) == (
        2, "case.step_completed", "verifikasi_permohonan", "teruskan", "verifikasi_berkas")
    assert (entry.actor_id, entry.actor_role, entry.actor_agency) == (
        OPERATOR.subject, "operator", "disdukcapil")
    assert (entry.due_at, entry.comment, entry.status) == (wib(8, 12, 10, 14), "Masuk", "open")


@pytest.mark.parametrize(
    ("scenario", "who", "action", "comment", "status"),
    [
        pytest.param(kia_at_penyerahan, OPERATOR, "serahkan", None, "completed",
                     id="completed"),
        pytest.param(kia_at_siak, KABID, "tolak", "NIK tidak ada di SIAK", "rejected",
                     id="rejected-kia"),
        pytest.param(flow_at_verifikasi, OPERATOR, "tolak", "Bukan kewenangan", "rejected",
                     id="rejected-flow"),
        pytest.param(flow_at_verifikasi, OPERATOR, "arsipkan", None, "archived",
                     id="archived"),
        pytest.param(flow_at_tte, KADIS, "tandatangani", None, "completed",
                     id="completed-flow"),
    ],
)
def test_terminal_actions_close_the_case(
    scenario: Callable[[], Run], who: Principal, action: str, comment: str | None, status: str
) -> None:
    run = scenario()
    before = run.case
    closed_at = wib(8, 13, 9, 0)
    done = run.act(who, action, closed_at, comment=comment)
    case = done.case
    assert (case.status, case.is_open, case.closed_at, case.updated_at) == (
        status, False, closed_at, closed_at)
    assert (case.step_id, case.step_entered_at, case.step_due_at, case.overdue_at) == (
        None, None, None, None)
    assert case.seq == before.seq + 1
    (entry,) = done.entries
    assert (entry.event, entry.step_id, entry.action, entry.next_step_id, entry.status) == (
        f"case.{status}", before.step_id, action, None, status)
    assert entry.comment == comment


# -- return, resubmit, expire ------------------------------------------------------------------
def flow_returned() -> Run:
    """FLOW submitted Thu 13 Aug 15:40: verifikasi (1 jam) due Fri 14 Aug 08:10.

    Returned Thu 15:50: 10 min left Thu + 40 min Fri = 3000 s of office time; applicant deadline
    3 hari kerja: Fri 14, (Mon 17 holiday), Tue 18, Wed 19 -> Wed 19 Aug 15:50.
    """
    run = Run(FLOW, wib(8, 13, 15, 40))
    assert run.case.step_due_at == wib(8, 14, 8, 10)
    run.act(OPERATOR, "kembalikan", wib(8, 13, 15, 50), comment="KTP tidak terbaca")
    return run


def test_return_pauses_the_clock_and_sets_the_applicant_deadline() -> None:
    run = flow_returned()
    case = run.case
    assert (case.status, case.is_open, case.step_id, case.resume_step_id) == (
        "returned", True, "verifikasi", "verifikasi")
    assert case.paused_remaining_s == 3000
    assert case.applicant_due_at == wib(8, 19, 15, 50)
    entry = run.history[-1]
    assert (entry.seq, entry.event, entry.step_id, entry.action, entry.next_step_id) == (
        2, "case.returned", "verifikasi", "kembalikan", "verifikasi")
    assert (entry.due_at, entry.comment, entry.status, entry.actor_role) == (
        wib(8, 19, 15, 50), "KTP tidak terbaca", "returned", "operator")


def test_return_when_already_overdue_keeps_no_time() -> None:
    run = Run(FLOW, wib(8, 13, 15, 40))
    run.act(OPERATOR, "kembalikan", wib(8, 14, 9, 0), comment="Terlambat diperiksa")
    assert run.case.paused_remaining_s == 0
    run.act(OWNER, "lengkapi", wib(8, 14, 10, 0))
    assert run.case.step_due_at == wib(8, 14, 10, 0)


@pytest.mark.parametrize(
    ("resubmitted", "due"),
    [
        # 3000 s = 50 min of office time left, counted from the resubmission.
        pytest.param(wib(8, 14, 9, 0), wib(8, 14, 9, 50), id="next-morning"),
        pytest.param(wib(8, 15, 10, 0), wib(8, 18, 8, 20), id="saturday-then-17-aug"),
        pytest.param(wib(8, 17, 12, 0), wib(8, 18, 8, 20), id="on-independence-day"),
        # Tue closes 16:00: 30 min Tue + 20 min Wed.
        pytest.param(wib(8, 18, 15, 30), wib(8, 19, 7, 50), id="late-tuesday"),
        # Exactly at the deadline is still in time: 10 min Wed + 40 min Thu.
        pytest.param(wib(8, 19, 15, 50), wib(8, 20, 8, 10), id="at-the-deadline"),
    ],
)
def test_resubmit_in_time_resumes_with_the_remaining_office_time(
    resubmitted: datetime, due: datetime
) -> None:
    run = flow_returned()
    done = run.act(OWNER, "lengkapi", resubmitted, comment="Sudah diganti",
                   documents=["ktp"], form={"jumlah": 3})
    case = done.case
    assert (case.status, case.step_id, case.step_entered_at, case.step_due_at) == (
        "open", "verifikasi", resubmitted, due)
    assert (case.resume_step_id, case.paused_remaining_s, case.applicant_due_at) == (
        None, None, None)
    assert OFFICE.work_between(resubmitted, due) == timedelta(seconds=3000)
    (entry,) = done.entries
    assert (entry.seq, entry.event, entry.action, entry.step_id, entry.next_step_id) == (
        3, "case.resubmitted", "lengkapi", "verifikasi", "verifikasi")
    assert (entry.actor_id, entry.actor_role, entry.due_at, entry.documents) == (
        OWNER.subject, "pemohon", due, ("ktp",))


def test_resubmit_with_resume_at_goes_to_that_step_with_a_fresh_due() -> None:
    run = flow_at_tte()
    assert run.case.step_due_at == wib(8, 12, 10, 30)
    run.act(KADIS, "perbaiki", wib(8, 12, 10, 10), comment="Data perlu diverifikasi ulang")
    # Returned Wed 12 Aug 10:10 with 20 min left; 2 hari kerja -> Fri 14 Aug 10:10.
    assert (run.case.resume_step_id, run.case.paused_remaining_s) == ("verifikasi", 1200)
    assert run.case.applicant_due_at == wib(8, 14, 10, 10)
    done = run.act(OWNER, "lengkapi", wib(8, 13, 15, 30))
    # Fresh 1 jam at verifikasi from Thu 15:30: 30 min Thu + 30 min Fri -> Fri 14 Aug 08:00
    # (not the 20 minutes left at tte).
    assert (done.case.status, done.case.step_id, done.case.step_due_at) == (
        "open", "verifikasi", wib(8, 14, 8, 0))
    (entry,) = done.entries
    assert (entry.step_id, entry.next_step_id, entry.due_at) == (
        "tte", "verifikasi", wib(8, 14, 8, 0))


def test_resubmit_to_an_automatic_step_runs_it() -> None:
    data = flow_data()
    action = next(a for a in data["steps"][5]["actions"] if a["name"] == "perbaiki")
    action["resume_at"] = "notifikasi"  # notify, then back to the Kabid's check
    sop = parse_sop(data, REGISTRY)  # the validator accepts this definition
    run = Run(sop, wib(8, 12, 9, 0))
    run.act(OPERATOR, "lengkap", wib(8, 12, 9, 10))
    run.act(KABID, "ya", wib(8, 12, 9, 20))
    run.act(INTEGRATION, "tercatat", wib(8, 12, 10, 0))
    run.act(KADIS, "perbaiki", wib(8, 12, 10, 10), comment="Perlu dicek ulang")
    done = run.act(OWNER, "lengkapi", wib(8, 12, 11, 0))
    assert [e.event for e in done.entries] == ["case.resubmitted", "case.step_completed"]
    # 2 jam at pemeriksaan from Wed 11:00 -> 13:00.
    assert (done.case.step_id, done.case.step_due_at) == ("pemeriksaan", wib(8, 12, 13, 0))
    assert run.names(KABID) == ["ya", "tidak", "minta_data"]


def test_resubmit_after_the_deadline_is_refused() -> None:
    run = flow_returned()
    before = run.case
    with pytest.raises(ResubmissionLate) as raised:
        run.act(OWNER, "lengkapi", wib(8, 19, 15, 51))
    assert raised.value.params == {"deadline": wib(8, 19, 15, 50).isoformat()}
    assert run.case is before


@pytest.mark.parametrize(
    ("at", "expires"),
    [
        pytest.param(wib(8, 14, 9, 0), False, id="long-before"),
        pytest.param(wib(8, 19, 15, 50), False, id="at-the-deadline"),
        pytest.param(wib(8, 19, 15, 51), True, id="a-minute-after"),
        pytest.param(wib(8, 24, 8, 0), True, id="days-after"),
    ],
)
def test_expire_closes_only_after_the_deadline(at: datetime, expires: bool) -> None:
    run = flow_returned()
    before = run.case
    if not expires:
        with pytest.raises(ActionNotAvailable) as raised:
            run.expire(at)
        assert raised.value.params == {"action": "expire", "step": "verifikasi",
                                       "available": []}
        assert run.case is before
        return
    done = run.expire(at)
    case = done.case
    assert (case.status, case.closed_at, case.step_id, case.resume_step_id) == (
        "expired", at, None, None)
    assert (case.paused_remaining_s, case.applicant_due_at) == (None, None)
    assert case.outcome_reason == "Batas waktu melengkapi berkas terlewati"
    (entry,) = done.entries
    assert (entry.seq, entry.event, entry.step_id, entry.actor_id, entry.actor_role) == (
        3, "case.expired", "verifikasi", "system", "system")


def test_a_return_without_deadline_never_expires() -> None:
    run = flow_at_pemeriksaan()
    run.act(KABID, "minta_data", wib(8, 12, 9, 30))
    assert (run.case.status, run.case.applicant_due_at) == ("returned", None)
    with pytest.raises(ActionNotAvailable):
        run.expire(wib(12, 31, 23, 0))
    # Pemeriksaan (2 jam from 09:10, due 11:10) had 100 min left at 09:30.
    assert run.case.paused_remaining_s == 6000
    done = run.act(OWNER, "lengkapi", wib(12, 30, 8, 0))
    assert (done.case.step_id, done.case.step_due_at) == ("pemeriksaan", wib(12, 30, 9, 40))


@pytest.mark.parametrize(
    ("scenario", "step"),
    [
        pytest.param(kia_open, "verifikasi_permohonan", id="open"),
        pytest.param(kia_returned, "verifikasi_berkas", id="returned"),
        pytest.param(flow_at_siak, "siak", id="at-external-step"),
    ],
)
def test_owner_withdraws(scenario: Callable[[], Run], step: str) -> None:
    run = scenario()
    seq = run.case.seq
    done = run.act(OWNER, "batalkan", wib(8, 13, 8, 0), comment="Tidak jadi")
    case = done.case
    assert (case.status, case.closed_at, case.step_id, case.outcome_reason) == (
        "withdrawn", wib(8, 13, 8, 0), None, "Dibatalkan oleh pemohon")
    assert (case.resume_step_id, case.applicant_due_at, case.paused_remaining_s) == (
        None, None, None)
    (entry,) = done.entries
    assert (entry.seq, entry.event, entry.step_id, entry.actor_id, entry.actor_role) == (
        seq + 1, "case.withdrawn", step, OWNER.subject, "pemohon")
    assert entry.comment == "Tidak jadi"


# -- refusals: every one an EngineError with a stable code and a 4xx status ----------------
@pytest.mark.parametrize(
    ("scenario", "who", "action", "kwargs", "at", "error", "params"),
    [
        pytest.param(kia_open, OTHER_CITIZEN, "batalkan", {}, None, NotCaseOwner, {},
                     id="withdraw-by-other-citizen"),
        pytest.param(kia_open, OPERATOR, "batalkan", {}, None, NotCaseOwner, {},
                     id="withdraw-by-officer"),
        pytest.param(kia_returned, OPERATOR, "batalkan", {}, None, NotCaseOwner, {},
                     id="withdraw-returned-by-officer"),
        pytest.param(kia_returned, OPERATOR, "lengkapi", {}, None, NotCaseOwner, {},
                     id="resubmit-by-officer"),
        pytest.param(kia_returned, OTHER_CITIZEN, "lengkapi", {}, None, NotCaseOwner, {},
                     id="resubmit-by-other-citizen"),
        pytest.param(kia_returned, OPERATOR, "lengkap", {}, None, ActionNotAvailable,
                     {"action": "lengkap", "step": "verifikasi_berkas",
                      "available": ["lengkapi", "batalkan"]},
                     id="officer-action-while-returned"),
        pytest.param(kia_returned, OWNER, "lengkapi", {}, wib(8, 18, 10, 10), ResubmissionLate,
                     {"deadline": wib(8, 18, 10, 9).isoformat()}, id="resubmit-late"),
        pytest.param(kia_returned, OWNER, "lengkapi",
                     {"form": {"nik_anak": _SECRET_NIK[:10]}, "documents": ["surat_lain"]},
                     None, InvalidSubmission,
                     {"problems": [{"field": "nik_anak", "problem": "not-nik"},
                                   {"field": "documents.surat_lain",
                                    "problem": "unknown-document"}]},
                     id="resubmit-invalid"),
        pytest.param(kia_open, KABID, "teruskan", {}, None, RoleNotPermitted,
                     {"step": "verifikasi_permohonan", "role": "disdukcapil:operator"},
                     id="wrong-role"),
        pytest.param(kia_open, OTHER_AGENCY, "teruskan", {}, None, RoleNotPermitted,
                     {"step": "verifikasi_permohonan", "role": "disdukcapil:operator"},
                     id="other-agency"),
        pytest.param(kia_open, OWNER, "teruskan", {}, None, RoleNotPermitted,
                     {"step": "verifikasi_permohonan", "role": "disdukcapil:operator"},
                     id="citizen-on-officer-step"),
        pytest.param(kia_open, INTEGRATION, "teruskan", {}, None, RoleNotPermitted,
                     {"step": "verifikasi_permohonan", "role": "disdukcapil:operator"},
                     id="integration-on-officer-step"),
        pytest.param(flow_at_siak, OTHER_INTEGRATION, "tercatat", {}, None, RoleNotPermitted,
                     {"step": "siak", "role": "disdukcapil:operator"},
                     id="other-agency-integration-on-external-step"),
        pytest.param(correction_at_applicant, OPERATOR, "ajukan", {}, None, NotCaseOwner, {},
                     id="officer-on-applicant-step"),
        pytest.param(correction_at_applicant, OTHER_CITIZEN, "ajukan", {}, None, NotCaseOwner,
                     {}, id="other-citizen-on-applicant-step"),
        pytest.param(kia_open, OPERATOR, "setujui", {}, None, ActionNotAvailable,
                     {"action": "setujui", "step": "verifikasi_permohonan",
                      "available": ["teruskan"]}, id="unknown-action"),
        pytest.param(kia_open, OWNER, "lengkapi", {}, None, ActionNotAvailable,
                     {"action": "lengkapi", "step": "verifikasi_permohonan",
                      "available": ["teruskan"]}, id="resubmit-on-open-case"),
        pytest.param(kia_open, OPERATOR, "teruskan", {"expected_step": "verifikasi_berkas"},
                     None, WrongStep,
                     {"expected": "verifikasi_berkas", "current": "verifikasi_permohonan"},
                     id="expected-step-mismatch"),
        pytest.param(kia_completed, OPERATOR, "serahkan", {}, None, CaseClosed,
                     {"status": "completed"}, id="closed-completed"),
        pytest.param(kia_withdrawn, OWNER, "batalkan", {}, None, CaseClosed,
                     {"status": "withdrawn"}, id="closed-withdrawn"),
        pytest.param(flow_rejected, OWNER, "lengkapi", {}, None, CaseClosed,
                     {"status": "rejected"}, id="closed-rejected"),
        pytest.param(flow_at_verifikasi, OPERATOR, "tolak", {}, None, CommentRequired,
                     {"action": "tolak"}, id="comment-missing"),
        pytest.param(flow_at_verifikasi, OPERATOR, "tolak", {"comment": "  \n "}, None,
                     CommentRequired, {"action": "tolak"}, id="comment-blank"),
        pytest.param(kia_at_berkas, OPERATOR, "tidak_lengkap", {}, None, CommentRequired,
                     {"action": "tidak_lengkap"}, id="comment-missing-on-return"),
    ],
)
def test_refusals(
    scenario: Callable[[], Run], who: Principal, action: str, kwargs: dict[str, Any],
    at: datetime | None, error: type[EngineError], params: dict[str, Any],
) -> None:
    run = scenario()
    before, history = run.case, list(run.history)
    with pytest.raises(EngineError) as raised:
        run.act(who, action, at, **kwargs)
    assert type(raised.value) is error
    assert raised.value.params == params
    assert 400 <= raised.value.status < 500
    assert run.case is before
    assert run.history == history


@pytest.mark.parametrize(
    ("error", "code", "status"),
    [
        (CaseClosed, "case-closed", 409),
        (ActionNotAvailable, "action-not-available", 409),
        (WrongStep, "wrong-step", 409),
        (RoleNotPermitted, "role-not-permitted", 403),
        (NotCaseOwner, "not-case-owner", 403),
        (ResubmissionLate, "resubmission-late", 409),
        (CommentRequired, "comment-required", 422),
        (InvalidSubmission, "invalid-submission", 422),
    ],
)
def test_every_error_has_a_stable_code_and_a_4xx_status(
    error: type[EngineError], code: str, status: int
) -> None:
    assert issubclass(error, EngineError)
    assert (error.code, error.status) == (code, status)
    instance = error(problems=[]) if error is InvalidSubmission else error(step="x")
    assert str(instance).startswith(f"{code}: ")


# -- external, automatic ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("who", "role"),
    [pytest.param(INTEGRATION, "integrasi", id="integration-callback"),
     pytest.param(OPERATOR, "operator", id="officer-records-result")],
)
def test_external_step_is_completed_by_integration_or_recorded_by_officer(
    who: Principal, role: str
) -> None:
    run = flow_at_siak()
    assert run.case.step_due_at == wib(8, 13, 9, 20)
    done = run.act(who, "tercatat", wib(8, 12, 14, 0), expected_step="siak")
    (entry,) = done.entries
    assert (entry.actor_id, entry.actor_role, entry.actor_agency) == (
        who.subject, role, "disdukcapil")
    # tte is 30 menit: Wed 14:00 -> 14:30.
    assert (done.case.step_id, done.case.step_due_at) == ("tte", wib(8, 12, 14, 30))


def test_automatic_step_runs_after_a_forward_action() -> None:
    run = flow_at_verifikasi()
    done = run.act(OPERATOR, "lengkap", wib(8, 12, 15, 0))
    officer, system = done.entries
    assert (officer.seq, officer.step_id, officer.next_step_id, officer.due_at) == (
        2, "verifikasi", "notifikasi", None)
    assert (system.seq, system.event, system.step_id, system.action, system.next_step_id) == (
        3, "case.step_completed", "notifikasi", "kirim", "pemeriksaan")
    assert (system.actor_id, system.actor_role, system.actor_agency) == (
        "system", "system", "disdukcapil")
    # 2 jam from Wed 15:00: 60 min Wed + 60 min Thu -> Thu 13 Aug 08:30.
    assert system.due_at == wib(8, 13, 8, 30)
    assert (done.case.step_id, done.case.step_due_at, done.case.seq) == (
        "pemeriksaan", wib(8, 13, 8, 30), 3)


# -- overdue ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "at",
    [pytest.param(wib(8, 14, 15, 0), id="before-due"),
     pytest.param(wib(8, 14, 16, 5), id="exactly-at-due")],
)
def test_mark_overdue_is_refused_until_the_due_time_has_passed(at: datetime) -> None:
    run = Run(KIA, wib(8, 14, 15, 55))  # due Fri 16:05
    before = run.case
    with pytest.raises(ActionNotAvailable) as raised:
        run.mark_overdue(at)
    assert raised.value.params == {"action": "overdue", "step": "verifikasi_permohonan",
                                   "available": []}
    assert run.case is before


def test_mark_overdue_after_due_and_only_once_per_step() -> None:
    run = Run(KIA, wib(8, 14, 15, 55))  # due Fri 16:05
    done = run.mark_overdue(wib(8, 14, 16, 6))
    assert done.case.overdue_at == wib(8, 14, 16, 6)
    assert done.case.step_due_at == wib(8, 14, 16, 5)
    (entry,) = done.entries
    assert (entry.seq, entry.event, entry.step_id, entry.next_step_id, entry.due_at) == (
        2, "case.overdue", "verifikasi_permohonan", "verifikasi_permohonan", wib(8, 14, 16, 5))
    assert (entry.actor_id, entry.actor_role, entry.actor_agency, entry.action) == (
        "system", "system", "disdukcapil", None)
    with pytest.raises(ActionNotAvailable):
        run.mark_overdue(wib(8, 18, 9, 0))
    assert run.case.seq == 2
    # A new step starts with a clean slate: Tue 18 Aug 09:00 + 10 min.
    run.act(OPERATOR, "teruskan", wib(8, 18, 9, 0))
    assert (run.case.overdue_at, run.case.step_due_at) == (None, wib(8, 18, 9, 10))
    assert run.mark_overdue(wib(8, 18, 9, 11)).case.overdue_at == wib(8, 18, 9, 11)


@pytest.mark.parametrize(
    "scenario",
    [pytest.param(kia_returned, id="returned"), pytest.param(kia_completed, id="completed"),
     pytest.param(kia_withdrawn, id="withdrawn")],
)
def test_mark_overdue_refuses_cases_that_are_not_running(scenario: Callable[[], Run]) -> None:
    run = scenario()
    with pytest.raises(ActionNotAvailable):
        run.mark_overdue(wib(12, 1, 9, 0))


def test_24x7_calendar_counts_nights_and_holidays() -> None:
    # 15 menit from Sun 16 Aug 23:55 -> Mon 17 Aug (a holiday) 00:10.
    run = Run(DAMKAR, wib(8, 16, 23, 55))
    assert run.case.step_due_at == wib(8, 17, 0, 10)
    with pytest.raises(ActionNotAvailable):
        run.mark_overdue(wib(8, 17, 0, 10))
    done = run.act(FIREFIGHTER, "tiba", wib(8, 17, 0, 12))
    assert (done.case.status, done.case.closed_at) == ("completed", wib(8, 17, 0, 12))


def test_24x7_step_is_overdue_one_minute_late_on_a_holiday_night() -> None:
    run = Run(DAMKAR, wib(8, 16, 23, 55))
    done = run.mark_overdue(wib(8, 17, 0, 11))
    assert done.case.overdue_at == wib(8, 17, 0, 11)
    assert done.entries[0].actor_agency == "damkar"


def test_engine_refuses_a_naive_clock() -> None:
    engine = SopEngine(lambda: datetime(2026, 8, 12, 9, 0), calendar_for)
    form, docs = {"perihal": "Uji"}, ["ktp"]
    with pytest.raises(ValueError, match="timezone-aware"):
        engine.start(FLOW, case_id="c", tracking_no="t", applicant=OWNER, form=form,
                     documents=docs)


# -- correction loops ------------------------------------------------------------------------
def test_ya_tidak_loop_back_to_an_earlier_step_works_repeatedly() -> None:
    run = flow_at_verifikasi()
    t = wib(8, 12, 9, 0)
    for round_ in range(3):
        t += timedelta(minutes=10)
        run.act(OPERATOR, "lengkap", t)
        assert run.case.step_id == "pemeriksaan"
        t += timedelta(minutes=10)
        run.act(KABID, "tidak", t, comment=f"Koreksi ke-{round_ + 1}")
        assert (run.case.step_id, run.case.step_entered_at) == ("verifikasi", t)
        assert run.case.step_due_at == t + timedelta(hours=1)  # within Wednesday's hours
    run.act(OPERATOR, "lengkap", wib(8, 12, 11, 0))
    run.act(KABID, "ya", wib(8, 12, 11, 10))
    run.act(INTEGRATION, "tercatat", wib(8, 12, 11, 20))
    run.act(KADIS, "tandatangani", wib(8, 12, 11, 30))
    assert run.case.status == "completed"
    path = [(e.step_id, e.next_step_id) for e in run.history]
    loop = [("verifikasi", "notifikasi"), ("notifikasi", "pemeriksaan"),
            ("pemeriksaan", "verifikasi")]
    assert path == [("pengajuan", "verifikasi"), *loop * 3,
                    ("verifikasi", "notifikasi"), ("notifikasi", "pemeriksaan"),
                    ("pemeriksaan", "siak"), ("siak", "tte"), ("tte", None)]
    assert [e.seq for e in run.history] == list(range(1, 16))
    assert run.case.seq == 15


def test_correction_loop_back_to_the_applicant_step() -> None:
    run = Run(CORRECTION, wib(8, 12, 9, 0))
    for hour in (10, 11):
        run.act(OPERATOR, "perlu_koreksi", wib(8, 12, hour, 0), comment="Perbaiki perihal")
        assert (run.case.step_id, run.case.step_due_at) == ("pengajuan", None)
        assert run.names(OWNER) == ["ajukan", "batalkan"]
        done = run.act(OWNER, "ajukan", wib(8, 12, hour, 30))
        assert done.entries[0].event == "case.step_completed"
        assert done.entries[0].actor_role == "pemohon"
        assert (run.case.step_id, run.case.step_due_at) == (
            "periksa", wib(8, 12, hour + 1, 30))
    run.act(OPERATOR, "setuju", wib(8, 12, 12, 0))
    assert (run.case.status, run.case.seq) == ("completed", 6)


def test_the_engine_does_not_change_the_state_it_is_given() -> None:
    run = kia_open()
    before = run.case
    snapshot = (before.status, before.step_id, before.step_due_at, before.seq)
    run.act(OPERATOR, "teruskan", wib(8, 12, 10, 5))
    assert (before.status, before.step_id, before.step_due_at, before.seq) == snapshot
    assert run.case is not before
