"""The OpenAPI document every process serves, finished the same way everywhere.

FastAPI generates the paths and models; :func:`install_openapi` then makes the document say
what the API really does:

* bearer auth (``components.securitySchemes.bearerAuth``, a JWT) on every operation whose
  route depends on :func:`shared.web.deps.get_principal`, and ``security: []`` on the rest
  (login, catalog, SOP reads, verification, health), read from the routes, not listed;
* problem+json answers (one shared ``Problem`` schema, the body of
  :func:`shared.web.problems.problem_response`) for 400/401/403/404/409/413/415/422/429 and
  the 5xx ones, in place of FastAPI's ``HTTPValidationError`` 422;
* inline JSON Schema ``$defs`` (request bodies given as ``openapi_extra``) hoisted into
  ``components.schemas`` so every ``$ref`` resolves inside the document;
* request and response examples from a table keyed by ``(method, path)``;
* ``servers`` when the process is reached under a prefix (a service behind the gateway).

The document is built once and cached, as FastAPI does (``app.openapi_schema``).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, iter_route_contexts

from shared.web.deps import get_principal

Spec = dict[str, Any]
Examples = dict[tuple[str, str], dict[str, Any]]
"""``(METHOD, path) -> {"request": {name: value}, "response": {status: {name: value}}}``."""

PROBLEM_MEDIA = "application/problem+json"
PROBLEM_STATUSES: dict[str, str] = {
    "400": "Permintaan tidak dapat dibaca (bad request)",
    "401": "Tanpa token atau token tidak sah (`WWW-Authenticate: Bearer`)",
    "403": "Peran pemanggil tidak mengizinkan",
    "404": "Tidak ditemukan, atau pemanggil tidak berhak melihatnya",
    "409": "Bertentangan dengan keadaan saat ini",
    "413": "Berkas atau isi permintaan terlalu besar",
    "415": "Jenis isi tidak didukung",
    "422": "Isian tidak sah: satu entri `errors[]` per masalah",
    "429": "Terlalu banyak permintaan (`Retry-After`)",
    "500": "Galat tak terduga (sebutkan `request_id` kepada help desk)",
    "503": "Layanan sedang tidak tersedia",
    "504": "Layanan tidak menjawab tepat waktu",
}
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

PROBLEM_SCHEMA: Spec = {
    "title": "Problem",
    "description": "RFC 9457 problem details, with a stable machine `code` and a message "
                   "in Bahasa Indonesia (English with `Accept-Language: en`).",
    "type": "object",
    "required": ["type", "title", "status", "code", "detail", "instance", "request_id"],
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "code": {"type": "string", "description": "Stable machine code, e.g. `case-not-found`"},
        "detail": {"type": "string"},
        "instance": {"type": "string", "description": "The request path"},
        "request_id": {"type": "string"},
        "errors": {"type": "array", "items": {"$ref": "#/components/schemas/ProblemItem"}},
        "available_actions": {"type": "array", "items": {"type": "string"},
                              "description": "With `action-not-available`: what may be done"},
    },
    "additionalProperties": True,
    "examples": [{
        "type": "https://halo.lampungselatankab.go.id/problems/validation-error",
        "title": "Permintaan tidak valid", "status": 422, "code": "validation-error",
        "detail": "Data yang dikirim tidak valid.", "instance": "/api/v1/auth/register",
        "request_id": "4f6c0e0a9d2b4a43a1c7f3e1b2d4c5a6",
        "errors": [{"field": "email", "problem": "value_error",
                    "message": "Alamat e-mail tidak valid."}]}],
}
PROBLEM_ITEM_SCHEMA: Spec = {
    "title": "ProblemItem",
    "description": "One problem: the field (dotted path), a machine code and a message.",
    "type": "object",
    "properties": {"field": {"type": ["string", "null"]}, "problem": {"type": "string"},
                   "message": {"type": "string"}, "step": {"type": ["string", "null"]}},
    "additionalProperties": True,
}
BEARER: Spec = {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                "description": "Access token from `POST /api/v1/auth/login` (15 minutes); "
                               "renew it with `POST /api/v1/auth/refresh`."}


def problem_response(status: str, description: str | None = None) -> Spec:
    return {"description": description or PROBLEM_STATUSES[status],
            "content": {PROBLEM_MEDIA: {"schema": {"$ref": "#/components/schemas/Problem"}}}}


def _needs_token(dependant: Dependant) -> bool:
    return any(d.call is get_principal or _needs_token(d) for d in dependant.dependencies)


def secured_operations(app: FastAPI) -> dict[tuple[str, str], bool]:
    """``(method, path) -> whether a bearer token is required``, from the routes (walked as
    FastAPI walks them for the document: included routers are expanded lazily)."""
    found: dict[tuple[str, str], bool] = {}
    for context in iter_route_contexts(app.routes):
        if not isinstance(context.original_route, APIRoute):
            continue
        dependant = getattr(context, "dependant", None) or context.original_route.dependant
        for method in context.methods or ():
            found[(method.lower(), str(context.path_format))] = _needs_token(dependant)
    return found


def operations(spec: Spec) -> Iterator[tuple[str, str, Spec]]:
    for path, item in spec.get("paths", {}).items():
        for method, op in item.items():
            if method in HTTP_METHODS:
                yield path, method, op


def _hoist_defs(node: Any, schemas: dict[str, Any]) -> Any:
    """Move inline ``$defs`` to ``components.schemas`` and point their refs there."""
    if isinstance(node, dict):
        for name, sub in node.pop("$defs", {}).items():
            schemas.setdefault(name, _hoist_defs(sub, schemas))
        return {k: (v.replace("#/$defs/", "#/components/schemas/")
                    if k == "$ref" and isinstance(v, str) else _hoist_defs(v, schemas))
                for k, v in node.items()}
    if isinstance(node, list):
        return [_hoist_defs(v, schemas) for v in node]
    return node


def _set_examples(op: Spec, examples: dict[str, Any]) -> None:
    for name, value in examples.get("request", {}).items():
        for media in op.get("requestBody", {}).get("content", {}).values():
            media.setdefault("examples", {})[name] = {"value": value}
            break
    for status, named in examples.get("response", {}).items():
        content = op.get("responses", {}).get(str(status), {}).get("content", {})
        media = content.get(PROBLEM_MEDIA) or content.get("application/json")
        if media is not None:
            for name, value in named.items():
                media.setdefault("examples", {})[name] = {"value": value}


def finish(spec: Spec, secured: dict[tuple[str, str], bool], examples: Examples | None = None,
           servers: list[dict[str, str]] | None = None) -> Spec:
    """The generated document with auth, problem answers, hoisted ``$defs`` and examples."""
    spec = copy.deepcopy(spec)
    components = spec.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    schemas["Problem"] = copy.deepcopy(PROBLEM_SCHEMA)
    schemas["ProblemItem"] = copy.deepcopy(PROBLEM_ITEM_SCHEMA)
    components.setdefault("securitySchemes", {})["bearerAuth"] = dict(BEARER)
    components.setdefault("responses", {}).update(
        {f"Problem{status}": problem_response(status) for status in PROBLEM_STATUSES})
    spec["paths"] = _hoist_defs(spec.get("paths", {}), schemas)
    for path, method, op in operations(spec):
        op["security"] = [{"bearerAuth": []}] if secured.get((method, path), False) else []
        responses = op.setdefault("responses", {})
        for status, answer in list(responses.items()):
            if status[:1] in "45":
                given = answer.get("description")
                responses[status] = problem_response(
                    status, given if given not in (None, "", "Validation Error") else None)
                for media, body in answer.get("content", {}).items():
                    if media != "application/json":  # e.g. an HTML page for a browser
                        responses[status]["content"].setdefault(media, body)
        for status in PROBLEM_STATUSES:
            responses.setdefault(status, {"$ref": f"#/components/responses/Problem{status}"})
        wanted = (examples or {}).get((method.upper(), path))
        if wanted:
            _set_examples(op, wanted)
    if servers:
        spec["servers"] = servers
    return spec


def install_openapi(app: FastAPI, *, examples: Examples | None = None,
                    servers: list[dict[str, str]] | None = None,
                    extend: Callable[[Spec], Spec] | None = None) -> None:
    """Replace ``app.openapi`` with the finished document (built once, then cached).
    ``extend`` adds to the finished document (the gateway merges the services' here)."""

    def openapi() -> Spec:
        if app.openapi_schema is None:
            generated = get_openapi(title=app.title, version=app.version,
                                    openapi_version=app.openapi_version,
                                    description=app.description, routes=app.routes)
            spec = finish(generated, secured_operations(app), examples, servers)
            app.openapi_schema = extend(spec) if extend else spec
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def route_name_id(route: APIRoute) -> str:
    """Operation ids from the route function's name (``open_case``, ``login``): short, stable
    names for generated clients. Names are unique within one app (a test checks)."""
    return route.name
