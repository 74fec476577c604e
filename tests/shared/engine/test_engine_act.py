"""Options and actions: forward, terminal, return/resubmit/expire, withdraw.

Calendar facts used: see tests/shared/engine/scenarios.py.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest

from shared.engine.errors import (
    ActionNotAvailable,
    ResubmissionLate,
)
from shared.engine.resubmission import Requested
from shared.engine.state import ActionOption, Item, Items, Principal
from shared.sop.loader import parse_sop
from tests.shared.engine.scenarios import (
    OFFICE,
    correction_at_applicant,
    flow_at_pemeriksaan,
    flow_at_siak,
    flow_at_tte,
    flow_at_verifikasi,
    flow_rejected,
    kia_at_berkas,
    kia_at_penyerahan,
    kia_at_siak,
    kia_completed,
    kia_open,
    kia_returned,
    kia_withdrawn,
)
from tests.shared.engine.sops import (
    FLOW,
    INTEGRATION,
    KABID,
    KADIS,
    OPERATOR,
    OTHER_AGENCY,
    OTHER_CITIZEN,
    OTHER_INTEGRATION,
    OWNER,
    REGISTRY,
    Run,
    flow_data,
    wib,
)


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


FLOW_ITEMS = Items(documents=(Item("ktp", "KTP"), Item("lampiran", "Lampiran")),
                   fields=(Item("perihal", "Perihal"), Item("jumlah", "Jumlah")))


def test_options_describe_each_action() -> None:
    run = flow_at_verifikasi()
    assert run.engine.options(run.sop, run.case, OPERATOR) == [
        ActionOption("verifikasi", "lengkap", "lengkap", "forward", "notifikasi"),
        ActionOption("verifikasi", "kembalikan", "kembalikan", "return", None,
                     comment_required=True, deadline="3 hari kerja", requestable=FLOW_ITEMS),
        ActionOption("verifikasi", "tolak", "tolak", "forward", "@rejected",
                     comment_required=True),
        ActionOption("verifikasi", "arsipkan", "arsipkan", "forward", "@archived"),
    ]
    assert run.engine.options(run.sop, run.case, OWNER) == [
        ActionOption("verifikasi", "batalkan", "Batalkan permohonan", "withdraw", None)]
    returned = kia_returned()
    kia_all = Items(
        documents=(Item("berkas_persyaratan", "Berkas persyaratan (akta kelahiran, KK)"),
                   Item("pas_foto", "Pas foto anak (opsional di bawah 5 tahun)")),
        fields=tuple(Item(f.name, f.label) for f in returned.sop.form))
    assert returned.engine.options(returned.sop, returned.case, OWNER) == [
        ActionOption("verifikasi_berkas", "lengkapi", "Lengkapi berkas", "resubmit", None,
                     requires=Items(), accepts=kia_all),
        ActionOption("verifikasi_berkas", "batalkan", "Batalkan permohonan", "withdraw", None),
    ]


def test_resubmission_option_names_what_the_return_asked_for() -> None:
    run = kia_at_berkas()
    run.act(OPERATOR, "tidak_lengkap", wib(8, 12, 10, 9), comment="Akta buram",
            requested=Requested(("berkas_persyaratan",), ("nama_anak",)))
    resubmit = run.engine.options(run.sop, run.case, OWNER)[0]
    assert resubmit.name == "lengkapi"
    assert resubmit.requires == Items(
        documents=(Item("berkas_persyaratan", "Berkas persyaratan (akta kelahiran, KK)", True),),
        fields=(Item("nama_anak", "Nama anak", True),))


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
    run.act(OWNER, "lengkapi", wib(8, 14, 10, 0), comment="Sudah dilengkapi")
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
    done = run.act(OWNER, "lengkapi", wib(8, 13, 15, 30), comment="Sudah dilengkapi")
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
    done = run.act(OWNER, "lengkapi", wib(8, 12, 11, 0), comment="Sudah dilengkapi")
    assert [e.event for e in done.entries] == ["case.resubmitted", "case.step_completed"]
    # 2 jam at pemeriksaan from Wed 11:00 -> 13:00.
    assert (done.case.step_id, done.case.step_due_at) == ("pemeriksaan", wib(8, 12, 13, 0))
    assert run.names(KABID) == ["ya", "tidak", "minta_data"]


def test_resubmit_after_the_deadline_is_refused() -> None:
    run = flow_returned()
    before = run.case
    with pytest.raises(ResubmissionLate) as raised:
        run.act(OWNER, "lengkapi", wib(8, 19, 15, 51), comment="Sudah dilengkapi")
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
    done = run.act(OWNER, "lengkapi", wib(12, 30, 8, 0), comment="Sudah dilengkapi")
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
