"""Reading a JSON body or a multipart body (a ``data`` JSON part plus one file per document
key), so citizens' apps can send documents with a submission in one request."""

from __future__ import annotations

import json
from typing import TypeVar

from fastapi import Request
from pydantic import BaseModel, ValidationError
from starlette.datastructures import UploadFile

from shared.cases.documents import Upload
from shared.web.limits import STATE_KEY, JsonLimits, too_deep
from shared.web.problems import ProblemError

Model = TypeVar("Model", bound=BaseModel)


def _invalid(exc: ValidationError) -> ProblemError:
    return ProblemError(422, "validation-error", errors=[
        {"field": ".".join(str(p) for p in e["loc"]), "problem": e["type"], "ctx": e.get("ctx")}
        for e in exc.errors()])


async def read_body(request: Request, model: type[Model]) -> tuple[Model, list[Upload]]:
    content_type = request.headers.get("content-type", "")
    uploads: list[Upload] = []
    field = "body"  # where a problem of the JSON itself is reported: the body, or its part
    if content_type.startswith("multipart/form-data"):
        field = "data"
        form = await request.form(max_files=50, max_fields=50)
        raw = form.get("data")
        if not isinstance(raw, str):
            raise ProblemError(422, "validation-error",
                               errors=[{"field": "data", "problem": "missing"}])
        payload = raw
        for key, value in form.multi_items():
            if isinstance(value, UploadFile):
                # The declared type is only a claim: the content decides (shared.documents).
                ctype = (value.content_type or "application/octet-stream").split(";")[0]
                uploads.append(Upload(key=key, filename=value.filename or key,
                                      content_type=ctype, file=value))
    elif content_type.startswith("application/json") or not content_type:
        payload = (await request.body()).decode("utf-8", errors="replace")
    else:
        raise ProblemError(415, "unsupported-body", type=content_type.split(";")[0].strip())
    limits = getattr(request.state, STATE_KEY, None) or JsonLimits()
    if too_deep(payload, limits.max_depth):  # a multipart data part (JSON: the middleware)
        raise ProblemError(422, "json-too-deep", limit=limits.max_depth)
    try:
        return model.model_validate(json.loads(payload or "{}")), uploads
    except json.JSONDecodeError as exc:
        raise ProblemError(422, "validation-error", errors=[
            {"field": field, "problem": "invalid-json", "position": exc.pos}]) from None
    except ValidationError as exc:
        raise _invalid(exc) from None
