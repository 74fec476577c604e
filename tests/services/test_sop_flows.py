"""Drives every SOP to a terminal state through its main path and through each branch,
acting at each step as the role the step names (bringing the fields and documents an officer
action declares), and checks the history, the outcome and every step's due time against the
business calendar.

The engine is pure, so all 113 definitions and all their branches run in seconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from shared.calendar.business import calendar_for
from shared.engine.engine import RESUBMIT, SopEngine
from shared.engine.state import CaseState, HistoryEntry
from shared.sop.model import SopDefinition
from tests.support.sops import (
    APPLICANT,
    actor_for,
    all_sops,
    branches,
    engine_inputs,
    required_documents,
    route_to,
    sample_form,
)

JAKARTA = ZoneInfo("Asia/Jakarta")
START = datetime(2026, 8, 14, 9, 0, tzinfo=JAKARTA)
"""A Friday before the 17 August holiday: due times must cross the weekend and the holiday."""
MAX_STEPS = 80


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


def _cases() -> list[tuple[str, str, str]]:
    out = []
    for sops in all_sops().values():
        for sop in sops:
            out += [(sop.key, step, action) for step, action in branches(sop)]
    return out


def _sop(key: str) -> SopDefinition:
    return next(s for sops in all_sops().values() for s in sops if s.key == key)


def _check_due(sop: SopDefinition, entries: tuple[HistoryEntry, ...]) -> None:
    """Each step's due time from its standard time and calendar, counted from the step's
    start, or from the applicant's last (re)submission for ``time_from: submitted``."""
    submitted = None
    for entry in entries:
        if entry.event in ("case.submitted", "case.resubmitted"):
            submitted = entry.at
        if entry.event not in ("case.submitted", "case.step_completed", "case.resubmitted"):
            continue
        if entry.next_step_id is None or entry.event == "case.resubmitted":
            continue
        step = sop.step(entry.next_step_id)
        std = step.standard_time()
        start = submitted if step.time_from == "submitted" and submitted else entry.at
        expected = (calendar_for(sop.calendar_of(step)).due(start, std)
                    if std is not None else None)
        assert entry.due_at == expected, (sop.key, step.id)


def _finish(engine: SopEngine, sop: SopDefinition, case: CaseState, clock: Clock,
            log: list[HistoryEntry]) -> CaseState:
    """Follow forward actions (preferring unvisited steps, then completion) to a terminal."""
    visits: dict[str, int] = {}
    for _ in range(MAX_STEPS):
        if not case.is_open:
            return case
        clock.now += timedelta(minutes=7)
        step = sop.step(case.step_id or "")
        visits[step.id] = visits.get(step.id, 0) + 1
        forward = [a for a in step.actions if a.kind == "forward"]
        fresh = [a for a in forward if a.to and not a.to.startswith("@")
                 and visits.get(a.to, 0) == 0]
        chosen = (next((a for a in forward if a.to == "@completed"), None)
                  or (fresh[0] if fresh else None) or
                  next((a for a in forward if a.terminal), None) or forward[0])
        done = engine.act(sop, case, actor_for(sop, step), chosen.name,
                          comment="uji" if chosen.comment_required else None,
                          **engine_inputs(sop, step.id, chosen.name))
        log += done.entries
        case = done.case
    raise AssertionError(f"{sop.key}: no terminal state after {MAX_STEPS} steps")


@pytest.mark.parametrize(("key", "step_id", "action"), _cases())
def test_every_branch_reaches_a_terminal_state(key: str, step_id: str, action: str) -> None:
    sop = _sop(key)
    clock = Clock(START)
    engine = SopEngine(clock, calendar_for)
    probe = engine.start(sop, case_id="c-1", tracking_no="UM-0000-0000", applicant=APPLICANT,
                         form=sample_form(sop), documents=required_documents(sop))
    submitted = next(e for e in probe.entries if e.event == "case.submitted")
    at_submission = submitted.step_id == step_id
    done = engine.start(sop, case_id="c-1", tracking_no="UM-0000-0000", applicant=APPLICANT,
                        form=sample_form(sop), documents=required_documents(sop),
                        action=action if at_submission else None)
    log = list(done.entries)
    case = done.case
    for stepped, name in route_to(sop, step_id):
        if not case.is_open:
            break
        if case.step_id != stepped:
            continue
        clock.now += timedelta(minutes=5)
        chosen = sop.step(stepped).action(name)
        assert chosen is not None
        result = engine.act(sop, case, actor_for(sop, sop.step(stepped)), name,
                            comment="uji" if chosen.comment_required else None,
                            **engine_inputs(sop, stepped, name))
        log += result.entries
        case = result.case
    step_kind = sop.step(step_id).kind
    if at_submission:
        assert submitted.action is not None
    elif step_kind == "automatic":
        assert any(e.step_id == step_id and e.action == action for e in log), (key, step_id)
    elif case.is_open and case.step_id == step_id:
        step = sop.step(step_id)
        chosen = step.action(action)
        assert chosen is not None
        clock.now += timedelta(minutes=5)
        result = engine.act(sop, case, actor_for(sop, step), action,
                            comment="uji" if chosen.comment_required else None,
                            **engine_inputs(sop, step_id, action))
        log += result.entries
        case = result.case
        if chosen.kind == "return":
            assert case.status == "returned"
            assert case.resume_step_id == (chosen.resume_at or step.id)
            if chosen.deadline:
                assert case.applicant_due_at is not None
            wait = timedelta(hours=1)
            if case.applicant_due_at is not None:
                wait = min(wait, (case.applicant_due_at - clock.now) / 2)
            clock.now += wait
            result = engine.act(sop, case, APPLICANT, RESUBMIT, comment="Berkas sudah dilengkapi")
            log += result.entries
            case = result.case
            assert case.status == "open"
        elif chosen.terminal:
            assert case.status == chosen.terminal
    else:
        pytest.fail(f"{key}: step {step_id} not reached by the shortest route")
    case = _finish(engine, sop, case, clock, log)
    assert case.status in ("completed", "rejected", "archived")
    assert case.closed_at is not None and case.step_id is None
    assert [e.seq for e in log] == list(range(1, len(log) + 1))
    assert case.seq == len(log)
    _check_due(sop, tuple(log))


def test_every_sop_can_complete() -> None:
    for sops in all_sops().values():
        for sop in sops:
            assert any(a.to == "@completed" for s in sop.steps for a in s.actions), sop.key
