"""The applicant's return loop: an officer returns the file (``case.returned``, the step's
remaining time paused, the applicant's deadline set), the applicant completes it
(``case.resubmitted``, back on the step it left with its remaining time, or on the step the
return named). Mixed into :class:`shared.engine.engine.SopEngine`, which provides the
internals."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from shared.calendar.business import Calendar
from shared.engine.access import RESUBMIT, WITHDRAW
from shared.engine.errors import (
    ActionNotAvailable,
    InvalidSubmission,
    NotCaseOwner,
    ResubmissionLate,
)
from shared.engine.plan import standard_time
from shared.engine.resubmission import Requested, check_resubmission
from shared.engine.state import LEFT_STEP, CaseState, HistoryEntry, Principal, Transition, evolve
from shared.engine.submission import check_submission
from shared.sop.model import APPLICANT_ROLE, Action, SopDefinition, Step


class ReturnTransitions:
    """Mixed into :class:`shared.engine.engine.SopEngine`, which provides the internals."""

    _calendars: Callable[[str], Calendar]
    _entry: Callable[..., HistoryEntry]
    _due: Callable[..., datetime | None]
    _enter: Callable[..., CaseState]
    _settle: Callable[..., Transition]

    def _return(
        self, sop: SopDefinition, case: CaseState, step: Step, chosen: Action, who: Principal,
        role: str, agency: str | None, comment: str | None, docs: tuple[str, ...],
        now: datetime, wanted: Requested,
    ) -> Transition:
        remaining: int | None = None
        if case.step_due_at is not None:
            cal = self._calendars(sop.calendar_of(step))
            remaining = max(0, int(cal.work_between(now, case.step_due_at).total_seconds()))
        deadline = standard_time(chosen.deadline) if chosen.deadline else None
        applicant_due = (self._calendars(sop.calendar).due(now, deadline)
                         if deadline is not None else None)
        returned = evolve(case, status="returned", resume_step_id=chosen.resume_at or step.id,
                           paused_remaining_s=remaining, applicant_due_at=applicant_due,
                           updated_at=now, remind_at=None,
                           return_reason=comment.strip() if comment else None,
                           requested_documents=wanted.documents,
                           requested_fields=wanted.fields)
        entry = self._entry(returned, "case.returned", now, chosen.name, who, role, agency,
                            step_id=step.id, next_step=step.id, due=applicant_due,
                            comment=comment, documents=docs, data={"requested": {
                                "documents": list(wanted.documents),
                                "fields": list(wanted.fields)}})
        return Transition(evolve(returned, seq=entry.seq), (entry,))

    def _resubmit(
        self, sop: SopDefinition, case: CaseState, who: Principal, action: str, now: datetime,
        comment: str | None, docs: tuple[str, ...], form: dict[str, object],
    ) -> Transition:
        if action != RESUBMIT:
            raise ActionNotAvailable(action=action, step=case.step_id,
                                     available=[RESUBMIT, WITHDRAW])
        if who.subject != case.applicant_id:
            raise NotCaseOwner()
        if case.applicant_due_at is not None and now > case.applicant_due_at:
            raise ResubmissionLate(deadline=case.applicant_due_at.isoformat())
        problems = check_submission(sop, form, set(docs), partial=True)
        if problems:
            raise InvalidSubmission(problems)
        check_resubmission(case, form, docs, comment)
        target = sop.step(case.resume_step_id or case.step_id or sop.start.id)
        same_step = target.id == case.step_id
        if same_step and case.paused_remaining_s is not None:
            cal = self._calendars(sop.calendar_of(target))
            due: datetime | None = cal.add_work(now, timedelta(seconds=case.paused_remaining_s))
        else:
            due = self._due(sop, target, now, now)
        base = case if same_step else evolve(case, LEFT_STEP)
        resumed = evolve(self._enter(sop, base, target, now, due), submitted_at=now,
                          status="open", resume_step_id=None, paused_remaining_s=None,
                          applicant_due_at=None, return_reason=None, requested_documents=(),
                          requested_fields=(),
                          # Back on the step it left: a lateness already flagged (and its
                          # escalation) stays (case.overdue is emitted once per step visit).
                          overdue_at=case.overdue_at if same_step else None)
        entry = self._entry(resumed, "case.resubmitted", now, RESUBMIT, who, APPLICANT_ROLE, None,
                            step_id=case.step_id, next_step=target.id, due=due, comment=comment,
                            documents=docs)
        return self._settle(sop, evolve(resumed, seq=entry.seq), (entry,))
