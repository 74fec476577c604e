"""The ``data`` of a case event: what consumers (tracking, notifications) need to know.

Always the SOP's agency and title, the due time of the step moved to, and the next step; plus
the transition's structured facts (requested items, escalation target, automatic closing).
A return or a rejection also carries the officer's reason, because the applicant's timeline
and notification show it; the reason is free text, so runs of digits that could be a NIK, a
KK number or a phone number are masked first (:func:`scrub`). Nothing else from the form.
"""

from __future__ import annotations

from typing import Any

from shared.engine.state import CaseState, HistoryEntry
from shared.redact import MASK, scrub
from shared.sop.model import SopDefinition
from shared.times import utc_text

__all__ = ["MASK", "event_data", "scrub"]
REASON_EVENTS = frozenset({"case.returned", "case.rejected"})


def event_data(sop: SopDefinition, case: CaseState, entry: HistoryEntry) -> dict[str, Any]:
    data: dict[str, Any] = {
        "agency": sop.agency, "title": sop.title,
        "due_at": utc_text(entry.due_at) if entry.due_at else None,
        "next_step": entry.next_step_id}
    data.update(entry.data)
    if isinstance(data.get("assisted_by"), dict):
        # Officers' ids stay in the service's history; the event says only agency and role.
        data["assisted_by"] = {k: v for k, v in data["assisted_by"].items() if k != "actor_id"}
    if entry.event in REASON_EVENTS and entry.comment and entry.comment.strip():
        data["reason"] = scrub(entry.comment.strip())
    if entry.event == "case.returned":
        data["deadline"] = utc_text(entry.due_at) if entry.due_at else None
    return data
