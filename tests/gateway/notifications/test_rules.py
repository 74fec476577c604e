"""The recipient rules, pure: which groups hear about which event."""

from __future__ import annotations

from datetime import UTC, datetime

from gateway.notifications.rules import Target, targets
from shared.events.envelope import EventEnvelope, StepRef


def event(type_: str, current: StepRef | None = None, applicant: str | None = "warga",
          **data: object) -> EventEnvelope:
    return EventEnvelope(event_id="e", type=type_, source="umum", case_id="c",
                         tracking_no="UM-1", sop_key="s", sop_version=1, seq=1,
                         actor_role="operator", time=datetime(2026, 12, 1, tzinfo=UTC),
                         status="open", current=current, applicant=applicant, data=data)


STEP = StepRef(id="s2", role="kabid", agency="dpmd", kind="officer")


def test_applicant_and_queue() -> None:
    assert targets(event("case.submitted", STEP)) == [
        Target("applicant", "case.submitted", account="warga"),
        Target("officer", "case.submitted", scope=("dpmd", "kabid"))]


def test_closing_events_add_a_survey() -> None:
    for type_ in ("case.completed", "case.rejected", "case.expired"):
        assert [t.kind for t in targets(event(type_))] == ["status", "survey"]
    assert targets(event("case.withdrawn")) == []


def test_officer_only_and_supervisor_events() -> None:
    assert targets(event("case.step_completed", STEP)) == [
        Target("officer", "case.step_completed", scope=("dpmd", "kabid"))]
    external = StepRef(id="bkn", role="integrasi", agency="bkd", kind="external")
    assert targets(event("case.step_completed", external))[0].scope == ("bkd", "integrasi")
    automatic = StepRef(id="auto", role="system", agency="dpmd", kind="automatic")
    assert targets(event("case.step_completed", automatic)) == []
    assert targets(event("case.due_soon", STEP)) == [
        Target("officer", "case.due_soon", scope=("dpmd", "kabid"))]
    late = event("case.overdue", STEP, escalate_to={"agency": "dpmd", "role": "kepala_dinas",
                                                    "level": 1})
    assert targets(late) == [Target("supervisor", "case.overdue",
                                    scope=("dpmd", "kepala_dinas"))]
    assert targets(event("case.overdue", STEP)) == []  # no supervisor named: nobody


def test_without_an_applicant_only_officers_hear() -> None:
    assert targets(event("case.submitted", STEP, applicant=None)) == [
        Target("officer", "case.submitted", scope=("dpmd", "kabid"))]
    waiting = StepRef(id="terima", role="pemohon", agency=None, kind="applicant")
    assert targets(event("case.step_completed", waiting)) == [
        Target("applicant", "case.waiting_applicant", account="warga")]
