"""The ``data`` of each case event type, as JSON Schema (draft 2020-12): one table entry per
type the code emits (:data:`DATA`).

Every event's ``data`` has the SOP's ``agency`` and ``title``, the ``due_at`` of the step the
case moved to and the ``next_step`` (:data:`BASE`), plus the facts of its transition. Each
schema lists the keys the code produces and their types; ``additionalProperties`` stays
``true``, so a minor version may add keys (and a department service may add its own, e.g.
``siak`` on a Dukcapil verification step) without breaking a consumer: consumers ignore the
keys they do not know (docs/events.md, "Compatibility").

Free text that leaves a service (a reason) never carries a run of nine or more digits (a
NIK, a KK or a phone number): the schema says so with ``not: {pattern: ...}``.
"""

from __future__ import annotations

from typing import Any

Schema = dict[str, Any]

NO_LONG_NUMBER = r"\d(?:[\s.\-]?\d){8,}"
"""What :func:`shared.redact.scrub` masks; a reason matching it would leak a number."""


def _obj(properties: dict[str, Schema], required: list[str] | None = None, *,
         description: str = "", closed: bool = False) -> Schema:
    schema: Schema = {"type": "object"}
    if description:
        schema["description"] = description
    schema["properties"] = properties
    schema["required"] = sorted(properties) if required is None else required
    schema["additionalProperties"] = not closed
    return schema


def _ref(name: str) -> Schema:
    return {"$ref": f"#/$defs/{name}"}


STRINGS: Schema = {"type": "array", "items": {"type": "string"}}
TIME_OR_NULL: Schema = {"type": ["string", "null"], "format": "date-time"}
REASON: Schema = {"type": "string", "minLength": 1, "not": {"pattern": NO_LONG_NUMBER},
                  "description": "The officer's words, every run of nine or more digits "
                                 "masked as `[disamarkan]`."}

PARTS: dict[str, Schema] = {
    "Requested": _obj({"documents": STRINGS, "fields": STRINGS},
                      description="What the resubmission must bring: document keys and form "
                                  "field names of the SOP."),
    "Inputs": _obj({"fields": STRINGS, "documents": STRINGS},
                   description="What the officer brought at the step (names only, never "
                               "values)."),
    "AssistedBy": {**_obj({"agency": {"type": "string"}, "role": {"type": "string"}},
                          description="The officer who filed the case for the applicant at "
                                      "a counter: agency and role, never the officer's id."),
                   "not": {"required": ["actor_id"]}},
    "EscalationTarget": _obj({"agency": {"type": "string"}, "role": {"type": "string"},
                              "level": {"type": "integer", "enum": [1, 2]}},
                             description="The supervisor role whose inbox now also shows "
                                         "the case."),
    "OutputIssued": _obj({"id": {"type": "string"}, "kind": {"type": "string"},
                          "title": {"type": "string"}, "number": {"type": "string"},
                          "verify_code": {"type": "string"}},
                         description="The signed document ready for the applicant."),
    "OutputRevoked": _obj({"id": {"type": "string"}, "number": {"type": "string"}},
                          description="The document no longer valid."),
}
"""Sub-schemas the data schemas share (``$defs``)."""

BASE: dict[str, Schema] = {
    "agency": {"type": "string", "description": "The SOP's agency key (`disdukcapil`)."},
    "title": {"type": "string", "description": "The SOP's title."},
    "due_at": {**TIME_OR_NULL, "description": "Due time of the step the case moved to."},
    "next_step": {"type": ["string", "null"], "description": "The step the case moved to."},
}
"""Keys every event's ``data`` has."""


def _data(extra: dict[str, Schema] | None = None, required: tuple[str, ...] = ()) -> Schema:
    return _obj(BASE | (extra or {}), sorted([*BASE, *required]))


ESCALATION_1: Schema = {"allOf": [_ref("EscalationTarget"),
                                  {"properties": {"level": {"const": 1}}}]}
ESCALATION_2: Schema = {"allOf": [_ref("EscalationTarget"),
                                  {"properties": {"level": {"const": 2}}}]}

DATA: dict[str, Schema] = {
    "case.submitted": _data({"assisted_by": _ref("AssistedBy")}),
    "case.step_completed": _data({"inputs": _ref("Inputs")}),
    "case.returned": _data({"requested": _ref("Requested"), "deadline": TIME_OR_NULL,
                            "reason": REASON}, ("requested", "deadline")),
    "case.resubmitted": _data(),
    "case.rejected": _data({"reason": REASON, "inputs": _ref("Inputs")}),
    "case.completed": _data({"auto": {"const": True, "description": "The system closed it "
                                      "after the applicant's confirmation deadline."},
                             "inputs": _ref("Inputs")}),
    "case.archived": _data({"inputs": _ref("Inputs")}),
    "case.expired": _data(),
    "case.withdrawn": _data(),
    "case.due_soon": _data(),
    "case.overdue": _data({"escalate_to": ESCALATION_1}),
    "case.escalated": _data({"escalate_to": ESCALATION_2}, ("escalate_to",)),
    "case.output_issued": _data({"output": _ref("OutputIssued")}, ("output",)),
    "case.output_revoked": _data({"output": _ref("OutputRevoked"), "reason": REASON},
                                 ("output", "reason")),
}
"""Per event type, the schema of its ``data``."""

SUMMARY: dict[str, str] = {
    "case.submitted": "Permohonan diajukan: the case stands at the first officer step.",
    "case.step_completed": "A step was done; `current` is the next step.",
    "case.returned": "Returned to the applicant to complete, with what to bring and until "
                     "when; the agency's clock pauses.",
    "case.resubmitted": "The applicant completed a returned case; `current` is the step it "
                        "went back to.",
    "case.rejected": "Closed as rejected, with the officer's reason.",
    "case.completed": "Closed as done (`data.auto`: closed by the system after the "
                      "applicant's confirmation deadline).",
    "case.archived": "Closed as archived (filed without a product).",
    "case.expired": "Closed because a returned case was not completed before its deadline.",
    "case.withdrawn": "Withdrawn by the applicant.",
    "case.due_soon": "The current step is near its due time (once per step visit).",
    "case.overdue": "The current step passed its due time; the supervisor sees it too.",
    "case.escalated": "Still late after a further delay: the next supervisor sees it too.",
    "case.output_issued": "A signed output document of the SOP is ready for the applicant.",
    "case.output_revoked": "An issued output document was revoked, with the reason.",
}
