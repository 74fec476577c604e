"""Checks an applicant's form data and documents against an SOP's requirements.

Returns every problem at once, each naming the field (never its value: values may be
personal data). Used by the engine when a case is opened, when a returned file is completed,
and when an officer takes an action that declares fields or documents (the same checks).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import Any

from shared.sop.model import DocumentSpec, FormField, SopDefinition

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9]{9,15}$")


def _check_value(spec: FormField, value: Any) -> str | None:
    """The problem with one value, as a message code, or None."""
    kind = spec.type
    if kind in ("string", "text"):
        return None if isinstance(value, str) and value.strip() else "not-text"
    if kind == "integer":
        ok = isinstance(value, int) and not isinstance(value, bool)
        return None if ok else "not-integer"
    if kind == "number":
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return None if ok else "not-number"
    if kind == "boolean":
        return None if isinstance(value, bool) else "not-boolean"
    if kind == "date":
        try:
            date.fromisoformat(str(value))
        except ValueError:
            return "not-date"
        return None
    if kind == "choice":
        return None if value in spec.choices else "not-a-choice"
    if kind == "nik":
        return None if isinstance(value, str) and re.fullmatch(r"[0-9]{16}", value) else "not-nik"
    if kind == "phone":
        return None if isinstance(value, str) and _PHONE.match(value) else "not-phone"
    if kind == "email":
        return None if isinstance(value, str) and _EMAIL.match(value) else "not-email"
    return "unknown-type"


def check_submission(
    sop: SopDefinition, form: dict[str, Any], documents: set[str], *, partial: bool = False
) -> list[dict[str, str]]:
    """Problems with ``form`` and ``documents``; empty when they meet the SOP.

    ``partial`` (completing a returned file) checks only what is given: earlier values stay.
    """
    return check_inputs(sop.form, sop.documents, form, documents, partial=partial)


def check_inputs(
    fields: Iterable[FormField], specs: Iterable[DocumentSpec], form: dict[str, Any],
    documents: set[str], *, partial: bool = False,
) -> list[dict[str, str]]:
    """Problems with ``form`` and ``documents`` against declared ``fields`` and document
    ``specs``: the applicant's form and documents, or what an officer action declares."""
    fields, specs = tuple(fields), tuple(specs)
    problems: list[dict[str, str]] = []
    known = {f.name: f for f in fields}
    for name in form:
        if name not in known:
            problems.append({"field": name, "problem": "unknown-field"})
    for spec in fields:
        value = form.get(spec.name)
        if value is None or value == "":
            if spec.required and not partial:
                problems.append({"field": spec.name, "problem": "required"})
            continue
        problem = _check_value(spec, value)
        if problem:
            problems.append({"field": spec.name, "problem": problem})
    doc_keys = {d.key for d in specs}
    for key in sorted(documents - doc_keys):
        problems.append({"field": f"documents.{key}", "problem": "unknown-document"})
    if not partial:
        for doc in specs:
            if doc.required and doc.key not in documents:
                problems.append({"field": f"documents.{doc.key}", "problem": "required"})
    return problems
