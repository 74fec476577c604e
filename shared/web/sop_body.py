"""The body of ``POST /sops``: an SOP definition as JSON, or as YAML (the format of the files
in ``services/*/sops/``, so an agency admin uploads the file as written).

YAML is read with the safe loader and without aliases (``*name`` could multiply a small file
into a huge structure); a body over :data:`MAX_DEFINITION_BYTES`, text that does not parse or
a top level that is not a mapping is refused before any SOP validation. Errors name the line
and column, never the content.
"""

from __future__ import annotations

import json
from typing import Any

import yaml
from fastapi import Request

from shared.web.problems import ProblemError

MAX_DEFINITION_BYTES = 256 * 1024
"""Four times the largest SOP of the regulation (16 KB) and then some."""
YAML_TYPES = ("application/yaml", "text/yaml", "application/x-yaml")
JSON_TYPES = ("application/json",)


class _Refused(Exception):
    def __init__(self, problem: str, mark: yaml.Mark | None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.mark = mark


class _NoAliasLoader(yaml.SafeLoader):
    """The safe loader refusing aliases."""

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            raise _Refused("yaml-alias", self.peek_event().start_mark)
        return super().compose_node(parent, index)  # type: ignore[no-untyped-call]


def _invalid(problem: str, **ctx: Any) -> ProblemError:
    error: dict[str, Any] = {"field": "body", "problem": problem}
    if ctx:
        error["ctx"] = ctx
    return ProblemError(422, "validation-error", errors=[error])


def _at(mark: yaml.Mark | None) -> dict[str, int]:
    return {"line": mark.line + 1, "column": mark.column + 1} if mark is not None else {}


def parse_yaml(text: str) -> Any:
    try:
        return yaml.load(text, Loader=_NoAliasLoader)  # a SafeLoader subclass
    except _Refused as exc:
        raise _invalid(exc.problem, **_at(exc.mark)) from None
    except yaml.MarkedYAMLError as exc:
        raise _invalid("invalid-yaml", **_at(exc.problem_mark)) from None
    except yaml.YAMLError:
        raise _invalid("invalid-yaml", line=0, column=0) from None


async def read_definition(request: Request) -> dict[str, Any]:
    """The definition sent as ``application/json`` (or no type) or as YAML; 413 when too
    large, 415 for another type, 422 when it does not parse or is not a mapping."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media and media not in YAML_TYPES + JSON_TYPES:
        raise ProblemError(415, "sop-body-unsupported", type=media[:80])
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_DEFINITION_BYTES:
        raise ProblemError(413, "sop-too-large", limit=MAX_DEFINITION_BYTES)
    raw = bytearray()
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > MAX_DEFINITION_BYTES:
            raise ProblemError(413, "sop-too-large", limit=MAX_DEFINITION_BYTES)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise _invalid("not-utf8") from None
    if media in YAML_TYPES:
        data = parse_yaml(text)
        if not isinstance(data, dict):
            raise _invalid("yaml-not-mapping")
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            raise _invalid("invalid-json") from None
        if not isinstance(data, dict):
            raise _invalid("dict_type")
    return data
