"""Identity refusals on top of :class:`shared.web.problems.ProblemError`.

- :class:`KeptRefusal` is a refusal whose database work must still be committed: a failed
  login raises the account's failure counter, a reused refresh token revokes its family.
  The identity ``SessionDep`` commits before the error response for these, and only these.
- :func:`localized` turns :class:`~gateway.identity.fields.InvalidFields` into the 422
  problem with one ``{field, problem, message}`` per problem, in the caller's language.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi import Request

from gateway.identity.fields import InvalidFields
from shared.web.i18n import language, message
from shared.web.problems import ProblemError


class KeptRefusal(ProblemError):
    """Refuse the request but keep (commit) what the service wrote before refusing."""


def refusal(status: int, code: str, retry_after: int | None = None, *, keep: bool = False,
            **params: Any) -> ProblemError:
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
    if retry_after is not None:
        params["retry_after"] = retry_after
    cls = KeptRefusal if keep else ProblemError
    return cls(status, code, headers=headers, **params)


def field_errors(exc: InvalidFields, lang: str) -> list[dict[str, str]]:
    return [{"field": p.field, "problem": p.problem,
             "message": message(f"field.{p.problem}", lang, p.params)} for p in exc.problems]


@contextmanager
def localized(request: Request) -> Iterator[None]:
    """Run a service call; its :class:`InvalidFields` becomes a localised 422 problem."""
    try:
        yield
    except InvalidFields as exc:
        lang = language(request.headers.get("accept-language"))
        raise ProblemError(422, "validation-error", errors=field_errors(exc, lang)) from None
