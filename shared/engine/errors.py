"""Errors the engine raises when an action is not allowed.

Every error has a stable machine ``code`` (used in problem+json ``type`` and for the
localised message in :mod:`shared.i18n`) and ``params`` safe to show: no personal data.
An error is never a silent no-op and never an internal failure.
"""

from __future__ import annotations

from typing import Any


class EngineError(Exception):
    """Base: an action the engine refuses. ``status`` is the HTTP status it maps to."""

    code = "engine-error"
    status = 409

    def __init__(self, **params: Any) -> None:
        self.params = params
        super().__init__(f"{self.code}: {params}")


class CaseClosed(EngineError):
    code = "case-closed"
    status = 409


class ActionNotAvailable(EngineError):
    """The action does not exist at the case's current step."""

    code = "action-not-available"
    status = 409


class WrongStep(EngineError):
    """The caller acted on a step that is no longer the current one."""

    code = "wrong-step"
    status = 409


class RoleNotPermitted(EngineError):
    code = "role-not-permitted"
    status = 403


class NotCaseOwner(EngineError):
    code = "not-case-owner"
    status = 403


class ResubmissionLate(EngineError):
    code = "resubmission-late"
    status = 409


class CommentRequired(EngineError):
    code = "comment-required"
    status = 422


class FormNotAccepted(EngineError):
    """Form data sent with an action that does not take any (only completing a returned
    file updates the applicant's form)."""

    code = "form-not-accepted"
    status = 422


class InvalidSubmission(EngineError):
    """The applicant's form or documents do not meet the SOP's requirements."""

    code = "invalid-submission"
    status = 422

    def __init__(self, problems: list[dict[str, str]]) -> None:
        super().__init__(problems=problems)
        self.problems = problems
