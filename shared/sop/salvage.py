"""Find the flow problems of a definition that also fails the schema, so a refusal lists
every problem at once instead of the schema's first.

The offending parts are cut out one by one (a bad field, a bad list item, a step that lacks a
required field) until what is left parses; the flow checks then run on that. Problems that
only follow from a cut (a reference to a removed step, an unreachable step behind it) are
left out: they would not be the author's.
"""

from __future__ import annotations

import copy
from typing import Any

from pydantic import ValidationError

from shared.registry import Registry
from shared.sop.model import SopDefinition
from shared.sop.validate import Problem, SopValidationError, validate_sop

MAX_CUTS = 50
STEP_REQUIRED = frozenset({"id", "actor", "activity"})
TOP_REQUIRED = frozenset({"key", "title", "agency", "service", "steps"})
CONSEQUENCES = ("tidak dapat dicapai", "tidak ada jalan menuju hasil akhir")


def flow_problems(data: dict[str, Any], registry: Registry) -> list[Problem]:
    """The flow problems of ``data`` once its schema errors are cut out (none if it cannot
    be made to parse)."""
    work = copy.deepcopy(data)
    removed: set[str] = set()
    for _ in range(MAX_CUTS):
        try:
            sop = SopDefinition.model_validate(work)
        except ValidationError as exc:
            if not _cut(work, exc.errors()[0]["loc"], exc.errors()[0]["type"], removed):
                return []
            continue
        try:
            validate_sop(sop, registry)
        except SopValidationError as exc:
            return [p for p in exc.problems if not _follows_from(p, removed)]
        return []
    return []


def _cut(data: dict[str, Any], loc: tuple[Any, ...], kind: str, removed: set[str]) -> bool:
    """Remove what ``loc`` points at; False when nothing sensible can be removed."""
    if len(loc) >= 2 and loc[0] == "steps" and isinstance(loc[1], int):
        steps = data.get("steps")
        if not isinstance(steps, list) or loc[1] >= len(steps):
            return False
        field = loc[2] if len(loc) > 2 else None
        if field is None or (field in STEP_REQUIRED and len(loc) == 3):
            step = steps.pop(loc[1])
            if isinstance(step, dict) and isinstance(step.get("id"), str):
                removed.add(step["id"])
            return True
    if len(loc) == 1 and loc[0] in TOP_REQUIRED:
        return False
    if kind == "missing":  # the item that lacks a field goes
        return len(loc) >= 2 and _remove(data, loc[:-1])
    return _remove(data, loc)


def _at(data: Any, loc: tuple[Any, ...]) -> Any:
    for part in loc:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _remove(data: dict[str, Any], loc: tuple[Any, ...]) -> bool:
    parent = _at(data, loc[:-1])
    last = loc[-1] if loc else None
    if isinstance(parent, dict) and last in parent:
        del parent[last]
        return True
    if isinstance(parent, list) and isinstance(last, int) and last < len(parent):
        parent.pop(last)
        return True
    return False


def _follows_from(problem: Problem, removed: set[str]) -> bool:
    if not removed:
        return False
    if problem.step in removed or any(c in problem.message for c in CONSEQUENCES):
        return True
    return any(f"'{step}'" in problem.message for step in removed)
