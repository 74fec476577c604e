"""What a return asks for and what the resubmission must bring; the rejection reason on the
case; the reminder before a due time; two escalation levels; automatic confirmation of
receipt. Real 2026 calendar dates (national holidays and cuti bersama included)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from shared.engine.engine import SopEngine
from shared.engine.errors import ActionNotAvailable
from shared.engine.resubmission import (
    Requested,
    RequestNotAccepted,
    ResubmissionIncomplete,
    UnknownRequested,
)
from shared.engine.state import Escalation
from shared.engine.timed import AUTO_COMPLETE_NOTE
from tests.shared.engine.scenarios import kia_at_berkas, kia_at_siak, kia_open
from tests.shared.engine.sops import KABID, OPERATOR, OWNER, FakeClock, calendar_for, wib
from tests.support.sops import actor_for, route_to, sample_form, spot_sop

J = ZoneInfo("Asia/Jakarta")


def test_a_return_names_what_the_resubmission_must_bring() -> None:
    run = kia_at_berkas()
    done = run.act(OPERATOR, "tidak_lengkap", wib(8, 12, 10, 9), comment="Akta buram",
                   requested=Requested(documents=("berkas_persyaratan",),
                                       fields=("nama_anak", "nama_anak")))
    assert run.case.return_reason == "Akta buram"
    assert run.case.requested_documents == ("berkas_persyaratan",)
    assert run.case.requested_fields == ("nama_anak",)  # duplicates dropped
    assert done.entries[0].data == {"requested": {"documents": ["berkas_persyaratan"],
                                                  "fields": ["nama_anak"]}}
    # A comment alone does not bring the document and the name asked for.
    with pytest.raises(ResubmissionIncomplete) as refused:
        run.act(OWNER, "lengkapi", wib(8, 13, 9, 0), comment="sudah")
    assert refused.value.params == {"missing": "berkas_persyaratan, nama_anak"}
    with pytest.raises(ResubmissionIncomplete) as refused:
        run.act(OWNER, "lengkapi", wib(8, 13, 9, 0), documents=["berkas_persyaratan"])
    assert refused.value.params == {"missing": "nama_anak"}
    assert run.case.status == "returned"
    run.act(OWNER, "lengkapi", wib(8, 13, 9, 0), documents=["berkas_persyaratan"],
            form={"nama_anak": "Siti Aminah"})
    assert run.case.status == "open"
    assert (run.case.return_reason, run.case.requested_documents,
            run.case.requested_fields) == (None, (), ())


def test_a_return_that_names_nothing_still_needs_an_answer() -> None:
    run = kia_at_berkas()
    run.act(OPERATOR, "tidak_lengkap", wib(8, 12, 10, 9), comment="Hubungi kami")
    with pytest.raises(ResubmissionIncomplete):
        run.act(OWNER, "lengkapi", wib(8, 13, 9, 0))
    with pytest.raises(ResubmissionIncomplete):
        run.act(OWNER, "lengkapi", wib(8, 13, 9, 0), comment="   ")
    run.act(OWNER, "lengkapi", wib(8, 13, 9, 0), comment="Sudah saya telepon")
    assert run.case.status == "open"


def test_requested_items_are_checked_against_the_sop() -> None:
    run = kia_at_berkas()
    with pytest.raises(UnknownRequested) as refused:
        run.act(OPERATOR, "tidak_lengkap", comment="x",
                requested=Requested(documents=("ktp_ayah",), fields=("alamat",)))
    assert refused.value.params == {"items": "ktp_ayah, alamat"}
    with pytest.raises(RequestNotAccepted):
        run.act(OPERATOR, "lengkap", requested=Requested(documents=("berkas_persyaratan",)))
    assert run.case.status == "open" and run.case.step_id == "verifikasi_berkas"


def test_a_rejection_keeps_its_reason_on_the_case() -> None:
    run = kia_at_siak()
    run.act(KABID, "tolak", wib(8, 12, 10, 15), comment="  Data tidak sesuai SIAK ")
    assert (run.case.status, run.case.outcome_reason) == ("rejected", "Data tidak sesuai SIAK")


def test_the_holders_are_reminded_once_before_the_due_time() -> None:
    run = kia_open()  # at verifikasi_permohonan since Wed 12 Aug 10:00, due 10:10
    assert run.case.remind_at == wib(8, 12, 10, 8)  # 80 % of the ten minutes
    run.clock.set(wib(8, 12, 10, 7))
    with pytest.raises(ActionNotAvailable):
        run.engine.remind(run.sop, run.case)
    run.clock.set(wib(8, 12, 10, 8))
    done = run.engine.remind(run.sop, run.case)
    assert [e.event for e in done.entries] == ["case.due_soon"]
    assert done.entries[0].actor_role == "system" and done.case.remind_at is None
    with pytest.raises(ActionNotAvailable):
        run.engine.remind(run.sop, done.case)
    # The next step gets a reminder of its own.
    run.case = done.case
    run.act(OPERATOR, "teruskan", wib(8, 12, 10, 9))
    assert run.case.remind_at == wib(8, 12, 10, 17)


def test_two_escalation_levels_on_the_december_2026_calendar() -> None:
    clock = FakeClock(datetime(2026, 12, 23, 15, 50, tzinfo=J))  # Wednesday
    engine = SopEngine(clock, calendar_for)
    sop = spot_sop("dukcapil", "dukcapil-kia-0-5-tahun")
    case = engine.start(sop, case_id="c", tracking_no="DK-UJI0-0001", applicant=OWNER,
                        form={"nik_anak": "1801014505240001", "nama_anak": "Siti",
                              "tanggal_lahir_anak": "2024-05-05",
                              "nomor_kk": "1801012202200003", "pengambilan": "ambil_di_mpp"},
                        documents=["berkas_persyaratan"]).case
    assert case.step_due_at == datetime(2026, 12, 23, 16, 0, tzinfo=J)  # 10 office minutes
    clock.set(datetime(2026, 12, 23, 16, 5, tzinfo=J))
    to_kabid = Escalation("disdukcapil", "kabid", next_role="kepala_dinas",
                          next_after="1 hari kerja")
    done = engine.mark_overdue(sop, case, to_kabid)
    case = done.case
    assert done.entries[0].data == {"escalate_to": {"agency": "disdukcapil", "role": "kabid",
                                                    "level": 1}}
    assert (case.escalation_level, case.escalated_agency, case.escalated_role) == (
        1, "disdukcapil", "kabid")
    # 16:05 Wednesday is after closing. Thursday 24 Dec is cuti bersama, Friday 25 Christmas,
    # then the weekend: the working day runs Monday 28 Dec 07:30 to Tuesday 29 Dec 07:30.
    assert case.escalate_next_at == datetime(2026, 12, 29, 7, 30, tzinfo=J)
    clock.set(datetime(2026, 12, 29, 7, 29, tzinfo=J))
    with pytest.raises(ActionNotAvailable):
        engine.escalate(sop, case, "disdukcapil", "kepala_dinas")
    clock.set(datetime(2026, 12, 29, 7, 30, tzinfo=J))
    done = engine.escalate(sop, case, "disdukcapil", "kepala_dinas")
    case = done.case
    assert [e.event for e in done.entries] == ["case.escalated"]
    assert done.entries[0].data["escalate_to"] == {"agency": "disdukcapil",
                                                   "role": "kepala_dinas", "level": 2}
    assert (case.escalation_level, case.escalated_role, case.escalated2_role,
            case.escalate_next_at) == (2, "kabid", "kepala_dinas", None)
    with pytest.raises(ActionNotAvailable):
        engine.escalate(sop, case, "disdukcapil", "kepala_dinas")  # once
    # The operator finally acts: the case leaves the late step and every escalation with it.
    moved = engine.act(sop, case, OPERATOR, "teruskan").case
    assert (moved.escalation_level, moved.escalated_role, moved.escalated2_role,
            moved.overdue_at) == (0, None, None, None)


def test_a_silent_applicant_confirms_receipt_after_ten_working_days() -> None:
    sop = spot_sop("perizinan", "dishub-numpang-uji-keluar")
    clock = FakeClock(datetime(2026, 12, 17, 9, 0, tzinfo=J))  # Thursday
    engine = SopEngine(clock, calendar_for)
    case = engine.start(sop, case_id="c", tracking_no="PZ-UJI0-0001", applicant=OWNER,
                        form=sample_form(sop),
                        documents=[d.key for d in sop.documents if d.required]).case
    for step, action in route_to(sop, "penerimaan")[1:]:
        clock.set(datetime(2026, 12, 17, 10, 0, tzinfo=J))
        case = engine.act(sop, case, actor_for(sop, sop.step(step)), action).case
    assert case.step_id == "penerimaan"
    # Entered Thu 17 Dec 10:00. Working days: Fri 18, Mon 21, Tue 22, Wed 23 (4); 24 Dec cuti
    # bersama and 25 Dec Christmas; Mon 28, Tue 29, Wed 30, Thu 31 (8); 1 Jan 2027 New Year;
    # Mon 4 Jan (9); Tue 5 Jan Isra Mi'raj; Wed 6 Jan (10).
    assert case.auto_complete_at == datetime(2027, 1, 6, 10, 0, tzinfo=J)
    clock.set(datetime(2027, 1, 6, 9, 59, tzinfo=J))
    with pytest.raises(ActionNotAvailable):
        engine.auto_complete(sop, case)
    clock.set(datetime(2027, 1, 6, 10, 0, tzinfo=J))
    done = engine.auto_complete(sop, case)
    assert done.case.status == "completed" and done.case.auto_complete_at is None
    (entry,) = done.entries
    assert (entry.event, entry.actor_role, entry.step_id, entry.comment, entry.data) == (
        "case.completed", "system", "penerimaan", AUTO_COMPLETE_NOTE, {"auto": True})


def test_only_receipt_confirmations_complete_by_themselves() -> None:
    run = kia_open()
    assert run.case.auto_complete_at is None
    run.clock.set(wib(12, 31, 10, 0))
    with pytest.raises(ActionNotAvailable):
        run.engine.auto_complete(run.sop, run.case)
