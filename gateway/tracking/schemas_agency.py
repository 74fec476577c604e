"""Response bodies of the agency views (workload, SLA report), with their OpenAPI examples
(:data:`AGENCY_EXAMPLES`, added to the gateway's examples, which a test checks against the
schemas)."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from gateway.tracking.schemas import CaseSummary
from shared.times import UtcDatetime
from shared.web.openapi import Examples


class WorkloadCounts(BaseModel):
    """Over the agency's whole workload (every role, SOP and page), at the time of asking."""

    open: int
    """Open cases whose current step a role of the agency holds."""
    due_today: int
    """Of those, due later today (the agency's day, WIB) and not yet late."""
    overdue: int
    """Of those, late."""
    escalated: int
    """Of the late ones, those standing in a supervisor's inbox too."""


class AgencyWorkload(BaseModel):
    agency: str
    today: date
    """The agency's calendar day (Asia/Jakarta) the answer counts ``due_today`` on."""
    counts: WorkloadCounts
    items: list[CaseSummary]
    """The page of the view asked for (as ``/api/v1/inbox`` items): overdue first, most late
    first, then by due time. No personal data."""
    total: int
    """Cases in the view with its filters (all pages)."""
    limit: int
    offset: int


class SlaRow(BaseModel):
    """One SOP's figures (or, with ``sop_key``, ``title`` and ``service`` null, the totals)."""

    sop_key: str | None
    title: str | None
    service: str | None
    submitted: int
    """Cases submitted in the period (dates in Asia/Jakarta, both included)."""
    completed: int
    rejected: int
    open: int
    """Still open, or returned to the applicant."""
    completed_on_time: int
    """Completed with no step ever overdue (no ``case.overdue`` event)."""
    completed_late: int
    on_time_rate: float | None = Field(ge=0, le=1)
    """``completed_on_time / completed``; null when none completed."""
    overdue_open: int
    """Open now with the current step late."""
    escalated: int
    """Cases a late step escalated a second time (``case.escalated``)."""
    median_working_days: float | None
    """Median working days (the agency's calendar) from submission to completion; null when
    none completed."""


class SlaReport(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    agency: str
    from_: date = Field(alias="from")
    to: date
    generated_at: UtcDatetime
    totals: SlaRow
    sops: list[SlaRow]
    """One row per SOP with cases in the period, by SOP key."""


_SUMMARY: dict[str, Any] = {
    "tracking_no": "DK-7MQ3-XA9T", "service": "dukcapil",
    "case_id": "0b7e8c52-4d1a-4f3e-9a61-5d2c8e7f1a90",
    "case_url": "/api/v1/dukcapil/cases/0b7e8c52-4d1a-4f3e-9a61-5d2c8e7f1a90",
    "sop_key": "dukcapil-kia-0-5-tahun", "sop_version": 1,
    "title": "Penerbitan Kartu Identitas Anak (KIA) usia 0-5 tahun", "agency": "disdukcapil",
    "status": "open",
    "current_step": {"id": "verifikasi", "role": "operator", "agency": "disdukcapil",
                     "kind": "officer", "nomor": 2, "activity": "Memverifikasi berkas",
                     "holder": "disdukcapil:operator", "due_at": "2026-12-02T04:15:00Z",
                     "overdue": True, "late": True, "escalated_to": ["disdukcapil:kabid"]},
    "overdue": True, "late": True, "reason": None, "created_at": "2026-12-01T02:00:00Z",
    "updated_at": "2026-12-02T04:16:00Z", "closed_at": None}

WORKLOAD_EXAMPLE: dict[str, Any] = {
    "agency": "disdukcapil", "today": "2026-12-03",
    "counts": {"open": 14, "due_today": 3, "overdue": 2, "escalated": 1},
    "items": [_SUMMARY], "total": 2, "limit": 20, "offset": 0}

_ROW: dict[str, Any] = {
    "sop_key": "dukcapil-kia-0-5-tahun", "service": "dukcapil",
    "title": "Penerbitan Kartu Identitas Anak (KIA) usia 0-5 tahun", "submitted": 40,
    "completed": 32, "rejected": 3, "open": 5, "completed_on_time": 30, "completed_late": 2,
    "on_time_rate": 0.9375, "overdue_open": 1, "escalated": 1, "median_working_days": 2.0}

SLA_EXAMPLE: dict[str, Any] = {
    "agency": "disdukcapil", "from": "2026-11-01", "to": "2026-11-30",
    "generated_at": "2026-12-03T02:00:00Z",
    "totals": {**_ROW, "sop_key": None, "title": None, "service": None},
    "sops": [_ROW]}

SLA_CSV_EXAMPLE = (
    "sop_key,title,service,submitted,completed,rejected,open,completed_on_time,"
    "completed_late,on_time_rate,overdue_open,escalated,median_working_days\r\n"
    "dukcapil-kia-0-5-tahun,Penerbitan Kartu Identitas Anak (KIA) usia 0-5 tahun,dukcapil,"
    "40,32,3,5,30,2,0.9375,1,1,2.0\r\n"
    ",TOTAL,,40,32,3,5,30,2,0.9375,1,1,2.0\r\n")

AGENCY_EXAMPLES: Examples = {
    ("GET", "/api/v1/agencies/{agency}/workload"): {
        "response": {200: {"overdue-first": WORKLOAD_EXAMPLE}}},
    ("GET", "/api/v1/agencies/{agency}/reports/sla"): {
        "response": {200: {"november": SLA_EXAMPLE}}},
}
