"""The tracking read model's tables (gateway database).

``tracked_cases`` is one row per case across services (where it stands now);
``tracked_events`` is its timeline, one row per event, unique by ``(case_id, seq)``. Both are
a projection of the event stream: ``python -m gateway.tracking.rebuild`` recreates them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from shared.db.indexes import open_in_inbox_order
from shared.db.types import UTCDateTime


def _dt(nullable: bool = True) -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=nullable))


class TrackedCaseRow(SQLModel, table=True):
    __tablename__ = "tracked_cases"
    __table_args__ = (
        Index("ix_tracked_cases_applicant", "applicant", "created_at"),
        Index("ix_tracked_cases_holder", "status", "step_agency", "step_role", "step_due_at"),
        Index("ix_tracked_cases_returned", "status", "return_agency", "return_role"),
        Index("ix_tracked_cases_escalated", "status", "escalated_agency", "escalated_role"),
        Index("ix_tracked_cases_escalated2", "status", "escalated2_agency", "escalated2_role"),
        Index("ix_tracked_cases_closed", "agency", "status", "closed_at"),
        *open_in_inbox_order("ix_tracked_cases_open", "case_id"),
    )

    case_id: str = Field(primary_key=True, max_length=36)
    service: str = Field(max_length=40)
    tracking_no: str = Field(max_length=20, unique=True)
    sop_key: str = Field(max_length=120)
    sop_version: int
    title: str = Field(default="", sa_column=Column(Text, nullable=False))
    agency: str = Field(default="", max_length=60)
    applicant: str = Field(default="", max_length=64)
    status: str = Field(max_length=12)
    step_id: str | None = Field(default=None, max_length=80)
    step_role: str | None = Field(default=None, max_length=60)
    """``pemohon`` while the case is returned to the applicant."""
    step_agency: str | None = Field(default=None, max_length=60)
    step_kind: str | None = Field(default=None, max_length=20)
    step_due_at: datetime | None = _dt()
    step_nomor: int | None = None
    """The step's number as printed in the regulation."""
    step_activity: str | None = Field(default=None, sa_column=Column(Text))
    """The step's activity, or the applicant's task while returned."""
    return_role: str | None = Field(default=None, max_length=60)
    """While returned: the officer role (and agency) that returned it and waits for it."""
    return_agency: str | None = Field(default=None, max_length=60)
    escalated_agency: str | None = Field(default=None, max_length=60)
    """While the step is overdue: the supervisor scope whose inbox shows it (level 1)."""
    escalated_role: str | None = Field(default=None, max_length=60)
    escalated2_agency: str | None = Field(default=None, max_length=60)
    escalated2_role: str | None = Field(default=None, max_length=60)
    reason: str | None = Field(default=None, sa_column=Column(Text))
    """The officer's reason while returned, or why the case closed."""
    last_seq: int = 0
    created_at: datetime = _dt(nullable=False)
    updated_at: datetime = _dt(nullable=False)
    closed_at: datetime | None = _dt()


class TrackedEventRow(SQLModel, table=True):
    __tablename__ = "tracked_events"
    __table_args__ = (UniqueConstraint("case_id", "seq", name="uq_tracked_events_case_seq"),)

    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True,
                                                           autoincrement=True))
    case_id: str = Field(max_length=36)
    seq: int
    event_id: str = Field(max_length=36)
    type: str = Field(max_length=40)
    step: str | None = Field(default=None, max_length=80)
    action: str | None = Field(default=None, max_length=60)
    next_step: str | None = Field(default=None, max_length=80)
    actor_role: str = Field(max_length=60)
    actor_agency: str | None = Field(default=None, max_length=60)
    status: str = Field(max_length=12)
    at: datetime = _dt(nullable=False)
    due_at: datetime | None = _dt()
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    """What the applicant is told about this entry (see ``projector.DETAIL_KEYS``)."""
