"""Request and response bodies of the generic service routes (documented in OpenAPI)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from shared.cases.officer_inputs import OfficerInputOut
from shared.times import UtcDatetime
from shared.web.text import COMMENT_MAX, Line, Text
from shared.web.vocabulary import old, renamed


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
    sop_key: Line = Field(min_length=1, max_length=120)
    form: dict[str, Any] = Field(default_factory=dict)
    on_behalf_of: Line | None = Field(
        default=None, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]*$",
        description="Assisted submission: the citizen's account id. Only an officer of the "
                    "SOP's agency (front_office, operator, staf) may send it; the citizen "
                    "owns the case and its history records who assisted.")


ItemKey = Annotated[Line, Field(max_length=120)]
"""A document key or form field name of the SOP."""


class RequestedItems(BaseModel):
    """What a return asks the applicant to bring again: document keys and form field names
    of the SOP. The resubmission (``lengkapi``) must bring every one of them."""

    model_config = ConfigDict(extra="forbid")
    documents: list[ItemKey] = Field(default_factory=list, max_length=50)
    fields: list[ItemKey] = Field(default_factory=list, max_length=100)


class ActOnCase(BaseModel):
    model_config = ConfigDict(extra="forbid")
    action: Line = Field(min_length=1, max_length=60)
    step: Line | None = Field(default=None, max_length=80,
                             description="The step the caller saw; refused if the case moved on")
    comment: Text | None = Field(default=None, max_length=COMMENT_MAX)
    form: dict[str, Any] | None = None
    requested: RequestedItems | None = Field(
        default=None, description="Only with a return action: what the applicant must bring")


class ItemOut(BaseModel):
    """A document (``key``) or form field (``key`` = its name) of the SOP."""

    key: str
    label: str
    required: bool = False
    # type/choices/types describe an officer action's inputs; other items leave them out
    # (excluded when empty, so the document still describes every field of the item)
    type: str | None = Field(default=None, exclude_if=lambda v: not v)
    """What an officer action takes: a field's type (as ``FormField.type``)."""
    choices: list[str] = Field(default_factory=list, exclude_if=lambda v: not v)
    """What an officer action takes: the values of a ``choice`` field."""
    types: list[str] = Field(default_factory=list, exclude_if=lambda v: not v)
    """What an officer action takes: the file types a document may have."""


class ItemsOut(BaseModel):
    documents: list[ItemOut] = []
    fields: list[ItemOut] = []


class ActionOut(BaseModel):
    """An action the caller may take now, and what it needs."""

    step: str
    name: str
    label: str
    kind: str
    """``forward``, ``return``, ``resubmit`` (``lengkapi``) or ``withdraw`` (``batalkan``)."""
    to: str | None
    comment_required: bool = False
    """The action is refused without a ``comment`` (a reason)."""
    deadline: str | None = None
    """For a return: the applicant's deadline as a standard time ("3 hari kerja")."""
    requestable: ItemsOut | None = None
    """For a return: the documents and fields the officer may name in ``requested``."""
    requires: ItemsOut | None = None
    """For ``lengkapi``: what the return asked for; each must be brought again."""
    accepts: ItemsOut | None = None
    """For ``lengkapi`` and applicant steps: the documents (uploads) and form fields the
    action may bring. For an officer action that declares inputs: the fields the officer
    fills (``form``) and the documents the officer attaches (multipart), with ``required``,
    each field's ``type``/``choices`` and each document's allowed ``types``."""


class CurrentStep(BaseModel):
    """Where the case stands. While returned it describes the applicant's task (complete the
    file): ``activity`` is that task, ``role`` ``pemohon``, ``due_at`` the deadline."""

    id: str
    nomor: int | None
    activity: str
    role: str
    agency: str | None
    kind: str
    due_at: UtcDatetime | None
    overdue: bool
    escalated_to: list[str] = []
    """While overdue: the supervisor scopes (``<agency>:<role>``) whose inbox shows it too,
    first level first."""
    reason: str | None = None
    """While returned: the officer's reason, for the applicant."""
    requested: ItemsOut | None = None
    """While returned: the documents and fields the applicant must bring, with labels."""
    returned_from: str | None = None
    """While returned: the activity of the officer step that returned the file."""


class CaseOut(BaseModel):
    mirror_names = renamed({"id": "case_id"})
    case_id: str
    id: str = old("case_id")
    tracking_no: str
    service: str
    sop_key: str
    sop_version: int
    title: str
    agency: str
    status: str
    current_step: CurrentStep | None
    applicant_due_at: UtcDatetime | None
    created_at: UtcDatetime
    updated_at: UtcDatetime
    closed_at: UtcDatetime | None
    outcome_reason: str | None
    """Why the case closed (the officer's reason for a rejection, or the system's)."""
    return_reason: str | None = None
    """While returned: the officer's reason, for the applicant."""
    requested: RequestedItems | None = None
    """While returned: what the resubmission must bring."""
    auto_complete_at: UtcDatetime | None = None
    """At a receipt confirmation: when it closes as completed if the applicant stays silent."""
    form: dict[str, Any]
    """The applicant's answers: in full for the applicant; for anyone else the personal
    fields (those the SOP marks personal, NIK/KK and phone fields) are masked."""
    masked: list[str] = []
    """The fields of ``form`` shown masked. An officer working on the case reads them in full
    with ``POST /cases/{id}/unmask`` (a reason is required; audited)."""
    documents: list[dict[str, Any]]
    outputs: list[dict[str, Any]] = []
    """The case's output documents (id, kind, title, number, status, verify_code, url of the
    signed PDF once issued); details at ``/cases/{id}/outputs``."""
    actions: list[ActionOut]
    officer_inputs: list[OfficerInputOut] = []
    """For officers: what officers recorded with their actions (fields declared by the SOP's
    officer actions, personal values masked), per step; always empty for the applicant."""


class ServiceCasePage(BaseModel):
    """A page of a service's cases (``ServiceCasePage``; the gateway's is
    ``TrackedCasePage``)."""

    items: list[CaseOut]
    total: int
    limit: int
    offset: int


class HistoryOut(BaseModel):
    """One transition, named as the gateway's timeline entries are (``type``, ``step``,
    ``next_step``)."""

    mirror_names = renamed({"event": "type", "step_id": "step", "next_step_id": "next_step"})
    seq: int
    type: str
    event: str = old("type")
    at: UtcDatetime
    sop_version: int
    step: str | None
    step_id: str | None = old("step")
    action: str | None
    next_step: str | None
    next_step_id: str | None = old("next_step")
    actor_role: str
    actor_agency: str | None
    status: str
    due_at: UtcDatetime | None
    comment: str | None
    documents: list[str]
    data: dict[str, Any] = {}
