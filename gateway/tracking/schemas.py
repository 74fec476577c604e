"""Response bodies of the tracking endpoints."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from shared.times import UtcDatetime
from shared.web.vocabulary import old, renamed


class Holder(BaseModel):
    """Who holds the case now. Named as the service's ``CurrentStep`` where they mean the
    same thing (``id``, ``nomor``, ``activity``, ``role``, ``agency``, ``kind``, ``due_at``,
    ``overdue``, ``escalated_to``)."""

    mirror_names = renamed({"late": "overdue"})
    id: str
    """The step's id in its SOP."""
    role: str
    """The role that must act: an officer role, or ``pemohon`` when returned to the applicant."""
    agency: str | None
    kind: str
    nomor: int | None = None
    """The step's number as printed in the regulation."""
    activity: str | None = None
    """What the holder does there: the step's activity, or the applicant's task while
    returned (empty for cases projected before events carried it)."""
    holder: str
    """``pemohon``, or ``<agency>:<role>`` (the scope an officer needs to act)."""
    due_at: UtcDatetime | None
    overdue: bool
    late: bool = old("overdue")
    escalated_to: list[str] = []
    """While overdue: the supervisor scopes whose inbox shows the case too, first level first."""


class TimelineEntry(BaseModel):
    seq: int
    type: str
    step: str | None
    action: str | None
    next_step: str | None
    actor_role: str
    actor_agency: str | None
    status: str
    at: UtcDatetime
    due_at: UtcDatetime | None
    """Due time of the step the case moved to (when it has a standard time)."""
    details: dict[str, Any] = {}
    """For the applicant: a return's ``reason``, ``deadline`` and ``requested`` documents and
    fields; a rejection's ``reason``; ``escalate_to`` of an overdue step; an issued or revoked
    ``output``; ``auto`` when the system closed the case by itself."""


class CaseSummary(BaseModel):
    mirror_names = renamed({"late": "overdue"})
    tracking_no: str
    service: str
    case_id: str
    case_url: str
    """The case in its service, through the gateway."""
    sop_key: str
    sop_version: int
    title: str
    agency: str
    status: str
    current_step: Holder | None
    overdue: bool
    late: bool = old("overdue")
    reason: str | None = None
    """While returned: the officer's reason; once rejected: why."""
    created_at: UtcDatetime
    updated_at: UtcDatetime
    closed_at: UtcDatetime | None


class OutputLink(BaseModel):
    """A document the case produced, from its ``case.output_issued`` event."""

    id: str
    kind: str
    title: str
    number: str
    revoked: bool
    download_url: str
    """The signed PDF in its service, through the gateway (the case's read rule applies)."""
    verify_url: str
    """The public verification page the QR code on the document points to."""


class Tracking(CaseSummary):
    timeline: list[TimelineEntry]
    outputs: list[OutputLink] = []


class TrackedCasePage(BaseModel):
    """A page of tracked cases across services (``TrackedCasePage``; a service's own is
    ``ServiceCasePage``; ``CasePage`` is its deprecated old name)."""

    items: list[CaseSummary]
    total: int
    limit: int
    offset: int
