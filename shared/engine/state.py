"""Values the engine reads and returns: principals, case state, history entries.

All are frozen dataclasses; the engine never mutates one, it returns a new one
(:func:`evolve`). Times are timezone-aware. Nothing here holds personal data: the applicant is
an opaque subject id.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, Literal, TypeVar

CaseStatus = Literal["open", "returned", "completed", "rejected", "archived", "expired",
                     "withdrawn"]
OPEN_STATUSES: frozenset[str] = frozenset({"open", "returned"})


@dataclass(frozen=True)
class Principal:
    """Who is acting: a subject id and scoped roles (``citizen``, ``admin``,
    ``<agency>:<role>``)."""

    subject: str
    roles: frozenset[str] = frozenset()
    session: str | None = None
    """The login session (refresh-token family) the access token belongs to, if any."""

    @property
    def is_citizen(self) -> bool:
        return "citizen" in self.roles

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles

    def has(self, agency: str, role: str) -> bool:
        return f"{agency}:{role}" in self.roles

    def agencies(self) -> frozenset[str]:
        return frozenset(r.split(":", 1)[0] for r in self.roles if ":" in r)


SYSTEM = Principal(subject="system", roles=frozenset({"system"}))


@dataclass(frozen=True)
class CaseState:
    """The current state of one case. The history holds how it got here."""

    id: str
    tracking_no: str
    sop_key: str
    sop_version: int
    applicant_id: str
    status: CaseStatus
    step_id: str | None
    step_entered_at: datetime | None
    step_due_at: datetime | None
    created_at: datetime
    updated_at: datetime
    seq: int = 0
    """Number of history entries so far (the last entry's ``seq``)."""
    submitted_at: datetime | None = None
    """When the applicant last handed the case to the agency (opening or resubmission)."""
    resume_step_id: str | None = None
    paused_remaining_s: int | None = None
    """Agency time left on the returning step, in seconds of its calendar, while returned."""
    applicant_due_at: datetime | None = None
    overdue_at: datetime | None = None
    closed_at: datetime | None = None
    outcome_reason: str | None = None
    """Why the case closed: the officer's reason for a rejection, or the system's."""
    return_reason: str | None = None
    """While returned: the officer's reason, shown to the applicant."""
    requested_documents: tuple[str, ...] = ()
    """While returned: the documents the resubmission must bring again."""
    requested_fields: tuple[str, ...] = ()
    """While returned: the form fields the resubmission must correct."""
    remind_at: datetime | None = None
    """When the holders of the current step are told that its due time is near (once)."""
    auto_complete_at: datetime | None = None
    """At a receipt-confirmation step: when the system confirms for a silent applicant."""
    escalation_level: int = 0
    """0, 1 (overdue: the step's supervisor sees it too) or 2 (the next supervisor as well)."""
    escalated_agency: str | None = None
    escalated_role: str | None = None
    escalated2_agency: str | None = None
    escalated2_role: str | None = None
    escalate_next_at: datetime | None = None
    """When an overdue step escalates to the second level."""

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


_T = TypeVar("_T")


_FIELD_NAMES: dict[type, frozenset[str]] = {}


def _field_names(cls: type) -> frozenset[str]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = frozenset(f.name for f in fields(cls))
    return names


def evolve(value: _T, *updates: Mapping[str, Any], **changes: Any) -> _T:
    """A copy of the frozen dataclass ``value`` with ``updates`` and ``changes`` applied.

    What ``dataclasses.replace`` does for these classes (none has ``__post_init__`` or
    ``init=False`` fields), without calling ``__init__`` field by field: copying the instance
    dict is several times cheaper, and the engine copies a ``CaseState`` on every transition.
    An unknown field name raises ``TypeError``, as ``replace`` does.
    """
    new = object.__new__(type(value))
    values = new.__dict__
    values.update(value.__dict__)
    for update in updates:
        values.update(update)
    values.update(changes)
    if len(values) != len(value.__dict__):
        unknown = values.keys() - _field_names(type(value))
        raise TypeError(f"{type(value).__name__} has no field {', '.join(sorted(unknown))}")
    return new


def build(cls: type[_T], values: dict[str, Any]) -> _T:
    """An instance of the frozen dataclass ``cls`` holding ``values``, which name every
    field (``TypeError`` otherwise): its ``__init__`` without the field-by-field
    ``object.__setattr__`` of a frozen class (see :func:`evolve`)."""
    if values.keys() != _field_names(cls):
        raise TypeError(f"{cls.__name__} fields expected, got {', '.join(sorted(values))}")
    new = object.__new__(cls)
    new.__dict__.update(values)
    return new


def make(cls: type[_T], values: dict[str, Any]) -> _T:
    """:func:`build` without the check of the field names, for the engine's own literal
    field sets (every one of which its tests construct)."""
    new = object.__new__(cls)
    new.__dict__.update(values)
    return new


@dataclass(frozen=True)
class HistoryEntry:
    """One append-only row of a case's history: one transition."""

    seq: int
    event: str
    at: datetime
    sop_version: int
    step_id: str | None
    action: str | None
    next_step_id: str | None
    actor_id: str
    actor_role: str
    actor_agency: str | None
    status: CaseStatus
    due_at: datetime | None = None
    comment: str | None = None
    documents: tuple[str, ...] = ()
    data: dict[str, Any] = field(default_factory=dict)
    """Structured facts of the transition for its event (requested items, escalation target,
    automatic closing); never personal data."""


@dataclass(frozen=True)
class Escalation:
    """Who a late step escalates to: the supervisor role now, and when (after a further
    standard time) and to whom it goes next."""

    agency: str
    role: str
    next_role: str | None = None
    next_after: str | None = None
    """A standard time ("1 hari kerja") counted from the overdue mark."""


@dataclass(frozen=True)
class Transition:
    """What one call to the engine produced: the new state and the entries it appended."""

    case: CaseState
    entries: tuple[HistoryEntry, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Item:
    """A document (key) or form field (name) of the SOP, with its label."""

    key: str
    label: str
    required: bool = False
    type: str | None = None
    """For a field an officer action takes: its type (``FormField.type``)."""
    choices: tuple[str, ...] = ()
    """For a ``choice`` field an officer action takes: the values allowed."""
    types: tuple[str, ...] = ()
    """For a document an officer action takes: the file types allowed."""


@dataclass(frozen=True)
class Items:
    documents: tuple[Item, ...] = ()
    fields: tuple[Item, ...] = ()


@dataclass(frozen=True)
class ActionOption:
    """An action a principal may take now, and what it needs."""

    step_id: str
    name: str
    label: str
    kind: str
    to: str | None
    comment_required: bool = False
    deadline: str | None = None
    """For a return: the applicant's deadline, as a standard time ("3 hari kerja")."""
    requestable: Items | None = None
    """For a return: the documents and fields the officer may ask the applicant for."""
    requires: Items | None = None
    """What the action must bring (a resubmission: what the return asked for)."""
    accepts: Items | None = None
    """What the action may bring (resubmission, applicant steps, and officer actions that
    declare fields or documents)."""


LEFT_STEP: dict[str, Any] = dict(
    step_id=None, step_entered_at=None, step_due_at=None, overdue_at=None, remind_at=None,
    auto_complete_at=None, escalation_level=0, escalated_agency=None, escalated_role=None,
    escalated2_agency=None, escalated2_role=None, escalate_next_at=None)
"""A case with no current step: its timers and escalation cleared."""
