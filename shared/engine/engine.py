"""The SOP engine: pure state transitions of a case along its SOP.

No FastAPI, SQL or Kafka here. The clock and the calendars are injected, so every rule is
tested in milliseconds. Each public method returns a :class:`Transition` (the new state and
the history entries it appended, one per transition) or raises an :class:`EngineError`
that says why; it never silently does nothing.

Rules:

* ``start`` opens a case at the first step, runs any automatic steps, and when the case then
  stands at an applicant step (the submission), opening it is the applicant performing it.
* ``options`` lists what a principal may do now; ``act`` checks role, agency and, on
  applicant steps, ownership.
* A ``return`` action hands the file back to the applicant: the agency's clock pauses (the
  time left is kept) and the applicant gets the SOP's deadline, if it names one.
  ``lengkapi`` (resubmit) resumes the clock; ``expire`` closes a case whose deadline passed.
* Automatic steps run at once, as the system.
* ``batalkan`` lets the applicant withdraw an open case.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import MISSING, fields
from datetime import datetime
from typing import Any

from shared.calendar.business import Calendar
from shared.engine.access import RESUBMIT, WITHDRAW, authorise, options, step_agency
from shared.engine.action_inputs import check_action_inputs
from shared.engine.errors import (
    ActionNotAvailable,
    CaseClosed,
    CommentRequired,
    FormNotAccepted,
    InvalidSubmission,
    NotCaseOwner,
    WrongStep,
)
from shared.engine.plan import SopPlan, StepPlan, plan_for, standard_time
from shared.engine.resubmission import (
    Requested,
    RequestNotAccepted,
    check_requested,
)
from shared.engine.returns import ReturnTransitions
from shared.engine.state import (
    LEFT_STEP,
    OPEN_STATUSES,
    SYSTEM,
    ActionOption,
    CaseState,
    CaseStatus,
    HistoryEntry,
    Principal,
    Transition,
    evolve,
    make,
)
from shared.engine.submission import check_submission
from shared.engine.timed import TimedTransitions, reminder_time
from shared.sop.model import APPLICANT_ROLE, TERMINALS, Action, SopDefinition, Step

__all__ = ["RESUBMIT", "WITHDRAW", "SopEngine", "standard_time"]

_MAX_AUTOMATIC_CHAIN = 50


_NEW_CASE: dict[str, Any] = {f.name: f.default for f in fields(CaseState)
                             if f.default is not MISSING}
"""The fields a new case starts with by default (the others are given at opening)."""
_AT_SUBMISSION: dict[str, Any] = dict(step_due_at=None, remind_at=None, auto_complete_at=None)
"""The timers of a case at its applicant's first step, which it leaves as it opens."""


class SopEngine(ReturnTransitions, TimedTransitions):
    """Moves cases along SOP definitions. Stateless apart from its clock and calendars."""

    def __init__(
        self, clock: Callable[[], datetime], calendars: Callable[[str], Calendar]
    ) -> None:
        self._clock = clock
        self._calendars = calendars
        self._last: tuple[SopDefinition | None, SopPlan | None] = (None, None)

    # -- reading -----------------------------------------------------------------
    def options(
        self, sop: SopDefinition, case: CaseState, who: Principal
    ) -> list[ActionOption]:
        """The actions ``who`` may take on ``case`` now (see :mod:`shared.engine.access`)."""
        return options(sop, case, who, self._now())

    # -- writing -----------------------------------------------------------------
    def start(
        self,
        sop: SopDefinition,
        *,
        case_id: str,
        tracking_no: str,
        applicant: Principal,
        form: dict[str, object],
        documents: Iterable[str] = (),
        action: str | None = None,
        assisted_by: Mapping[str, str] | None = None,
    ) -> Transition:
        """Open a case on ``sop`` for ``applicant``, after checking form and documents.

        ``action`` picks the submission's action when the applicant's first step offers more
        than one (default: its first forward action). ``assisted_by`` (an officer who submits
        on the applicant's behalf: agency, role, actor id) is recorded on the submission.
        """
        docs = tuple(sorted(set(documents)))
        problems = check_submission(sop, dict(form), set(docs))
        if problems:
            raise InvalidSubmission(problems)
        now = self._now()
        plan = self._plan(sop)
        first = plan.start
        # At an applicant's first step the case leaves the step in this same call (or the
        # call fails), so that step's due time, reminder and confirmation time would only be
        # overwritten: they are not worked out.
        entering = (_AT_SUBMISSION if first.kind == "applicant"
                    else self._entering(first, now, self._due_at(first, now, now)))
        values = _NEW_CASE.copy()  # with the fields below: every field of a CaseState
        values.update(entering)
        values.update(
            id=case_id, tracking_no=tracking_no, sop_key=sop.key, sop_version=sop.version,
            applicant_id=applicant.subject, status="open", submitted_at=now, created_at=now,
            step_id=first.id, step_entered_at=now, updated_at=now)
        case = make(CaseState, values)
        entries: list[HistoryEntry] = []
        if first.automatic:
            done = self._run_automatic(sop, Transition(case, ()))
            case, entries = done.case, list(done.entries)
        here = plan.steps[case.step_id] if case.step_id else None
        if here is not None and here.kind == "applicant":
            step, forward = here.step, here.forward
            submit = next((a for a in forward if a.name == action), None) if action else forward[0]
            if submit is None:
                raise ActionNotAvailable(action=action, step=step.id,
                                         available=[a.name for a in forward])
            case, more = self._follow(sop, case, step, submit, applicant, APPLICANT_ROLE, None,
                                      None, docs, now, event="case.submitted")
            entries += more
        else:
            if action is not None:
                raise ActionNotAvailable(action=action, step=case.step_id, available=[])
            opened = self._entry(case, "case.submitted", now, None, applicant, APPLICANT_ROLE,
                                 None, next_step=case.step_id, due=case.step_due_at,
                                 documents=docs)
            case = evolve(case, seq=opened.seq)
            entries.append(opened)
        if assisted_by:
            entries = [evolve(e, data={**e.data, "assisted_by": dict(assisted_by)})
                       if e.event == "case.submitted" else e for e in entries]
        return self._settle(sop, case, tuple(entries))

    def act(
        self,
        sop: SopDefinition,
        case: CaseState,
        who: Principal,
        action: str,
        *,
        expected_step: str | None = None,
        comment: str | None = None,
        documents: Iterable[str] = (),
        form: dict[str, object] | None = None,
        requested: Requested | None = None,
    ) -> Transition:
        """Perform ``action`` at the case's current step as ``who``. A ``return`` may name
        the documents and form fields the resubmission must bring (``requested``); an officer
        action that declares fields or documents takes them (``form``, ``documents``)."""
        step_id = case.step_id
        if case.status not in OPEN_STATUSES or step_id is None:
            raise CaseClosed(status=case.status)
        if expected_step is not None and expected_step != step_id:
            raise WrongStep(expected=expected_step, current=step_id)
        docs = tuple(sorted(set(documents))) if documents else ()
        now = self._now()
        if action == WITHDRAW:
            if who.subject != case.applicant_id:
                raise NotCaseOwner()
            if form:
                raise FormNotAccepted(action=action)
            return self._close(case, "withdrawn", "case.withdrawn", now, who, APPLICANT_ROLE,
                               None, comment, "Dibatalkan oleh pemohon", WITHDRAW)
        if case.status == "returned":
            return self._resubmit(sop, case, who, action, now, comment, docs, form or {})
        steps = self._plan(sop).steps
        here = steps[step_id]
        step = here.step
        chosen = here.actions.get(action)
        if chosen is None:
            raise ActionNotAvailable(action=action, step=step.id,
                                     available=[a.name for a in step.actions])
        role: str
        agency: str | None
        if here.role_key is not None and here.role_key in who.roles:  # the usual officer
            role, agency = here.actor, here.agency
        else:
            role, agency = authorise(sop, step, case, who)
        inputs = (check_action_inputs(step, chosen, form, docs)
                  if form or docs or action in here.takes_inputs else None)
        if chosen.comment_required and not (comment and comment.strip()):
            raise CommentRequired(action=action)
        if chosen.kind == "return":
            wanted = check_requested(sop, requested or Requested())
            return self._return(sop, case, step, chosen, who, role, agency, comment, docs, now,
                                wanted)
        if requested is not None and (requested.documents or requested.fields):
            raise RequestNotAccepted(action=action)
        new_case, entries = self._follow(sop, case, step, chosen, who, role, agency, comment,
                                         docs, now, inputs)
        if new_case.status == "open" and new_case.step_id is not None \
                and steps[new_case.step_id].automatic:  # as _settle, written out
            return self._run_automatic(sop, Transition(new_case, tuple(entries)))
        return make(Transition, {"case": new_case, "entries": tuple(entries)})

    # -- internals ---------------------------------------------------------------
    def _plan(self, sop: SopDefinition) -> SopPlan:
        """The step table of ``sop`` (:func:`plan_for`; the last one is kept at hand)."""
        last, plan = self._last
        if last is sop and plan is not None:
            return plan
        plan = plan_for(sop)
        self._last = (sop, plan)
        return plan

    def _now(self) -> datetime:
        now = self._clock()
        if now.tzinfo is None:
            raise ValueError("the engine clock must return timezone-aware datetimes")
        return now

    def _due(self, sop: SopDefinition, step: Step, at: datetime,
             submitted: datetime | None = None) -> datetime | None:
        """Due time of ``step`` entered ``at``; a ``time_from: submitted`` step counts from
        the applicant's last (re)submission instead."""
        return self._due_at(self._plan(sop).steps[step.id], at, submitted)

    def _due_at(self, step: StepPlan, at: datetime, submitted: datetime | None
                ) -> datetime | None:
        std = step.std
        if std is None:
            return None
        start = submitted if step.from_submitted and submitted is not None else at
        return self._calendars(step.calendar).due(start, std)

    def _entry(
        self, case: CaseState, event: str, at: datetime, action: str | None, who: Principal,
        role: str, agency: str | None, *, step_id: str | None = None,
        next_step: str | None = None, due: datetime | None = None, comment: str | None = None,
        documents: tuple[str, ...] = (), data: dict[str, Any] | None = None,
        seq: int | None = None,
    ) -> HistoryEntry:
        """The entry appended to ``case``: number ``seq``, by default the next one."""
        return make(HistoryEntry, {
            "seq": case.seq + 1 if seq is None else seq, "event": event, "at": at,
            "sop_version": case.sop_version, "step_id": step_id, "action": action,
            "next_step_id": next_step, "actor_id": who.subject, "actor_role": role,
            "actor_agency": agency, "status": case.status, "due_at": due, "comment": comment,
            "documents": documents, "data": dict(data) if data else {},
        })

    def _follow(
        self, sop: SopDefinition, case: CaseState, step: Step, chosen: Action, who: Principal,
        role: str, agency: str | None, comment: str | None, docs: tuple[str, ...],
        now: datetime, data: dict[str, Any] | None = None,
        event: str = "case.step_completed",
    ) -> tuple[CaseState, list[HistoryEntry]]:
        """Leave ``step`` by a forward action: to the next step or to a terminal outcome
        (``event`` names the entry of a move to a next step)."""
        outcome = TERMINALS.get(chosen.to or "")
        if outcome is not None:
            status: CaseStatus = outcome  # type: ignore[assignment]
            reason = comment.strip() if outcome == "rejected" and comment else None
            closed = evolve(case, LEFT_STEP, status=status, closed_at=now, updated_at=now,
                            outcome_reason=reason or case.outcome_reason, seq=case.seq + 1)
            entry = self._entry(closed, f"case.{outcome}", now, chosen.name, who, role, agency,
                                step_id=step.id, comment=comment, documents=docs, data=data,
                                seq=closed.seq)
            return closed, [entry]
        assert chosen.to is not None
        nxt = self._plan(sop).steps[chosen.to]
        due = self._due_at(nxt, now, case.submitted_at)
        seq = case.seq + 1
        # evolve(case, LEFT_STEP, self._entering(nxt, now, due), seq=seq) and
        # self._entry(...), written out: this is the path of nearly every transition.
        moved = object.__new__(CaseState)
        values = moved.__dict__
        values.update(case.__dict__)
        values.update(LEFT_STEP)
        values["step_id"] = nxt.id
        values["step_entered_at"] = values["updated_at"] = now
        values["step_due_at"] = due
        values["remind_at"] = reminder_time(now, due)
        if nxt.auto_wait is not None:
            values["auto_complete_at"] = self._calendars(nxt.calendar).due(now, nxt.auto_wait)
        values["seq"] = seq
        entry = make(HistoryEntry, {
            "seq": seq, "event": event, "at": now, "sop_version": case.sop_version,
            "step_id": step.id, "action": chosen.name, "next_step_id": nxt.id,
            "actor_id": who.subject, "actor_role": role, "actor_agency": agency,
            "status": case.status, "due_at": due, "comment": comment, "documents": docs,
            "data": dict(data) if data else {}})
        return moved, [entry]

    def _enter(self, sop: SopDefinition, case: CaseState, step: Step, now: datetime,
               due: datetime | None) -> CaseState:
        """``case`` standing at ``step`` from ``now`` (:meth:`_entering`)."""
        return evolve(case, self._entering(self._plan(sop).steps[step.id], now, due))

    def _entering(self, step: StepPlan, now: datetime, due: datetime | None) -> dict[str, Any]:
        """The fields of a case standing at ``step`` from ``now``: its due time, the reminder
        before it, and for a receipt confirmation the time the system confirms by itself."""
        auto = None
        if step.auto_wait is not None:
            auto = self._calendars(step.calendar).due(now, step.auto_wait)
        return {"step_id": step.id, "step_entered_at": now, "step_due_at": due,
                "updated_at": now, "remind_at": reminder_time(now, due),
                "auto_complete_at": auto}

    def _settle(self, sop: SopDefinition, case: CaseState, entries: tuple[HistoryEntry, ...]
                ) -> Transition:
        """The transition to ``case`` by ``entries``, after any automatic steps it reached."""
        if case.status == "open" and case.step_id is not None \
                and self._plan(sop).steps[case.step_id].automatic:
            return self._run_automatic(sop, Transition(case, entries))
        return make(Transition, {"case": case, "entries": entries})

    def _run_automatic(self, sop: SopDefinition, done: Transition) -> Transition:
        case, entries, ran = done.case, list(done.entries), False
        steps = self._plan(sop).steps
        for _ in range(_MAX_AUTOMATIC_CHAIN):
            if case.status != "open" or case.step_id is None:
                break
            here = steps[case.step_id]
            if not here.automatic:
                break
            step = here.step
            case, more = self._follow(sop, case, step, step.actions[0], SYSTEM, "system",
                                      step_agency(sop, step), None, (), self._now())
            entries += more
            ran = True
        return Transition(case, tuple(entries)) if ran else done

    def _close(
        self, case: CaseState, status: CaseStatus, event: str, now: datetime, who: Principal,
        role: str, agency: str | None, comment: str | None, reason: str, action: str,
    ) -> Transition:
        closed = evolve(case, LEFT_STEP, status=status, resume_step_id=None,
                         paused_remaining_s=None, applicant_due_at=None, closed_at=now,
                         updated_at=now, outcome_reason=reason, return_reason=None,
                         requested_documents=(), requested_fields=())
        entry = self._entry(closed, event, now, action, who, role, agency,
                            step_id=case.step_id, comment=comment)
        return Transition(evolve(closed, seq=entry.seq), (entry,))
