"""Transitions the clock makes: reminders, overdue marks, escalation, automatic confirmation
and expiry. The sweeper finds the cases (through partial indexes) and calls these; each
checks its own precondition against the injected clock and refuses otherwise, so a late or
repeated sweep never produces a second event.

* ``remind``: the current step's due time is near (:data:`REMIND_AT`) — ``case.due_soon``,
  once per step visit.
* ``mark_overdue``: the step passed its due time — ``case.overdue``, once per step visit; the
  case now also stands in the supervisor's inbox (level 1).
* ``escalate``: still late after a further standard time — ``case.escalated`` to the next
  supervisor (level 2).
* ``auto_complete``: the applicant did not confirm receipt in time — the system takes the
  step's action, and the history says the case closed by itself.
* ``expire``: a returned file was not completed before its deadline — ``case.expired``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from shared.calendar.business import Calendar
from shared.calendar.standard_time import parse_standard_time
from shared.engine.access import step_agency
from shared.engine.errors import ActionNotAvailable
from shared.engine.state import SYSTEM, CaseState, Escalation, Transition
from shared.sop.model import SopDefinition

if TYPE_CHECKING:
    from shared.engine.state import HistoryEntry, Principal

REMIND_AT = 0.8
"""Share of a step's time after which its holders are reminded (the regency's choice)."""

AUTO_COMPLETE_NOTE = ("Ditutup otomatis: pemohon tidak mengonfirmasi penerimaan sampai batas "
                      "waktu")


def reminder_time(entered: datetime, due: datetime | None) -> datetime | None:
    if due is None or due <= entered:
        return None
    return entered + (due - entered) * REMIND_AT


class TimedTransitions:
    """Mixed into :class:`shared.engine.engine.SopEngine`, which provides the internals."""

    _calendars: Callable[[str], Calendar]
    _now: Callable[[], datetime]
    _entry: Callable[..., HistoryEntry]
    _follow: Callable[..., tuple[CaseState, list[HistoryEntry]]]
    _close: Callable[..., Transition]

    def _refuse(self, case: CaseState, what: str) -> ActionNotAvailable:
        return ActionNotAvailable(action=what, step=case.step_id, available=[])

    def _system_entry(self, sop: SopDefinition, case: CaseState, event: str, now: datetime,
                      data: dict[str, Any] | None = None) -> Transition:
        step = sop.step(case.step_id) if case.step_id else None
        agency = step_agency(sop, step) if step else None
        who: Principal = SYSTEM
        entry = self._entry(case, event, now, None, who, "system", agency,
                            step_id=case.step_id, next_step=case.step_id,
                            due=case.step_due_at, data=data)
        return Transition(replace(case, seq=entry.seq), (entry,))

    def remind(self, sop: SopDefinition, case: CaseState) -> Transition:
        """Tell the holders that the step's due time is near (once per step visit)."""
        now = self._now()
        if case.status != "open" or case.remind_at is None or now < case.remind_at \
                or case.overdue_at is not None \
                or (case.step_due_at is not None and now >= case.step_due_at):
            raise self._refuse(case, "remind")
        return self._system_entry(sop, replace(case, remind_at=None, updated_at=now),
                                  "case.due_soon", now)

    def mark_overdue(self, sop: SopDefinition, case: CaseState,
                     escalation: Escalation | None = None) -> Transition:
        """Record that the current step passed its due time (once per step visit) and, with
        ``escalation``, put the case in the supervisor's inbox too."""
        if case.status != "open" or case.step_due_at is None or case.overdue_at is not None:
            raise self._refuse(case, "overdue")
        now = self._now()
        if now <= case.step_due_at:
            raise self._refuse(case, "overdue")
        marked = replace(case, overdue_at=now, updated_at=now, remind_at=None)
        data: dict[str, Any] = {}
        if escalation is not None:
            later = None
            if escalation.next_role and escalation.next_after:
                wait = parse_standard_time(escalation.next_after)
                later = self._calendars(sop.calendar).due(now, wait)
            marked = replace(marked, escalation_level=1, escalated_agency=escalation.agency,
                             escalated_role=escalation.role, escalate_next_at=later)
            data["escalate_to"] = {"agency": escalation.agency, "role": escalation.role,
                                   "level": 1}
        return self._system_entry(sop, marked, "case.overdue", now, data)

    def escalate(self, sop: SopDefinition, case: CaseState, agency: str, role: str
                 ) -> Transition:
        """Second level: the step is still late at ``escalate_next_at``."""
        now = self._now()
        if case.status != "open" or case.escalation_level != 1 \
                or case.escalate_next_at is None or now < case.escalate_next_at:
            raise self._refuse(case, "escalate")
        moved = replace(case, escalation_level=2, escalated2_agency=agency,
                        escalated2_role=role, escalate_next_at=None, updated_at=now)
        return self._system_entry(sop, moved, "case.escalated", now, {
            "escalate_to": {"agency": agency, "role": role, "level": 2}})

    def auto_complete(self, sop: SopDefinition, case: CaseState) -> Transition:
        """Confirm receipt for an applicant who did not, once the step's time ran out."""
        now = self._now()
        step = sop.step(case.step_id) if case.step_id else None
        if case.status != "open" or step is None or not step.confirms_receipt \
                or case.auto_complete_at is None or now < case.auto_complete_at:
            raise self._refuse(case, "auto_complete")
        closed, entries = self._follow(sop, case, step, step.actions[0], SYSTEM, "system",
                                       None, AUTO_COMPLETE_NOTE, (), now, {"auto": True})
        return Transition(closed, tuple(entries))

    def expire(self, sop: SopDefinition, case: CaseState) -> Transition:
        """Close a returned case whose applicant deadline has passed."""
        now = self._now()
        if case.status != "returned" or case.applicant_due_at is None \
                or now <= case.applicant_due_at:
            raise self._refuse(case, "expire")
        return self._close(case, "expired", "case.expired", now, SYSTEM, "system", None, None,
                           "Batas waktu melengkapi berkas terlewati", "kedaluwarsa")
