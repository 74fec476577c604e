"""The gateway's ``/openapi.json`` documents the whole public API: its own routes and every
service's under ``/api/v1/<service>``, with bearer auth, problem+json errors and examples that
match their schemas. It validates as OpenAPI 3.1."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate

from gateway.apidocs.merge import merge
from gateway.settings import SERVICES
from services.dukcapil.app import create_app as create_dukcapil
from shared.web.openapi import PROBLEM_STATUSES, operations
from tests.gateway.apidocs.support import errors, spec
from tests.gateway.routing.harness import gateway_stack

PUBLIC = [("post", "/api/v1/auth/login"), ("post", "/api/v1/auth/register"),
          ("post", "/api/v1/auth/refresh"), ("get", "/.well-known/jwks.json"),
          ("get", "/api/v1/catalog"), ("get", "/verify/{code}"),
          ("get", "/api/v1/survey/public/{agency}"), ("get", "/healthz"), ("get", "/readyz"),
          ("get", "/api/v1/dukcapil/sops"), ("get", "/api/v1/dukcapil/sops/{key}"),
          ("get", "/api/v1/perizinan/sops/{key}/standard"),
          ("get", "/api/v1/umum/sops/{key}/versions")]
SECURED = [("post", "/api/v1/dukcapil/cases"), ("post", "/api/v1/dukcapil/cases/{case_id}/actions"),
           ("get", "/api/v1/pajak/cases/{case_id}/history"), ("get", "/api/v1/inbox"),
           ("get", "/api/v1/me/cases"), ("get", "/api/v1/tracking/{tracking_no}"),
           ("post", "/api/v1/survey/{tracking_no}"), ("post", "/api/v1/dukcapil/sops"),
           ("get", "/api/v1/auth/me")]


def test_the_merged_document_validates_as_openapi_3_1() -> None:
    document = spec()
    assert document["openapi"].startswith("3.1")
    validate(document)
    text = json.dumps(document)
    assert "HTTPValidationError" not in text and "#/$defs/" not in text


def test_every_service_operation_is_there_under_its_public_prefix() -> None:
    paths = spec()["paths"]
    for service in SERVICES:
        for path, method in (("/cases", "post"), ("/cases", "get"), ("/cases/{case_id}", "get"),
                             ("/cases/{case_id}/history", "get"),
                             ("/cases/{case_id}/actions", "post"), ("/sops", "get"),
                             ("/sops/{key}", "get"), ("/sops/{key}/standard", "get"),
                             ("/sops", "post"), ("/cases/{case_id}/documents", "get")):
            operation = paths[f"/api/v1/{service}{path}"][method]
            assert operation["tags"] == [service]
            assert operation["operationId"].startswith(f"{service}_")
    assert "get" in paths["/api/v1/pajak/nop/periksa"]  # a department route
    assert "/api/v1/{service}/{path}" not in paths and "/api/v1/{service}" not in paths
    assert not any(p.startswith("/api/v1/{service}") for p in paths)
    assert "/docs" not in paths and "/{path}" not in paths
    ids = [op["operationId"] for _, _, op in operations(spec())]
    assert len(ids) == len(set(ids)) > 150
    tags = [t["name"] for t in spec()["tags"]]
    assert tags[:3] == ["ops", "identity", "identity-admin"] and tags[-len(SERVICES):] == \
        list(SERVICES)


def test_schemas_merge_without_collisions() -> None:
    schemas = spec()["components"]["schemas"]
    # The gateway's page of tracked cases differs from the services': both kept, apart.
    assert schemas["TrackedCasePage"] != schemas["ServiceCasePage"]
    service_page = create_dukcapil().openapi()["components"]["schemas"]["ServiceCasePage"]
    assert schemas["ServiceCasePage"]["properties"].keys() == service_page["properties"].keys()
    assert "DukcapilCaseOut" not in schemas  # the same in every service: kept once
    for name in schemas:
        assert not name.startswith(tuple(s.capitalize() for s in SERVICES)) or \
            name.startswith("Pajak"), name
    refs = {r for r in _refs(spec())}
    responses = spec()["components"]["responses"]
    assert refs <= {f"#/components/schemas/{n}" for n in schemas} | \
        {f"#/components/responses/{n}" for n in responses}


def test_a_schema_that_differs_between_services_gets_the_service_name() -> None:
    gateway = {"openapi": "3.1.0", "info": {"title": "g", "version": "1"}, "paths": {},
               "components": {"schemas": {}}}

    def service(title: str) -> dict[str, Any]:
        return {"openapi": "3.1.0", "info": {"title": "s", "version": "1"}, "paths": {
            "/x": {"get": {"operationId": "x", "responses": {"200": {"description": "ok",
                   "content": {"application/json": {"schema": {
                       "$ref": "#/components/schemas/Page"}}}}}}}},
            "components": {"schemas": {
                "Page": {"type": "object", "properties": {
                    "item": {"$ref": "#/components/schemas/Item"}}},
                "Item": {"type": "object", "title": title}}}}

    merged = merge(gateway, {"a": service("A"), "b": service("B")})
    schemas = merged["components"]["schemas"]
    assert set(schemas) == {"APage", "AItem", "BPage", "BItem"}  # Page refers to a split one
    assert schemas["BPage"]["properties"]["item"]["$ref"] == "#/components/schemas/BItem"
    answer = merged["paths"]["/api/v1/b/x"]["get"]["responses"]["200"]
    assert answer["content"]["application/json"]["schema"]["$ref"].endswith("/BPage")
    assert merged["paths"]["/api/v1/a/x"]["get"]["operationId"] == "a_x"


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


def test_bearer_auth_is_declared_and_public_operations_say_so() -> None:
    document = spec()
    scheme = document["components"]["securitySchemes"]["bearerAuth"]
    assert scheme == {**scheme, "type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    for _, _, op in operations(document):
        assert op["security"] in ([], [{"bearerAuth": []}]), op["operationId"]
    for method, path in PUBLIC:
        assert document["paths"][path][method]["security"] == [], path
    for method, path in SECURED:
        assert document["paths"][path][method]["security"] == [{"bearerAuth": []}], path


def test_every_operation_answers_problem_json_with_the_real_body_shape() -> None:
    document = spec()
    shared = document["components"]["responses"]
    for _, _, op in operations(document):
        for status in ("400", "401", "403", "404", "409", "413", "415", "422", "429"):
            answer = op["responses"][status]
            if "$ref" in answer:
                assert answer["$ref"] == f"#/components/responses/Problem{status}"
                answer = shared[f"Problem{status}"]
            content = answer["content"]
            assert next(iter(content)) == "application/problem+json", (op["operationId"], status)
            assert set(content) <= {"application/problem+json", "text/html"}
            assert content["application/problem+json"]["schema"] == {
                "$ref": "#/components/schemas/Problem"}
    problem = document["components"]["schemas"]["Problem"]
    assert set(problem["required"]) >= {"type", "title", "status", "code", "detail",
                                        "request_id"}
    item = document["components"]["schemas"]["ProblemItem"]["properties"]
    assert {"field", "problem", "message"} <= set(item)
    assert set(PROBLEM_STATUSES) >= {"400", "401", "403", "404", "409", "413", "415", "422",
                                     "429"}
    # What the identity routes said about a status stays, with the shared schema.
    register = document["paths"]["/api/v1/auth/register"]["post"]["responses"]["409"]
    assert "already used" in register["description"]
    # A browser's page stays documented next to the problem (the verification page).
    unknown = document["paths"]["/verify/{code}"]["get"]["responses"]["404"]["content"]
    assert set(unknown) == {"application/problem+json", "text/html"}


def _examples(document: dict[str, Any]) -> list[tuple[str, dict[str, Any], Any]]:
    found = []
    for path, method, op in operations(document):
        bodies = [("request", m) for m in op.get("requestBody", {}).get("content", {}).values()]
        bodies += [(f"response {s}", m) for s, r in op.get("responses", {}).items()
                   for m in r.get("content", {}).values()]
        for where, media in bodies:
            for name, example in media.get("examples", {}).items():
                found.append((f"{method} {path} {where} {name}", media["schema"],
                              example["value"]))
    return found


def test_examples_for_auth_cases_tracking_and_survey_match_their_schemas() -> None:
    examples = _examples(spec())
    named = " ".join(e[0] for e in examples)
    for wanted in ("post /api/v1/auth/login request", "post /api/v1/auth/login response 200",
                   "post /api/v1/auth/register request", "post /api/v1/dukcapil/cases request",
                   "post /api/v1/dukcapil/cases response 201",
                   "post /api/v1/dukcapil/cases/{case_id}/actions request",
                   "post /api/v1/dukcapil/cases/{case_id}/actions response 200",
                   "get /api/v1/tracking/{tracking_no} response 200",
                   "post /api/v1/survey/{tracking_no} request",
                   "post /api/v1/survey/{tracking_no} response 201"):
        assert wanted in named, wanted
    for where, schema, value in examples:
        assert errors(value, schema) == [], where


def test_each_service_spec_names_its_public_prefix_as_server() -> None:
    own = create_dukcapil().openapi()
    assert own["servers"] == [{"url": "/api/v1/dukcapil"}]
    assert "/cases" in own["paths"]
    assert own["paths"]["/cases"]["post"]["security"] == [{"bearerAuth": []}]
    validate(own)


async def test_the_gateway_serves_the_merged_document(tmp_path: Path) -> None:
    async with gateway_stack(tmp_path) as stack:
        response = await stack.client.get("/openapi.json")
        assert response.status_code == 200
        body = response.json()
        assert "/api/v1/dukcapil/cases/{case_id}/actions" in body["paths"]
        again = await stack.client.get("/openapi.json")
        assert again.json() == body
        assert stack.gateway.openapi() is stack.gateway.openapi()  # built once
        own = await stack.client.get("/api/v1/dukcapil/openapi.json")
        assert own.status_code == 200 and own.json()["servers"] == [{"url": "/api/v1/dukcapil"}]


@pytest.mark.parametrize("problem", ["missing-case", "validation"])
async def test_real_problem_bodies_match_the_documented_schema(tmp_path: Path,
                                                               problem: str) -> None:
    async with gateway_stack(tmp_path) as stack:
        who = stack.headers("warga-1", "citizen")
        if problem == "missing-case":
            response = await stack.client.get(
                "/api/v1/dukcapil/cases/00000000-0000-4000-8000-000000000000", headers=who)
            assert response.status_code == 404
        else:
            response = await stack.client.get("/api/v1/dukcapil/cases?limit=0", headers=who)
            assert response.status_code == 422
            assert response.json()["errors"][0]["field"] == "query.limit"
        assert response.headers["content-type"] == "application/problem+json"
        schema = {"$ref": "#/components/schemas/Problem"}
        assert errors(response.json(), schema) == []
        broken = {k: v for k, v in response.json().items() if k != "request_id"}
        assert errors(broken, schema) != []

