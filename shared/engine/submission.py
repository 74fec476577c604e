"""Checks an applicant's form data and documents against an SOP's requirements.

Returns every problem at once, each naming the field (never its value: values may be
personal data). Text values have a maximum length (:attr:`FormField.length_limit`) and no
control characters (a multi-line ``text`` may hold line breaks and tabs); a ``nik`` field
is checked as the identity forms check a NIK (region code, birth date with the +40 of
women, serial), and one named for a KK number (``nomor_kk``, ``no_kk``: the shipped SOPs
type them ``nik``, and a shipped version may not change) as a KK number
(:mod:`shared.identity_numbers`).

Used by the engine when a case is opened, when a returned file is completed, and when an
officer takes an action that declares fields or documents (the same checks).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from shared.identity_numbers import kk_problems, nik_problems
from shared.sop.model import DocumentSpec, FormField, SopDefinition

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9]{9,15}$")
_KK_NAME = re.compile(r"(^|_)kk($|_)")
"""A ``nik`` field holding a KK number: ``nomor_kk``, ``no_kk``, ``kk_ayah``."""
_SIXTEEN_DIGITS = re.compile(r"[0-9]{16}")
_WIB = ZoneInfo("Asia/Jakarta")
_MULTILINE = frozenset("\n\r\t")


def is_kk_field(spec: FormField) -> bool:
    return spec.type == "nik" and bool(_KK_NAME.search(spec.name))


def _has_control(value: str, allowed: frozenset[str]) -> bool:
    if value.isprintable():  # the usual case: no Cc character at all (fast, in C)
        return False
    return any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in value)


def _text_problem(spec: FormField, value: str) -> dict[str, Any] | None:
    """Too long, or a control character (NUL included) where none belongs."""
    limit = spec.length_limit
    if limit is not None and len(value) > limit:
        return {"problem": "too-long", "ctx": {"max_length": limit}}
    if _has_control(value, _MULTILINE if spec.type == "text" else frozenset()):
        return {"problem": "control-characters"}
    return None


def _identity_problem(spec: FormField, value: Any, today: date) -> str | None:
    kk = is_kk_field(spec)
    if not isinstance(value, str) or not _SIXTEEN_DIGITS.fullmatch(value):
        return "not-kk" if kk else "not-nik"
    found = kk_problems(value, today) if kk else nik_problems(value, today)
    return found[0] if found else None


def _check_value(spec: FormField, value: Any, today: date) -> str | dict[str, Any] | None:
    """The problem with one value, as a message code (with its parameters), or None."""
    kind = spec.type
    if kind in ("string", "text", "email") and isinstance(value, str):
        problem = _text_problem(spec, value)
        if problem:
            return problem
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
        return _identity_problem(spec, value, today)
    if kind == "phone":
        return None if isinstance(value, str) and _PHONE.match(value) else "not-phone"
    if kind == "email":
        return None if isinstance(value, str) and _EMAIL.match(value) else "not-email"
    return "unknown-type"


def check_submission(
    sop: SopDefinition, form: dict[str, Any], documents: set[str], *, partial: bool = False,
    today: date | None = None,
) -> list[dict[str, Any]]:
    """Problems with ``form`` and ``documents``; empty when they meet the SOP.

    ``partial`` (completing a returned file) checks only what is given: earlier values stay.
    ``today`` dates a NIK's birth date (default: today in Asia/Jakarta).
    """
    return check_inputs(sop.form, sop.documents, form, documents, partial=partial, today=today)


def check_inputs(
    fields: Iterable[FormField], specs: Iterable[DocumentSpec], form: dict[str, Any],
    documents: set[str], *, partial: bool = False, today: date | None = None,
) -> list[dict[str, Any]]:
    """Problems with ``form`` and ``documents`` against declared ``fields`` and document
    ``specs``: the applicant's form and documents, or what an officer action declares. An
    entry is ``{"field", "problem"}``, with ``ctx`` (the message's parameters) for some."""
    fields, specs = tuple(fields), tuple(specs)
    day = today or datetime.now(_WIB).date()
    problems: list[dict[str, Any]] = []
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
        problem = _check_value(spec, value, day)
        if isinstance(problem, dict):
            problems.append({"field": spec.name, **problem})
        elif problem:
            problems.append({"field": spec.name, "problem": problem})
    doc_keys = {d.key for d in specs}
    for key in sorted(documents - doc_keys):
        problems.append({"field": f"documents.{key}", "problem": "unknown-document"})
    if not partial:
        for doc in specs:
            if doc.required and doc.key not in documents:
                problems.append({"field": f"documents.{doc.key}", "problem": "required"})
    return problems
