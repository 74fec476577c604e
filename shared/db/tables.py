"""The platform tables every service database holds.

``cases`` is the current state of each case (a projection the engine recomputes);
``case_history`` is append-only and the source of truth for what happened. The partial
index ``ix_cases_open_due`` serves the overdue sweeper: it finds open, not yet flagged steps
by due time without scanning every case.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Integer, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from shared.db.indexes import open_in_inbox_order
from shared.db.types import UTCDateTime


def _dt(nullable: bool = True, index: bool = False) -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=nullable, index=index))


class SopVersionRow(SQLModel, table=True):
    __tablename__ = "sop_versions"
    __table_args__ = (UniqueConstraint("key", "version", name="uq_sop_versions_key_version"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=120, index=True)
    version: int
    agency: str = Field(max_length=60)
    title: str = Field(sa_column=Column(Text, nullable=False))
    definition: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    origin: str = Field(max_length=10)
    """``file`` (shipped with the service) or ``api`` (published by an agency admin)."""
    published_by: str = Field(max_length=64)
    published_at: datetime = _dt(nullable=False)
    status: str = Field(default="active", max_length=10,
                        sa_column_kwargs={"server_default": "active"})
    """``active`` (cases may start on it) or ``pending`` (awaiting other agencies' admins)."""
    awaiting: list[str] = Field(default_factory=list, sa_column=Column(
        JSON, nullable=False, server_default="[]"))
    """Agencies given steps whose admin has not accepted the version yet."""
    accepted: list[str] = Field(default_factory=list, sa_column=Column(
        JSON, nullable=False, server_default="[]"))
    """Agencies given steps whose admin accepted the version."""


class CaseRow(SQLModel, table=True):
    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_open_due", "step_due_at",
              postgresql_where=text("status = 'open' AND overdue_at IS NULL"),
              sqlite_where=text("status = 'open' AND overdue_at IS NULL")),
        Index("ix_cases_returned_due", "applicant_due_at",
              postgresql_where=text("status = 'returned'"),
              sqlite_where=text("status = 'returned'")),
        Index("ix_cases_inbox", "status", "step_agency", "step_role"),
        Index("ix_cases_escalated", "status", "escalated_agency", "escalated_role"),
        Index("ix_cases_escalated2", "status", "escalated2_agency", "escalated2_role"),
        Index("ix_cases_remind", "remind_at",
              postgresql_where=text("status = 'open' AND remind_at IS NOT NULL"),
              sqlite_where=text("status = 'open' AND remind_at IS NOT NULL")),
        Index("ix_cases_auto_complete", "auto_complete_at",
              postgresql_where=text("status = 'open' AND auto_complete_at IS NOT NULL"),
              sqlite_where=text("status = 'open' AND auto_complete_at IS NOT NULL")),
        Index("ix_cases_escalate_next", "escalate_next_at",
              postgresql_where=text("status = 'open' AND escalate_next_at IS NOT NULL"),
              sqlite_where=text("status = 'open' AND escalate_next_at IS NOT NULL")),
        *open_in_inbox_order("ix_cases_open", "id"),
    )

    id: str = Field(primary_key=True, max_length=36)
    tracking_no: str = Field(max_length=20, unique=True)
    sop_key: str = Field(max_length=120, index=True)
    sop_version: int
    agency: str = Field(max_length=60)
    applicant_id: str = Field(max_length=64, index=True)
    status: str = Field(max_length=12)
    step_id: str | None = Field(default=None, max_length=80)
    step_role: str | None = Field(default=None, max_length=60)
    step_agency: str | None = Field(default=None, max_length=60)
    step_entered_at: datetime | None = _dt()
    step_due_at: datetime | None = _dt()
    submitted_at: datetime | None = _dt()
    """When the applicant last handed the case over (opening or resubmission)."""
    resume_step_id: str | None = Field(default=None, max_length=80)
    paused_remaining_s: int | None = None
    applicant_due_at: datetime | None = _dt()
    overdue_at: datetime | None = _dt()
    closed_at: datetime | None = _dt()
    outcome_reason: str | None = Field(default=None, sa_column=Column(Text))
    return_reason: str | None = Field(default=None, sa_column=Column(Text))
    requested_documents: list[str] = Field(default_factory=list,
                                           sa_column=Column(JSON, nullable=False))
    requested_fields: list[str] = Field(default_factory=list,
                                        sa_column=Column(JSON, nullable=False))
    remind_at: datetime | None = _dt()
    auto_complete_at: datetime | None = _dt()
    escalation_level: int = 0
    escalated_agency: str | None = Field(default=None, max_length=60)
    escalated_role: str | None = Field(default=None, max_length=60)
    escalated2_agency: str | None = Field(default=None, max_length=60)
    escalated2_role: str | None = Field(default=None, max_length=60)
    escalate_next_at: datetime | None = _dt()
    seq: int = 0
    form: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    officer_data: dict[str, Any] = Field(default_factory=dict,
                                         sa_column=Column(JSON, nullable=False))
    """Per step id: what the officer recorded with the action that left it (``action``,
    ``seq`` of its history entry, ``values`` of the declared fields, personal ones sealed)."""
    created_at: datetime = _dt(nullable=False, index=True)
    updated_at: datetime = _dt(nullable=False)


class HistoryRow(SQLModel, table=True):
    __tablename__ = "case_history"
    __table_args__ = (UniqueConstraint("case_id", "seq", name="uq_case_history_case_seq"),)

    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True,
                                                           autoincrement=True))
    case_id: str = Field(max_length=36, foreign_key="cases.id", index=True)
    seq: int
    event: str = Field(max_length=40)
    at: datetime = _dt(nullable=False)
    sop_version: int
    step_id: str | None = Field(default=None, max_length=80)
    action: str | None = Field(default=None, max_length=60)
    next_step_id: str | None = Field(default=None, max_length=80)
    actor_id: str = Field(max_length=64)
    actor_role: str = Field(max_length=60)
    actor_agency: str | None = Field(default=None, max_length=60)
    status: str = Field(max_length=12)
    due_at: datetime | None = _dt()
    comment: str | None = Field(default=None, sa_column=Column(Text))
    documents: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    """Structured facts of the transition (requested items, escalation, automatic close)."""


class DocumentRow(SQLModel, table=True):
    __tablename__ = "case_documents"

    id: str = Field(primary_key=True, max_length=36)
    case_id: str = Field(max_length=36, foreign_key="cases.id", index=True)
    key: str = Field(max_length=60)
    filename: str = Field(max_length=200)
    content_type: str = Field(max_length=100)
    size: int
    sha256: str = Field(max_length=64)
    storage_path: str = Field(max_length=300)
    uploaded_by: str = Field(max_length=64)
    uploaded_at: datetime = _dt(nullable=False)


class OutboxRow(SQLModel, table=True):
    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_unsent", "id", postgresql_where=text("sent_at IS NULL"),
              sqlite_where=text("sent_at IS NULL")),
    )

    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True,
                                                           autoincrement=True))
    event_id: str = Field(max_length=36, unique=True)
    topic: str = Field(max_length=120)
    key: str = Field(max_length=64)
    payload: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = _dt(nullable=False)
    sent_at: datetime | None = _dt()
    attempts: int = 0


class ProcessedEventRow(SQLModel, table=True):
    __tablename__ = "processed_events"

    consumer: str = Field(primary_key=True, max_length=80)
    event_id: str = Field(primary_key=True, max_length=36)
    processed_at: datetime = _dt(nullable=False)


class AuditRow(SQLModel, table=True):
    __tablename__ = "audit_log"

    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True,
                                                           autoincrement=True))
    at: datetime = _dt(nullable=False, index=True)
    actor_id: str = Field(max_length=64)
    action: str = Field(max_length=60)
    target: str = Field(max_length=200)
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


PLATFORM_TABLES = [SopVersionRow, CaseRow, HistoryRow, DocumentRow, OutboxRow,
                   ProcessedEventRow, AuditRow]
