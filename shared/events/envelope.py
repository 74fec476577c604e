"""The event envelope every service publishes (ARCHITECTURE.md §4).

``event_id`` is the idempotency key; ``type`` is past tense (``case.submitted``,
``case.step_completed``, ``case.returned``, ``case.resubmitted``, ``case.overdue``,
``case.completed``, ``case.rejected``, ``case.archived``, ``case.expired``,
``case.withdrawn``). Topic per service: ``halo.<service>.case-events.v1``, key = case id.
No NIK, names, phone numbers or form values ever go in an envelope (UU 27/2022 PDP): the
applicant is an opaque subject id.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

SPEC_VERSION = "1"
RETURNED_ACTIVITY = "Pemohon melengkapi berkas yang dikembalikan petugas sebelum batas waktu"


def case_topic(service: str) -> str:
    return f"halo.{service}.case-events.v1"


def dead_letter_topic(topic: str) -> str:
    return f"{topic}.dlq"


class StepRef(BaseModel):
    """Where the case stands after the event: who holds it and until when."""

    model_config = ConfigDict(frozen=True)
    id: str
    role: str
    agency: str | None
    kind: str
    due_at: AwareDatetime | None = None
    nomor: int | None = None
    """The step's number as printed in the regulation."""
    activity: str | None = None
    """What the holder does there: the step's activity, or the applicant's task while
    returned (:data:`RETURNED_ACTIVITY`)."""


class EventEnvelope(BaseModel):
    model_config = ConfigDict(frozen=True)

    spec_version: str = SPEC_VERSION
    event_id: str
    type: str
    source: str
    """The publishing service (``dukcapil``, ``perizinan``, ...)."""
    case_id: str
    tracking_no: str
    sop_key: str
    sop_version: int
    seq: int
    """Position of this event in the case's history: consumers apply a case's events in order."""
    step: str | None = None
    """The step acted on."""
    action: str | None = None
    actor_role: str
    actor_agency: str | None = None
    time: AwareDatetime
    status: str
    current: StepRef | None = None
    applicant: str | None = None
    """Opaque subject id of the case's owner (never a NIK); used for "my cases"."""
    data: dict[str, Any] = Field(default_factory=dict)

    def to_bytes(self) -> bytes:
        return self.model_dump_json().encode()

    @classmethod
    def from_bytes(cls, raw: bytes) -> EventEnvelope:
        return cls.model_validate_json(raw)

    @property
    def at(self) -> datetime:
        return self.time
