"""Response bodies of the SOP routes (``/sops``), typed for OpenAPI and generated clients.

An SOP's detail is its definition itself (:class:`shared.sop.model.SopDefinition`: the form
definition is its ``form`` and ``documents``); the service standard is the dict that
:func:`shared.sop.standard.service_standard` builds, described here field by field.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

from shared.sop.model import CalendarName, FieldType, StepKind
from shared.times import UtcDatetime
from shared.web.text import TEXT_CHECK


class StandardDocument(BaseModel):
    key: str
    label: str
    required: bool


class StandardField(BaseModel):
    name: str
    label: str
    type: FieldType
    required: bool


class StandardRequirements(BaseModel):
    documents: list[StandardDocument]
    form: list[StandardField]


class StandardAction(BaseModel):
    name: str
    label: str
    kind: str
    to: str | None
    deadline: str | None


class StandardStep(BaseModel):
    nomor: int | None
    id: str
    actor: str
    actor_label: str
    agency: str
    agency_name: str
    kind: StepKind
    activity: str
    documents: list[str]
    time: str | None
    time_from: str
    time_printed: str | None
    output: str | None
    note: str | None
    institution: str | None
    actions: list[StandardAction]


class TotalTime(BaseModel):
    label: str
    """Readable sum along the main path, e.g. ``"3 hari kerja + 45 menit"``."""
    office_minutes: int
    other: dict[str, int]
    """Other units (``working_day``, ``day``, ...) and their sums."""
    untimed_steps: int
    stated: str | None
    """The total as printed by the regulation, when it prints one."""


class ServiceStandardOut(BaseModel):
    """The service standard (standar pelayanan, Permenpan RB 15/2014 components)."""

    key: str
    version: int
    title: str
    agency: str
    agency_name: str
    category: str
    category_label: str
    calendar: CalendarName
    legal_basis: list[str]
    requirements: StandardRequirements
    procedure: list[StandardStep]
    total_time: TotalTime
    cost: str
    product: str | None
    complaint_channel: str
    service_hours: str | None
    readings: list[str]


class SopVersionOut(BaseModel):
    version: int
    origin: str
    published_at: UtcDatetime
    title: str
    status: str = "active"
    """``active`` (cases start on the newest active version); ``pending``: it gives steps
    to other agencies whose admins have not all accepted it yet; ``withdrawn`` (by its
    publishing agency) or ``declined`` (by an agency it gave steps to): closed unaccepted,
    never active."""
    awaiting: list[str] = []
    """The agencies whose admin must still accept the version (``POST .../accept``)."""
    accepted: list[str] = []
    """The agencies given steps whose admin accepted it."""


class PublishedSop(BaseModel):
    key: str
    version: int
    title: str
    agency: str
    status: str = "active"
    """``pending`` when steps are given to other agencies: see ``awaiting``."""
    awaiting: list[str] = []


class SopVersionClose(BaseModel):
    """Why a pending version is withdrawn or declined (audited, long numbers masked)."""

    model_config = ConfigDict(extra="forbid")
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=5,
                                             max_length=500), TEXT_CHECK]
