"""Field checks shared by every account form: name, e-mail, WhatsApp number.

Problems are collected per field as stable codes (``email-format``, ``phone-format``, ...) and
raised together as :class:`InvalidFields`; the HTTP layer turns them into one problem+json
422 with ``errors: [{field, problem, message}]`` in the caller's language. A problem never
carries the rejected value (it may be personal data).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any

_EMAIL = re.compile(r"^[a-z0-9._%+\-]+@[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?"
                    r"(?:\.[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?)+$")
_PHONE = re.compile(r"^\+628\d{7,11}$")
_NAME_PUNCT = frozenset(" .,'-")


@dataclass(frozen=True)
class FieldProblem:
    field: str
    problem: str
    params: dict[str, Any] = dataclasses.field(default_factory=dict)


class InvalidFields(Exception):
    def __init__(self, problems: list[FieldProblem]) -> None:
        super().__init__(", ".join(f"{p.field}:{p.problem}" for p in problems))
        self.problems = problems


@dataclass
class Problems:
    """Collects problems while a form is checked; :meth:`raise_if_any` ends the check."""

    items: list[FieldProblem] = dataclasses.field(default_factory=list)

    def add(self, name: str, problem: str, **params: Any) -> None:
        self.items.append(FieldProblem(name, problem, params))

    def has(self, name: str) -> bool:
        return any(p.field == name for p in self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise InvalidFields(list(self.items))


def required(value: str | None) -> str | None:
    """The stripped text, or None when missing or blank."""
    if value is None:
        return None
    text = value.strip()
    return text or None


def normalize_email(value: str) -> str | None:
    """Lower-case e-mail address, or None when it is not one."""
    email = value.strip().lower()
    local, _, _domain = email.partition("@")
    if len(email) > 254 or not local or len(local) > 64 or not _EMAIL.match(email):
        return None
    return email


def normalize_phone(value: str) -> str | None:
    """An Indonesian mobile (WhatsApp) number as ``+628…``; accepts ``08…``, ``628…`` and
    ``+628…`` with spaces, dots, dashes or brackets between the digits."""
    digits = "".join(ch for ch in value.strip() if ch not in " .-()\t")
    if digits.startswith("+62"):
        digits = digits[3:]
    elif digits.startswith("62"):
        digits = digits[2:]
    elif digits.startswith("0"):
        digits = digits[1:]
    else:
        return None
    phone = "+62" + digits
    return phone if _PHONE.match(phone) else None


def check_name(value: str) -> str | None:
    """A problem code for a person's name, or None when it is acceptable."""
    letters = sum(ch.isalpha() for ch in value)
    if len(value) > 100:
        return "name-too-long"
    if letters < 2 or not all(ch.isalpha() or ch in _NAME_PUNCT for ch in value):
        return "name-format"
    return None


def check_contact(problems: Problems, name: str | None, email: str | None,
                  phone: str | None, *, phone_required: bool = True
                  ) -> tuple[str, str, str | None]:
    """Check name, e-mail and phone into ``problems``; returns the normalised values."""
    clean_name = required(name)
    if clean_name is None:
        problems.add("name", "required")
    elif (code := check_name(clean_name)) is not None:
        problems.add("name", code)
    clean_email: str | None = None
    if required(email) is None:
        problems.add("email", "required")
    elif (clean_email := normalize_email(email or "")) is None:
        problems.add("email", "email-format")
    clean_phone: str | None = None
    if required(phone) is None:
        if phone_required:
            problems.add("phone", "required")
    elif (clean_phone := normalize_phone(phone or "")) is None:
        problems.add("phone", "phone-format")
    return " ".join((clean_name or "").split()), clean_email or "", clean_phone
