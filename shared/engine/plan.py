"""The step table of an SOP version: what a transition reads of a step, worked out once.

A published SOP version never changes, so what the engine reads of a step on every transition
(its actions by name, the role that acts there, where each action leads, the parsed standard
time and its calendar, what entering it starts) is worked out the first time the engine meets
that definition object and kept for as long as the object lives, like a parsed process
definition. Nothing a transition computes is kept: due times, checks and states are worked out
on every call.
"""

from __future__ import annotations

import weakref
from functools import lru_cache

from shared.calendar.standard_time import StandardTime, parse_standard_time
from shared.sop.model import DEFAULT_AUTO_COMPLETE, Action, SopDefinition, Step

OFFICER_KINDS = frozenset({"officer", "external"})
"""Steps an officer acts at (an external one also by an integration callback)."""


@lru_cache(maxsize=4096)
def standard_time(raw: str) -> StandardTime:
    """``raw`` parsed (cached: SOP versions are immutable, and parsing is most of a step's
    due-time cost)."""
    return parse_standard_time(raw)


class StepPlan:
    """One step of the table."""

    __slots__ = (
        "actions",
        "actor",
        "agency",
        "auto_wait",
        "automatic",
        "calendar",
        "confirms_receipt",
        "forward",
        "from_submitted",
        "id",
        "kind",
        "role_key",
        "std",
        "step",
        "takes_inputs",
    )

    def __init__(self, sop: SopDefinition, step: Step) -> None:
        self.step = step
        self.id = step.id
        self.kind = step.kind
        self.automatic = step.kind == "automatic"
        self.agency = step.agency or sop.agency
        self.actor = step.actor
        self.role_key: str | None = (f"{self.agency}:{step.actor}"
                                     if step.kind in OFFICER_KINDS else None)
        """The scoped role that acts at an officer or external step (``<agency>:<role>``)."""
        self.actions: dict[str, Action] = {}
        for action in step.actions:  # the first of a name wins, as Step.action finds it
            self.actions.setdefault(action.name, action)
        self.forward = tuple(a for a in step.actions if a.kind == "forward")
        self.takes_inputs = frozenset(
            a.name for a in step.actions if step.kind in OFFICER_KINDS and a.has_inputs)
        """The actions here that take an officer's fields or documents."""
        self.std = standard_time(step.time) if step.time else None
        self.from_submitted = step.time_from == "submitted"
        self.calendar = sop.calendar_of(step)
        self.confirms_receipt = step.confirms_receipt
        self.auto_wait = (standard_time(step.auto_complete or DEFAULT_AUTO_COMPLETE)
                          if step.confirms_receipt else None)


class SopPlan:
    """The step table of one SOP version."""

    __slots__ = ("__weakref__", "form_checks", "start", "steps")

    def __init__(self, sop: SopDefinition) -> None:
        steps: dict[str, StepPlan] = {}
        for step in sop.steps:  # the first of an id wins, as SopDefinition.step finds it
            steps.setdefault(step.id, StepPlan(sop, step))
        self.steps = steps
        self.start = steps[sop.start.id]
        self.form_checks: object | None = None
        """The checks of the applicant's form and documents
        (:class:`shared.engine.submission.InputChecks`), made on first use."""


_PLANS: dict[int, tuple[weakref.ref[SopDefinition], SopPlan]] = {}


def _forget(key: int, ref: weakref.ref[SopDefinition]) -> None:
    found = _PLANS.get(key)
    if found is not None and found[0] is ref:
        del _PLANS[key]


def plan_for(sop: SopDefinition) -> SopPlan:
    """The step table of ``sop``, built on first use and dropped with the definition."""
    key = id(sop)
    found = _PLANS.get(key)
    if found is not None and found[0]() is sop:
        return found[1]
    plan = SopPlan(sop)
    ref = weakref.ref(sop, lambda r, key=key: _forget(key, r))  # type: ignore[misc]
    _PLANS[key] = (ref, plan)
    return plan
