"""The 24x7 calendar, naive clocks, correction loops, immutability.

Calendar facts used: see tests/shared/engine/scenarios.py.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from shared.calendar import calendar_for
from shared.engine.engine import SopEngine
from shared.engine.errors import (
    ActionNotAvailable,
)
from tests.shared.engine.scenarios import (
    flow_at_verifikasi,
    kia_open,
)
from tests.shared.engine.sops import (
    CORRECTION,
    DAMKAR,
    FIREFIGHTER,
    FLOW,
    INTEGRATION,
    KABID,
    KADIS,
    OPERATOR,
    OWNER,
    Run,
    wib,
)


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
