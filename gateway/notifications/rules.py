"""Who hears about an event: pure rules from the case event contract, tested without I/O.

- The applicant (``envelope.applicant``): submitted (received), returned (reason, deadline,
  what is requested), resubmitted (received again), rejected (reason), output issued
  (document ready), completed, expired, and a step that waits for them; a survey invitation
  (a second message, kind ``survey``) on completed, rejected and expired.
- Officers whose queue the case arrived in: submitted, step completed and resubmitted when
  the current step is an officer's or an external one: every account holding
  ``<current.agency>:<current.role>``; the same holders when the step is near its due time.
- The supervisor: overdue and escalated go to ``<escalate_to.agency>:<escalate_to.role>``.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared.events.envelope import EventEnvelope

APPLICANT_EVENTS = frozenset({"case.submitted", "case.returned", "case.resubmitted",
                              "case.rejected", "case.output_issued", "case.completed",
                              "case.expired"})
SURVEY_EVENTS = frozenset({"case.completed", "case.rejected", "case.expired"})
QUEUE_EVENTS = frozenset({"case.submitted", "case.step_completed", "case.resubmitted"})
QUEUE_KINDS = frozenset({"officer", "external"})
SUPERVISOR_EVENTS = frozenset({"case.overdue", "case.escalated"})
WAITING = "case.waiting_applicant"
"""The template of a step completed that now waits for the applicant (e.g. a receipt)."""
SURVEY = "survey"


@dataclass(frozen=True)
class Target:
    """One group of recipients of an event and the template they get."""

    audience: str
    """``applicant``, ``officer`` or ``supervisor`` (the template section)."""
    template: str
    """The template file: the event type, ``survey`` or ``case.waiting_applicant``."""
    kind: str = "status"
    account: str | None = None
    """The applicant's account id (audience ``applicant``)."""
    scope: tuple[str, str] | None = None
    """``(agency, role)`` whose holders receive it (officers and supervisors)."""


def _applicant(event: EventEnvelope) -> list[Target]:
    if not event.applicant:
        return []
    out = []
    if event.type in APPLICANT_EVENTS:
        out.append(Target("applicant", event.type, account=event.applicant))
    elif (event.type == "case.step_completed" and event.current is not None
          and event.current.kind == "applicant"):
        out.append(Target("applicant", WAITING, account=event.applicant))
    if event.type in SURVEY_EVENTS:
        out.append(Target("applicant", SURVEY, kind="survey", account=event.applicant))
    return out


def _officers(event: EventEnvelope) -> list[Target]:
    current = event.current
    if event.type in QUEUE_EVENTS:
        if current is not None and current.kind in QUEUE_KINDS and current.agency:
            return [Target("officer", event.type, scope=(current.agency, current.role))]
        return []
    if event.type == "case.due_soon" and current is not None and current.agency:
        return [Target("officer", event.type, scope=(current.agency, current.role))]
    if event.type in SUPERVISOR_EVENTS:
        escalate = event.data.get("escalate_to")
        if isinstance(escalate, dict) and escalate.get("agency") and escalate.get("role"):
            return [Target("supervisor", event.type,
                           scope=(str(escalate["agency"]), str(escalate["role"])))]
    return []


def targets(event: EventEnvelope) -> list[Target]:
    """Every recipient group of ``event``, the applicant first (an account that is both the
    applicant and an officer of the queue gets the applicant's message)."""
    return _applicant(event) + _officers(event)
