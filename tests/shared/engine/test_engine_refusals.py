"""Refusals, external and automatic steps, overdue marking.

Calendar facts used: see tests/shared/engine/scenarios.py.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from shared.engine.errors import (
    ActionNotAvailable,
    CaseClosed,
    CommentRequired,
    EngineError,
    FormNotAccepted,
    InvalidSubmission,
    NotCaseOwner,
    ResubmissionLate,
    RoleNotPermitted,
    WrongStep,
)
from shared.engine.state import Principal
from tests.shared.engine.scenarios import (
    _SECRET_NIK,
    correction_at_applicant,
    flow_at_siak,
    flow_at_verifikasi,
    flow_rejected,
    kia_at_berkas,
    kia_completed,
    kia_open,
    kia_returned,
    kia_withdrawn,
)
from tests.shared.engine.sops import (
    INTEGRATION,
    KABID,
    KIA,
    OPERATOR,
    OTHER_AGENCY,
    OTHER_CITIZEN,
    OTHER_INTEGRATION,
    OWNER,
    Run,
    wib,
)


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
        pytest.param(kia_open, OPERATOR, "teruskan", {"form": {"nik_anak": "xx"}}, None,
                     FormNotAccepted, {"action": "teruskan"}, id="form-on-officer-action"),
        pytest.param(kia_open, OWNER, "batalkan", {"form": {"bogus": [1, 2]}}, None,
                     FormNotAccepted, {"action": "batalkan"}, id="form-on-withdraw"),
        pytest.param(correction_at_applicant, OWNER, "ajukan", {"form": {"x": "y"}}, None,
                     FormNotAccepted, {"action": "ajukan"}, id="form-on-applicant-step"),
        pytest.param(kia_open, OTHER_AGENCY, "teruskan", {"form": {"x": "y"}}, None,
                     RoleNotPermitted,
                     {"step": "verifikasi_permohonan", "role": "disdukcapil:operator"},
                     id="form-by-unauthorised-says-unauthorised"),
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
        (FormNotAccepted, "form-not-accepted", 422),
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


def test_a_late_step_returned_and_resubmitted_is_not_flagged_twice() -> None:
    run = kia_at_berkas()  # at verifikasi_berkas since Wed 12 Aug 10:05, due 10:15
    assert run.mark_overdue(wib(8, 12, 10, 20)).case.overdue_at == wib(8, 12, 10, 20)
    run.act(OPERATOR, "tidak_lengkap", wib(8, 12, 10, 25), comment="Akta kelahiran buram")
    assert run.case.paused_remaining_s == 0
    run.act(OWNER, "lengkapi", wib(8, 13, 9, 0), comment="Sudah dilengkapi")
    assert (run.case.step_id, run.case.overdue_at) == ("verifikasi_berkas", wib(8, 12, 10, 20))
    seq = run.case.seq
    with pytest.raises(ActionNotAvailable):
        run.mark_overdue(wib(8, 13, 9, 30))
    assert run.case.seq == seq
    # Returned in time and resubmitted: the step had time left and is flagged when it runs out.
    fresh = kia_at_berkas()
    fresh.act(OPERATOR, "tidak_lengkap", wib(8, 12, 10, 9), comment="Akta kelahiran buram")
    fresh.act(OWNER, "lengkapi", wib(8, 13, 9, 0), comment="Sudah dilengkapi")
    assert fresh.case.overdue_at is None and fresh.case.step_due_at == wib(8, 13, 9, 6)
    assert fresh.mark_overdue(wib(8, 13, 9, 7)).case.overdue_at == wib(8, 13, 9, 7)


@pytest.mark.parametrize(
    "scenario",
    [pytest.param(kia_returned, id="returned"), pytest.param(kia_completed, id="completed"),
     pytest.param(kia_withdrawn, id="withdrawn")],
)
def test_mark_overdue_refuses_cases_that_are_not_running(scenario: Callable[[], Run]) -> None:
    run = scenario()
    with pytest.raises(ActionNotAvailable):
        run.mark_overdue(wib(12, 1, 9, 0))
