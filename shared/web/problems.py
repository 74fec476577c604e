"""RFC 9457 problem+json responses with stable codes and localised messages.

Each kind of expected failure has its own handler (no catch-all that hides bugs): engine
refusals, request validation, unknown SOP, invalid SOP definitions, HTTP errors. A bug is
still a 500, but as problem+json with the request id and nothing internal in it.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from shared.cases.documents import FileTooLarge
from shared.cases.service import UnknownSop
from shared.documents.intake import DocumentRefused
from shared.engine.errors import EngineError, InvalidSubmission
from shared.sop.validate import Problem, SopValidationError
from shared.web.i18n import field_message, language, message, title
from shared.web.problems_db import install_database_problems

log = logging.getLogger("halo.http")
PROBLEM_TYPE_BASE = "https://halo.lampungselatankab.go.id/problems/"


class ProblemError(Exception):
    """Raise from routes for an expected failure with a stable code."""

    def __init__(self, status: int, code: str, headers: dict[str, str] | None = None,
                 **params: Any) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.params = params
        self.headers = headers or {}


def problem_response(request: Request, status: int, code: str, params: dict[str, Any] | None = None,
                     extra: dict[str, Any] | None = None, headers: dict[str, str] | None = None
                     ) -> JSONResponse:
    lang = language(request.headers.get("accept-language"))
    params = dict(params or {})
    params.setdefault("request_id", getattr(request.state, "request_id", "-"))
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + code, "title": title(status, lang), "status": status,
        "code": code, "detail": message(code, lang, params), "instance": request.url.path,
        "request_id": params["request_id"],
    }
    if extra:
        body.update(extra)
        if isinstance(body.get("errors"), list):
            body["errors"] = [_with_message(e, lang) for e in body["errors"]]
    return JSONResponse(body, status_code=status, media_type="application/problem+json",
                        headers={"Content-Language": lang, **(headers or {})})


def _field_error(error: Any) -> dict[str, Any]:
    """One request validation error as a field problem. A body that is not JSON is the one
    problem ``invalid-json`` of the field ``body`` (with the character ``position`` where the
    parser stopped), as every other body reader of the platform reports it."""
    loc = tuple(error.get("loc", ()))
    if error.get("type") == "json_invalid" and loc[:1] == ("body",):
        found: dict[str, Any] = {"field": "body", "problem": "invalid-json"}
        if len(loc) > 1 and isinstance(loc[1], int):
            found["position"] = loc[1]
        return found
    return {"field": ".".join(str(p) for p in loc), "problem": error.get("type"),
            "ctx": error.get("ctx")}


def _with_message(error: Any, lang: str) -> Any:
    """A field error with its localised message (the pydantic ``ctx`` only fills it in)."""
    if not isinstance(error, dict) or "problem" not in error:
        return error
    error = dict(error)
    ctx = error.pop("ctx", None)
    error.setdefault("message", field_message(str(error["problem"]), lang,
                                              ctx if isinstance(ctx, dict) else None))
    return error


def _sop_problem(problem: Problem, lang: str) -> dict[str, Any]:
    """A definition problem; a schema problem names its field and says what is wrong in
    the caller's language (the checks of ``validate_sop`` already speak Indonesian)."""
    if problem.code is None:
        return {"step": problem.step, "message": problem.message}
    text = field_message(problem.code, lang, problem.params)
    return {"step": problem.step, "field": problem.field, "problem": problem.code,
            "message": f"{problem.field}: {text}"}


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(ProblemError)
    async def _problem(request: Request, exc: ProblemError) -> JSONResponse:
        params = dict(exc.params)
        errors = params.pop("errors", None)
        return problem_response(request, exc.status, exc.code, params,
                                {"errors": errors} if errors is not None else None,
                                headers=exc.headers)

    @app.exception_handler(InvalidSubmission)
    async def _invalid_submission(request: Request, exc: InvalidSubmission) -> JSONResponse:
        return problem_response(request, exc.status, exc.code, {},
                                {"errors": exc.problems})

    @app.exception_handler(EngineError)
    async def _engine(request: Request, exc: EngineError) -> JSONResponse:
        safe = {k: v for k, v in exc.params.items() if k != "available"}
        extra = {"available_actions": exc.params["available"]} if "available" in exc.params \
            else None
        return problem_response(request, exc.status, exc.code, safe, extra)

    @app.exception_handler(UnknownSop)
    async def _unknown_sop(request: Request, exc: UnknownSop) -> JSONResponse:
        return problem_response(request, 404, "sop-not-found", {"key": exc.key})

    @app.exception_handler(SopValidationError)
    async def _invalid_sop(request: Request, exc: SopValidationError) -> JSONResponse:
        lang = language(request.headers.get("accept-language"))
        errors = [_sop_problem(p, lang) for p in exc.problems]
        return problem_response(request, 422, "sop-invalid", {}, {"errors": errors})

    @app.exception_handler(FileTooLarge)
    async def _too_large(request: Request, exc: FileTooLarge) -> JSONResponse:
        return problem_response(request, 413, "file-too-large",
                                {"key": exc.key, "limit": exc.limit})

    @app.exception_handler(DocumentRefused)
    async def _refused(request: Request, exc: DocumentRefused) -> JSONResponse:
        return problem_response(request, 422, "document-refused", {}, {"errors": exc.errors})

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [_field_error(e) for e in exc.errors()]
        return problem_response(request, 422, "validation-error", {}, {"errors": errors})

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {401: "unauthenticated", 403: "forbidden", 404: "not-found"}.get(
            exc.status_code, "validation-error" if exc.status_code < 500 else "internal-error")
        return problem_response(request, exc.status_code, code, {},
                                headers=dict(exc.headers or {}))

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", extra={"error": type(exc).__name__})
        return problem_response(request, 500, "internal-error")

    install_database_problems(app)
