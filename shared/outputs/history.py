"""The history entries an output adds to its case: ``case.output_issued`` and
``case.output_revoked``. Pure: the case does not move; the entry takes the next ``seq``
(the caller holds the case row's lock, so the history stays contiguous)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from shared.engine.state import CaseState, HistoryEntry, Transition

SYSTEM_ACTOR = "system"


def note(case: CaseState, event: str, at: datetime, data: dict[str, Any], *,
         actor_id: str = SYSTEM_ACTOR, actor_role: str = SYSTEM_ACTOR,
         actor_agency: str | None = None, comment: str | None = None) -> Transition:
    """``case`` with one more history entry ``event``, its state otherwise unchanged."""
    entry = HistoryEntry(
        seq=case.seq + 1, event=event, at=at, sop_version=case.sop_version,
        step_id=case.step_id, action=None, next_step_id=case.step_id, actor_id=actor_id,
        actor_role=actor_role, actor_agency=actor_agency, status=case.status,
        due_at=case.step_due_at if case.is_open else None, comment=comment, data=data)
    return Transition(replace(case, seq=entry.seq), (entry,))
