"""The merged OpenAPI document speaks one vocabulary: the old names of
:mod:`shared.web.vocabulary` appear only as deprecated aliases next to their new names, no
schema or parameter brings them back undeprecated, and the page schemas are
``ServiceCasePage`` and ``TrackedCasePage`` (``CasePage`` a deprecated alias)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gateway.apidocs.merge import SchemaClash, merge
from services.dukcapil.app import create_app as create_dukcapil
from shared.web.vocabulary import FIELDS, NEW_SCHEMAS, SCHEMAS
from tests.gateway.apidocs.support import spec

REF = "#/components/schemas/"
DOCS = Path(__file__).resolve().parents[3] / "docs" / "api.md"


def objects(node: Any, where: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every schema object with ``properties`` anywhere under ``node``, with its place."""
    if isinstance(node, dict):
        if isinstance(node.get("properties"), dict):
            yield where, node
        for key, value in node.items():
            yield from objects(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from objects(value, f"{where}/{i}")


def is_case(schema: dict[str, Any]) -> bool:
    """A case (a service's or a tracked one): its ``id`` would be the case's id."""
    return {"tracking_no", "sop_key"} <= set(schema["properties"])


def bare(schema: dict[str, Any]) -> dict[str, Any]:
    """A property's schema without its words (title, description, deprecation)."""
    return {k: v for k, v in schema.items() if k not in ("title", "description", "deprecated")}


def misnamed(document: dict[str, Any]) -> list[str]:
    """Each place where a concept goes by its old name in new code."""
    found = []
    for where, schema in objects(document, "#"):
        props = schema["properties"]
        for old, new in FIELDS.items():
            if old not in props or (old == "id" and not is_case(schema)):
                continue
            if not props[old].get("deprecated"):
                found.append(f"{where}: `{old}` (say `{new}`)")
            if new not in props:
                found.append(f"{where}: deprecated `{old}` without `{new}`")
    for path, item in document.get("paths", {}).items():
        for method, op in item.items():
            for param in op.get("parameters", []) if isinstance(op, dict) else []:
                name = param.get("name")
                if name in FIELDS and name != "id" and not param.get("deprecated"):
                    found.append(f"{method} {path}: parameter `{name}` (say `{FIELDS[name]}`)")
    for name, schema in document.get("components", {}).get("schemas", {}).items():
        if name in SCHEMAS and not schema.get("deprecated"):
            found.append(f"schema {name} (say {SCHEMAS[name]})")
        if name.endswith("CasePage") and name not in (*NEW_SCHEMAS, *SCHEMAS):
            found.append(f"schema {name} (a page of cases is one of {NEW_SCHEMAS})")
    return found


def test_the_document_uses_one_name_per_concept() -> None:
    assert misnamed(spec()) == []


def test_the_old_names_are_there_deprecated_with_the_new_ones() -> None:
    schemas = spec()["components"]["schemas"]
    expected = {"CaseOut": {"id": "case_id"},
                "HistoryOut": {"event": "type", "step_id": "step", "next_step_id": "next_step"},
                "CaseSummary": {"late": "overdue"}, "Holder": {"late": "overdue"},
                "Tracking": {"late": "overdue"}}
    for name, pairs in expected.items():
        props = schemas[name]["properties"]
        for old, new in pairs.items():
            assert props[old]["deprecated"] is True, (name, old)
            assert "deprecated" not in props[new], (name, new)
            assert bare(props[old]) == bare(props[new]), (name, old)
            assert {old, new} <= set(schemas[name]["required"]), name
    assert schemas["CasePage"]["$ref"] == REF + "TrackedCasePage"
    assert schemas["CasePage"]["deprecated"] is True
    paths = spec()["paths"]
    answer = "responses", "200", "content", "application/json", "schema"

    def body(path: str) -> Any:
        node: Any = paths[path]["get"]
        for key in answer:
            node = node[key]
        return node

    assert body("/api/v1/inbox") == body("/api/v1/me/cases") == {"$ref": REF + "TrackedCasePage"}
    assert body("/api/v1/dukcapil/cases") == {"$ref": REF + "ServiceCasePage"}
    assert schemas["ServiceCasePage"]["properties"]["items"]["items"] == {"$ref": REF + "CaseOut"}


def test_a_service_document_keeps_its_own_old_page_name() -> None:
    document = create_dukcapil().openapi()
    schemas = document["components"]["schemas"]
    assert schemas["CasePage"] == {
        "$ref": REF + "ServiceCasePage", "deprecated": True,
        "description": "Deprecated: the old name of `ServiceCasePage`; removed in the next "
                       "release."}
    assert misnamed(document) == []
    assert spec()["components"]["schemas"]["CasePage"]["$ref"] == REF + "TrackedCasePage"


def test_the_walk_finds_an_old_name_in_new_code() -> None:
    bad = {"components": {"schemas": {
        "AgencyItem": {"properties": {"tracking_no": {}, "sop_key": {}, "status": {},
                                      "id": {}, "late": {"type": "boolean"}}},
        "Entry": {"properties": {"event": {"deprecated": True}, "type": {}}},
        "PajakCasePage": {"properties": {"items": {}}},
        "CasePage": {"$ref": REF + "TrackedCasePage"}}},
        "paths": {"/x": {"get": {"parameters": [{"name": "late", "in": "query"}]}}}}
    assert misnamed(bad) == [
        "#/components/schemas/AgencyItem: `id` (say `case_id`)",
        "#/components/schemas/AgencyItem: deprecated `id` without `case_id`",
        "#/components/schemas/AgencyItem: `late` (say `overdue`)",
        "#/components/schemas/AgencyItem: deprecated `late` without `overdue`",
        "get /x: parameter `late` (say `overdue`)",
        "schema PajakCasePage (a page of cases is one of ('ServiceCasePage', 'TrackedCasePage'))",
        "schema CasePage (say TrackedCasePage)"]


def test_a_service_schema_is_never_dropped_for_a_name_already_taken() -> None:
    gateway = {"openapi": "3.1.0", "paths": {}, "components": {"schemas": {
        "DukcapilThing": {"type": "object", "properties": {"a": {"type": "string"}}}}}}
    service = {"paths": {}, "components": {"schemas": {
        "Thing": {"type": "object", "properties": {"b": {"type": "integer"}}}}}}
    other = {"paths": {}, "components": {"schemas": {"Thing": {"type": "string"}}}}
    with pytest.raises(SchemaClash, match="DukcapilThing"):
        merge(gateway, {"dukcapil": service, "pajak": other})


def test_docs_name_every_pair() -> None:
    text = DOCS.read_text(encoding="utf-8")
    section = text.split("## Names", 1)[1].split("\n## ", 1)[0]
    for old, new in (*FIELDS.items(), *SCHEMAS.items()):
        assert f"`{old}`" in section and f"`{new}`" in section, old
    assert "next release" in section
