"""The JSON Schemas (draft 2020-12) of the two envelopes on the bus, built from their pydantic
models, and of each case event type.

* :func:`case_envelope_schema`: :class:`shared.events.envelope.EventEnvelope` as it is
  written (every key present, ``null`` where empty), with the descriptions and the
  constraints the code keeps (an aware ``time``, a tracking number's shape, ``seq`` from 1);
* :func:`event_schema`: the envelope of one ``type`` with its ``data`` schema
  (:data:`shared.events.contract.data.DATA`) and what that type fixes (the status a closing
  event leaves, ``current`` empty once closed, ``system`` as the actor of the clock's events);
* :func:`notice_schema`: :class:`shared.events.notice.NoticeEnvelope`.

References point into ``$defs`` (:func:`definitions`); :mod:`shared.events.asyncapi` moves
them to ``components.schemas``.
"""

from __future__ import annotations

import copy
from typing import Any

from pydantic import BaseModel

from shared.cases.tracking import PATTERN as TRACKING_PATTERN
from shared.engine.state import CaseStatus
from shared.events.contract.data import DATA, NO_LONG_NUMBER, PARTS, Schema
from shared.events.envelope import EventEnvelope, StepRef
from shared.events.notice import NoticeEnvelope

SPEC_VERSION_PATTERN = r"^[0-9]+(\.[0-9]+)?$"
AWARE_TIME = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"
STATUSES: tuple[str, ...] = CaseStatus.__args__  # type: ignore[attr-defined]
CLOSING: dict[str, str] = {"case.completed": "completed", "case.rejected": "rejected",
                           "case.archived": "archived", "case.expired": "expired",
                           "case.withdrawn": "withdrawn"}
"""Closing types and the status they leave (``current`` is then ``null``)."""
BY_SYSTEM = ("case.due_soon", "case.overdue", "case.escalated", "case.expired",
             "case.output_issued")
"""Types only the clock or a worker produces: ``actor_role`` is ``system``."""

ENVELOPE_NOTES: dict[str, Schema] = {
    "spec_version": {"pattern": SPEC_VERSION_PATTERN, "description":
                     "`MAJOR` or `MAJOR.MINOR` of this contract; a consumer applies the same "
                     "major and dead-letters another."},
    "event_id": {"format": "uuid", "description": "The idempotency key (a UUID)."},
    "type": {"pattern": r"^case\.[a-z_]+$", "description": "What happened, past tense."},
    "source": {"pattern": r"^[a-z]+$", "description": "The publishing service."},
    "case_id": {"description": "The case (also the record key)."},
    "tracking_no": {"pattern": f"^{TRACKING_PATTERN.pattern}$",
                    "description": "The number the applicant holds (`DK-xxxx-xxxx`)."},
    "sop_key": {"description": "The SOP the case runs."},
    "sop_version": {"minimum": 1, "description": "The SOP version the case runs."},
    "seq": {"minimum": 1, "description": "Position in the case's history: apply a case's "
                                         "events in this order; gaps mean one is missing."},
    "step": {"description": "The step acted on."},
    "action": {"description": "The action taken there."},
    "actor_role": {"description": "Role of who acted (`pemohon`, `operator`, `system`)."},
    "actor_agency": {"description": "Agency of who acted, for an officer."},
    "time": {"pattern": AWARE_TIME, "description": "When it happened (with its offset)."},
    "status": {"enum": list(STATUSES), "description": "The case's status after the event."},
    "current": {"description": "Where the case stands after the event (the last event of a "
                               "transition only): who holds it and until when."},
    "applicant": {"description": "Opaque account id of the case's owner (never a NIK)."},
    "data": {"description": "The facts of this type of event (see each message)."},
}


def _written(model: type[BaseModel], notes: dict[str, Schema]) -> Schema:
    """``model``'s serialized form: every key required, the notes merged in, refs kept."""
    schema = copy.deepcopy(model.model_json_schema(mode="serialization",
                                                   ref_template="#/$defs/{model}"))
    schema.pop("$defs", None)
    schema.pop("title", None)
    for name, prop in schema["properties"].items():
        prop.pop("title", None)
        prop.pop("default", None)
        note = notes.get(name, {})
        target = next((a for a in prop.get("anyOf", []) if a.get("type") != "null"), prop)
        target.update({k: v for k, v in note.items() if k != "description"})
        if "description" in note:
            prop["description"] = note["description"]
    schema["required"] = list(schema["properties"])
    schema["additionalProperties"] = True
    return schema


def definitions() -> dict[str, Schema]:
    """Every named schema the event schemas refer to (``#/$defs/<name>``)."""
    step = _written(StepRef, {"due_at": {"pattern": AWARE_TIME},
                              "nomor": {"description": "The step's number in the regulation."},
                              "kind": {"description": "officer, external, applicant, "
                                                      "automatic"}})
    step["description"] = StepRef.__doc__
    defs: dict[str, Schema] = {"StepRef": step, "CaseEventEnvelope": case_envelope_schema()}
    defs.update(copy.deepcopy(PARTS))
    defs.update({data_name(t): copy.deepcopy(s) for t, s in DATA.items()})
    defs["NoticeEnvelope"] = notice_schema()
    return defs


def case_envelope_schema() -> Schema:
    schema = _written(EventEnvelope, ENVELOPE_NOTES)
    schema["description"] = ("A case event: one per row of the case's history, no personal "
                             "data (the applicant is an opaque account id).")
    return schema


def notice_schema() -> Schema:
    schema = _written(NoticeEnvelope, {
        "spec_version": ENVELOPE_NOTES["spec_version"],
        "notice_id": {"description": "The idempotency key."},
        "source": {"pattern": r"^[a-z]+$", "description": "The department service."},
        "recipient": {"description": "Account id of the recipient (also the record key)."},
        "template": {"pattern": r"^[a-z][a-z0-9_.-]{2,79}$",
                     "description": "Template key in the gateway's notifications."},
        "params": {"description": "Non-personal values for the template's placeholders."},
        "created_at": {"pattern": AWARE_TIME}})
    schema["properties"]["params"]["additionalProperties"] = {
        "type": "string", "not": {"pattern": NO_LONG_NUMBER}}
    schema["description"] = "A department's notice to one account (shared/events/notice.py)."
    return schema


def data_name(event_type: str) -> str:
    """``case.output_issued`` -> ``OutputIssuedData``."""
    return "".join(p.capitalize() for p in event_type.split(".", 1)[1].split("_")) + "Data"


def type_constraints(event_type: str) -> Schema:
    """What ``event_type`` fixes in the envelope: its type, data, status, current, actor."""
    props: dict[str, Any] = {"type": {"const": event_type},
                             "data": {"$ref": f"#/$defs/{data_name(event_type)}"}}
    if event_type in CLOSING:
        props["status"] = {"const": CLOSING[event_type]}
        props["current"] = {"type": "null"}
    elif event_type == "case.returned":
        props["status"] = {"const": "returned"}
    if event_type in BY_SYSTEM:
        props["actor_role"] = {"const": "system"}
    return {"properties": props}


def event_schema(event_type: str) -> Schema:
    """A self-contained schema of one case event type (``$defs`` included)."""
    if event_type not in DATA:
        raise KeyError(event_type)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "allOf": [{"$ref": "#/$defs/CaseEventEnvelope"}, type_constraints(event_type)],
            "$defs": definitions()}
