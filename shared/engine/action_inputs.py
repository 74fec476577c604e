"""What an officer brings with an action: the fields and documents the action declares.

An officer action may declare form fields the officer fills and documents the officer
attaches (:class:`shared.sop.model.Action`). They are checked with the same rules as the
applicant's form and documents (:func:`shared.engine.submission.check_inputs`): a required one
missing, a value of the wrong type, or an undeclared name refuses the action with every
problem at once, naming fields, never values. What was brought is recorded on the history
entry by name only (``data.inputs``); the values are the case service's to store.
"""

from __future__ import annotations

from typing import Any

from shared.engine.errors import FormNotAccepted, InvalidSubmission
from shared.engine.state import Item, Items
from shared.engine.submission import check_inputs
from shared.sop.model import Action, Step

OFFICER_KINDS = frozenset({"officer", "external"})


class ActionInputsInvalid(InvalidSubmission):
    """The officer's fields or documents do not meet what the action declares."""

    code = "action-inputs-invalid"


def check_action_inputs(step: Step, action: Action, form: dict[str, Any] | None,
                        documents: tuple[str, ...]) -> dict[str, Any] | None:
    """The history ``data`` naming what the officer brought, ``None`` when the action takes
    nothing and nothing came; :class:`ActionInputsInvalid` (or :class:`FormNotAccepted` for a
    form sent to an action without fields and without documents) otherwise."""
    if step.kind not in OFFICER_KINDS or not (action.has_inputs or documents):
        if form:
            raise FormNotAccepted(action=action.name)
        return None
    if form and not action.fields and not documents:
        raise FormNotAccepted(action=action.name)
    problems = check_inputs(action.input_fields, action.input_documents, dict(form or {}),
                            set(documents))
    if problems:
        raise ActionInputsInvalid(problems)
    given = [f.name for f in action.input_fields if (form or {}).get(f.name) not in (None, "")]
    return {"inputs": {"fields": given, "documents": list(documents)}}


def accepted_items(action: Action) -> Items | None:
    """What an officer action takes, for its option (``accepts``), or ``None``."""
    if not action.has_inputs:
        return None
    return Items(
        documents=tuple(Item(d.key, d.label, d.required, types=d.allowed_types)
                        for d in action.input_documents),
        fields=tuple(Item(f.name, f.label, f.required, type=f.type, choices=f.choices)
                     for f in action.input_fields))
