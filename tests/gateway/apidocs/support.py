"""Reading the gateway's merged OpenAPI document in tests: built once, and a validator for a
value against one of its schemas (references resolved inside the document)."""

from __future__ import annotations

from functools import cache
from typing import Any

from jsonschema import Draft202012Validator

from gateway.app import create_gateway_app


@cache
def spec() -> dict[str, Any]:
    """The merged document, as the gateway serves it (built without starting anything)."""
    document: dict[str, Any] = create_gateway_app().openapi()
    return document


def errors(value: Any, schema: dict[str, Any], document: dict[str, Any] | None = None
           ) -> list[str]:
    """What is wrong with ``value`` against ``schema`` of ``document`` (empty: it conforms)."""
    document = document or spec()
    wrapper = {**schema, "components": document.get("components", {})}
    validator = Draft202012Validator(wrapper, format_checker=Draft202012Validator.FORMAT_CHECKER)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
            for e in validator.iter_errors(value)]


def response_schema(path: str, method: str, status: int,
                    media: str = "application/json") -> dict[str, Any]:
    answer = spec()["paths"][path][method]["responses"][str(status)]
    if "$ref" in answer:  # a shared answer (the problem+json ones)
        answer = spec()["components"]["responses"][answer["$ref"].rsplit("/", 1)[1]]
    schema: dict[str, Any] = answer["content"][media]["schema"]
    return schema
