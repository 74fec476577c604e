"""Request and response bodies of the generic service routes (documented in OpenAPI)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class SopSummary(BaseModel):
    key: str
    version: int
    title: str
    """As printed in the regulation."""
    display_title: str
    """The printed title with its typos corrected (the same when there are none)."""
    agency: str
    category: str
    category_label: str
    """The category in Bahasa Indonesia."""
    service: str
    steps: int
    total_time: str
    requirements: list[str]
    """Labels of the documents the applicant supplies."""
    standard_url: str


class OpenCase(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sop_key: str = Field(min_length=1, max_length=120)
    form: dict[str, Any] = Field(default_factory=dict)


class ActOnCase(BaseModel):
    model_config = ConfigDict(extra="forbid")
    action: str = Field(min_length=1, max_length=60)
    step: str | None = Field(default=None, max_length=80,
                             description="The step the caller saw; refused if the case moved on")
    comment: str | None = Field(default=None, max_length=4000)
    form: dict[str, Any] | None = None


class ActionOut(BaseModel):
    step: str
    name: str
    label: str
    kind: str
    to: str | None


class CurrentStep(BaseModel):
    id: str
    nomor: int | None
    activity: str
    role: str
    agency: str | None
    kind: str
    due_at: datetime | None
    overdue: bool


class CaseOut(BaseModel):
    id: str
    tracking_no: str
    service: str
    sop_key: str
    sop_version: int
    title: str
    agency: str
    status: str
    current_step: CurrentStep | None
    applicant_due_at: datetime | None
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    outcome_reason: str | None
    form: dict[str, Any]
    documents: list[dict[str, Any]]
    actions: list[ActionOut]


class CasePage(BaseModel):
    items: list[CaseOut]
    total: int
    limit: int
    offset: int


class HistoryOut(BaseModel):
    seq: int
    event: str
    at: datetime
    sop_version: int
    step_id: str | None
    action: str | None
    next_step_id: str | None
    actor_role: str
    actor_agency: str | None
    status: str
    due_at: datetime | None
    comment: str | None
    documents: list[str]
