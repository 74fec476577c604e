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
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from shared.engine.plan import plan_for
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


def _identity_problem(kk: bool, value: Any, today: date) -> str | None:
    if not isinstance(value, str) or not _SIXTEEN_DIGITS.fullmatch(value):
        return "not-kk" if kk else "not-nik"
    found = kk_problems(value, today) if kk else nik_problems(value, today)
    return found[0] if found else None


Problem = str | dict[str, Any] | None
"""A value's problem: a message code, or the code with its parameters; None when fine."""
Check = Callable[[Any, date], Problem]


def _text_check(spec: FormField, not_kind: str, pattern: re.Pattern[str] | None) -> Check:
    """A string, text or e-mail value: its length and control characters, then that it is
    not blank (string, text) or has the shape of an address (e-mail)."""
    limit = spec.length_limit
    allowed = _MULTILINE if spec.type == "text" else frozenset()

    def check(value: Any, today: date) -> Problem:
        if not isinstance(value, str):
            return not_kind
        if limit is not None and len(value) > limit:
            return {"problem": "too-long", "ctx": {"max_length": limit}}
        if _has_control(value, allowed):
            return {"problem": "control-characters"}
        if pattern is None:
            return None if value.strip() else not_kind
        return None if pattern.match(value) else not_kind
    return check


def _integer(value: Any, today: date) -> Problem:
    return None if isinstance(value, int) and not isinstance(value, bool) else "not-integer"


def _number(value: Any, today: date) -> Problem:
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    return None if ok else "not-number"


def _boolean(value: Any, today: date) -> Problem:
    return None if isinstance(value, bool) else "not-boolean"


def _date(value: Any, today: date) -> Problem:
    try:
        date.fromisoformat(str(value))
    except ValueError:
        return "not-date"
    return None


def _phone(value: Any, today: date) -> Problem:
    return None if isinstance(value, str) and _PHONE.match(value) else "not-phone"


def _unknown(value: Any, today: date) -> Problem:
    return "unknown-type"


def value_check(spec: FormField) -> Check:
    """The check of one field's value, with what it reads of the definition looked up once."""
    kind = spec.type
    if kind in ("string", "text"):
        return _text_check(spec, "not-text", None)
    if kind == "email":
        return _text_check(spec, "not-email", _EMAIL)
    if kind == "choice":
        choices = spec.choices
        return lambda value, today: None if value in choices else "not-a-choice"
    if kind == "nik":
        kk = is_kk_field(spec)
        return lambda value, today: _identity_problem(kk, value, today)
    return _SIMPLE.get(kind, _unknown)


_SIMPLE: dict[str, Check] = {"integer": _integer, "number": _number, "boolean": _boolean,
                             "date": _date, "phone": _phone}


class InputChecks:
    """The checks of declared fields and documents, worked out once per definition."""

    __slots__ = ("doc_keys", "fields", "known", "required_docs")

    def __init__(self, fields: Iterable[FormField], specs: Iterable[DocumentSpec]) -> None:
        fields, specs = tuple(fields), tuple(specs)
        self.fields = tuple((f.name, f.required, value_check(f)) for f in fields)
        self.known = frozenset(f.name for f in fields)
        self.doc_keys = frozenset(d.key for d in specs)
        self.required_docs = tuple(d.key for d in specs if d.required)

    def problems(self, form: dict[str, Any], documents: set[str], *, partial: bool = False,
                 today: date | None = None) -> list[dict[str, Any]]:
        """What :func:`check_inputs` returns for these fields and documents."""
        day = today or datetime.now(_WIB).date()
        problems: list[dict[str, Any]] = []
        known = self.known
        for name in form:
            if name not in known:
                problems.append({"field": name, "problem": "unknown-field"})
        for name, required, check in self.fields:
            value = form.get(name)
            if value is None or value == "":
                if required and not partial:
                    problems.append({"field": name, "problem": "required"})
                continue
            problem = check(value, day)
            if isinstance(problem, dict):
                problems.append({"field": name, **problem})
            elif problem:
                problems.append({"field": name, "problem": problem})
        if documents:
            for key in sorted(documents - self.doc_keys):
                problems.append({"field": f"documents.{key}", "problem": "unknown-document"})
        if not partial:
            for key in self.required_docs:
                if key not in documents:
                    problems.append({"field": f"documents.{key}", "problem": "required"})
        return problems


def check_submission(
    sop: SopDefinition, form: dict[str, Any], documents: set[str], *, partial: bool = False,
    today: date | None = None,
) -> list[dict[str, Any]]:
    """Problems with ``form`` and ``documents``; empty when they meet the SOP.

    ``partial`` (completing a returned file) checks only what is given: earlier values stay.
    ``today`` dates a NIK's birth date (default: today in Asia/Jakarta).
    """
    plan = plan_for(sop)
    checks = plan.form_checks
    if checks is None:  # an SOP version never changes: its checks are worked out once
        checks = plan.form_checks = InputChecks(sop.form, sop.documents)
    assert isinstance(checks, InputChecks)
    return checks.problems(form, documents, partial=partial, today=today)


def check_inputs(
    fields: Iterable[FormField], specs: Iterable[DocumentSpec], form: dict[str, Any],
    documents: set[str], *, partial: bool = False, today: date | None = None,
) -> list[dict[str, Any]]:
    """Problems with ``form`` and ``documents`` against declared ``fields`` and document
    ``specs``: the applicant's form and documents, or what an officer action declares. An
    entry is ``{"field", "problem"}``, with ``ctx`` (the message's parameters) for some."""
    return InputChecks(fields, specs).problems(form, documents, partial=partial, today=today)
