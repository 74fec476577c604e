"""Applying one case event to the read model, in order and at most once.

Idempotency has two guards: the consumer's processed-event table drops a re-delivered event
id, and ``seq <= last_seq`` drops anything already applied (a replay from the start of the
topic, or the relay re-publishing a batch under the same ids after a crash).

Order: a case's events must be applied seq after seq. An event whose seq is beyond
``last_seq + 1`` (a gap) is refused with :class:`SequenceGap`: the consumer retries it and
then sends it to the dead-letter topic; it is never applied out of order. Gaps cannot occur
in normal operation: the service writes a case's history rows and outbox rows in seq order,
in one transaction per transition; the relay publishes the outbox in id order and waits for
the acknowledgement before marking rows sent; every event of a case is keyed by the case id,
so it lands on one partition, where the broker keeps the order; and the consumer commits
offsets only after handling, so after a crash it resumes at or before the first event it had
not applied. A gap therefore means an event was lost or dead-lettered upstream, or the topic
was truncated by retention (replay needs retention that covers a case's lifetime).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from gateway.tracking.tables import TrackedCaseRow, TrackedEventRow
from shared.engine.state import OPEN_STATUSES
from shared.events.envelope import EventEnvelope, case_topic

DETAIL_KEYS = ("reason", "deadline", "requested", "escalate_to", "output", "auto")
"""Event data kept on a timeline entry: a return's reason, deadline and requested items, a
rejection's reason, the escalation target, an issued or revoked output, an automatic close.
(The service masks NIK/KK/phone-like numbers in a reason before it leaves.)"""


def topics(services: tuple[str, ...] | list[str]) -> list[str]:
    return [case_topic(s) for s in services]


class SequenceGap(Exception):
    """An event arrived before the ones it follows; retried, then dead-lettered."""

    def __init__(self, case_id: str, expected: int, got: int) -> None:
        super().__init__(f"case {case_id}: expected seq {expected}, got {got}")


def _time(value: object) -> datetime | None:
    if isinstance(value, str) and value:
        return datetime.fromisoformat(value)
    return None


async def apply_event(session: AsyncSession, event: EventEnvelope) -> None:
    """The consumer's handler: apply ``event`` if it is the next one of its case."""
    query = select(TrackedCaseRow).where(col(TrackedCaseRow.case_id) == event.case_id)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    row = await session.scalar(query)
    last = row.last_seq if row is not None else 0
    if event.seq <= last:
        return
    if event.seq != last + 1:
        raise SequenceGap(event.case_id, last + 1, event.seq)
    if row is None:
        row = TrackedCaseRow(case_id=event.case_id, service=event.source,
                             tracking_no=event.tracking_no, sop_key=event.sop_key,
                             sop_version=event.sop_version, status=event.status,
                             applicant=event.applicant or "", created_at=event.time,
                             updated_at=event.time)
        session.add(row)
    session.add(TrackedEventRow(
        case_id=event.case_id, seq=event.seq, event_id=event.event_id, type=event.type,
        step=event.step, action=event.action, next_step=event.data.get("next_step"),
        actor_role=event.actor_role, actor_agency=event.actor_agency, status=event.status,
        at=event.time, due_at=_time(event.data.get("due_at")),
        details={k: event.data[k] for k in DETAIL_KEYS if event.data.get(k) is not None}))
    _project(row, event)
    await session.flush()


def _project(row: TrackedCaseRow, event: EventEnvelope) -> None:
    row.title = str(event.data.get("title") or row.title or "")
    row.agency = str(event.data.get("agency") or row.agency or "")
    if event.applicant:
        row.applicant = event.applicant
    row.status = event.status
    row.last_seq = event.seq
    row.updated_at = event.time
    if event.type == "case.returned":
        row.return_role, row.return_agency = event.actor_role, event.actor_agency
        row.reason = event.data.get("reason")
    elif event.status != "returned":
        row.return_role = row.return_agency = None
        row.reason = event.data.get("reason") if event.type == "case.rejected" else (
            row.reason if event.type.startswith("case.output") else None)
    _escalation(row, event)
    current = event.current
    if current is not None:
        row.step_id, row.step_role, row.step_agency = current.id, current.role, current.agency
        row.step_kind, row.step_due_at = current.kind, current.due_at
        row.step_nomor, row.step_activity = current.nomor, current.activity
    elif event.status not in OPEN_STATUSES:
        # Closed: nobody holds it any more. (An open event without ``current`` is an early
        # entry of a multi-entry transition; the transition's last entry carries it.)
        row.step_id = row.step_role = row.step_agency = row.step_kind = None
        row.step_due_at = row.step_nomor = row.step_activity = None
        if row.closed_at is None:  # an output issued after closing does not move it
            row.closed_at = event.time


def _escalation(row: TrackedCaseRow, event: EventEnvelope) -> None:
    """Mirror the service: an overdue step stands in its supervisors' inboxes until the case
    leaves that step (a resubmission back to the same step keeps it)."""
    target = event.data.get("escalate_to")
    if isinstance(target, dict) and event.type in ("case.overdue", "case.escalated"):
        if target.get("level") == 2:
            row.escalated2_agency, row.escalated2_role = target.get("agency"), target.get("role")
        else:
            row.escalated_agency, row.escalated_role = target.get("agency"), target.get("role")
        return
    moved = event.current is not None and event.current.id != row.step_id
    if moved or event.status not in OPEN_STATUSES:
        row.escalated_agency = row.escalated_role = None
        row.escalated2_agency = row.escalated2_role = None
