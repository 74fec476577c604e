"""Conformance of the raw answers to GeoReport v2, in JSON and XML: the assertions of the
public Open311 validators (Libre311's GeoReport v2 compliance checks: required fields per
call, service types, attribute datatypes, boolean ``metadata``/``required``, request id
shape, statuses, ISO 8601 datetimes, coordinate ranges), ported, plus the spec's own rules
(element names, UTF-8 with the XML declaration, w3 datetimes with a zone, unique positive
attribute order, the error shape and its status codes)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import httpx
import pytest
from fastapi import FastAPI

from tests.services.pengaduan.open311_harness import (
    BASE,
    INSPEKTORAT_POST,
    OFFERED,
    PDAM,
    PDAM_POST,
    new_key,
    pengaduan,
)

SERVICE_REQUIRED = ("service_code", "service_name", "description", "metadata", "type")
DEFINITION_REQUIRED = ("service_code", "attributes")
ATTRIBUTE_REQUIRED = ("variable", "code", "datatype", "required", "order", "description")
REQUEST_REQUIRED = ("service_request_id", "status", "service_code", "description",
                    "requested_datetime")
REQUEST_FIELDS = ("service_request_id", "status", "status_notes", "service_name",
                  "service_code", "description", "agency_responsible", "service_notice",
                  "requested_datetime", "updated_datetime", "expected_datetime", "address",
                  "address_id", "zipcode", "lat", "long", "media_url")
SERVICE_TYPES = ("realtime", "batch", "blackbox")
STATUSES = ("open", "closed")
DATATYPES = ("string", "number", "datetime", "text", "singlevaluelist", "multivaluelist")
W3 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$")
REQUEST_ID = re.compile(r"^[A-Za-z0-9\-_]+$")


@pytest.fixture
async def svc(tmp_path: Path) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient, list[str]]]:
    async with pengaduan(f"sqlite+aiosqlite:///{tmp_path / 'p.db'}", tmp_path) as (app, client):
        key = (await new_key(client))["key"]
        ids = []
        for data in (PDAM_POST, INSPEKTORAT_POST):
            posted = await client.post(f"{BASE}/requests.json", data={**data, "api_key": key})
            assert posted.status_code == 200, posted.text
            ids.append(posted.json()[0]["service_request_id"])
        yield app, client, [key, *ids]


def _w3(value: Any) -> None:
    assert isinstance(value, str) and W3.match(value), value
    assert datetime.fromisoformat(value.replace("Z", "+00:00")).tzinfo is not None


def _json(response: httpx.Response) -> Any:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    return response.json()


def _xml(response: httpx.Response, root: str) -> ElementTree.Element:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    element = ElementTree.fromstring(response.content)
    assert element.tag == root
    return element


def _check_request(request: dict[str, Any]) -> None:
    for name in REQUEST_REQUIRED:
        assert name in request, name
    assert list(request) == list(REQUEST_FIELDS)  # the spec's fields, in its order, no others
    assert isinstance(request["service_request_id"], str)
    assert REQUEST_ID.match(request["service_request_id"])
    assert request["status"] in STATUSES
    _w3(request["requested_datetime"])
    _w3(request["updated_datetime"])
    if request["expected_datetime"] is not None:
        _w3(request["expected_datetime"])
    if request["lat"] is not None or request["long"] is not None:
        assert -90 <= float(request["lat"]) <= 90 and -180 <= float(request["long"]) <= 180
    assert len(request["description"]) <= 4000


async def test_json_answers_carry_the_validators_required_fields(
        svc: tuple[FastAPI, httpx.AsyncClient, list[str]]) -> None:
    _, client, (_, pdam_id, _) = svc
    services = _json(await client.get(f"{BASE}/services.json"))
    assert isinstance(services, list) and [s["service_code"] for s in services] == OFFERED
    for service in services:
        for name in SERVICE_REQUIRED:
            assert name in service, name
        assert service["type"] in SERVICE_TYPES
        assert isinstance(service["metadata"], bool)
        assert isinstance(service["keywords"], str) and isinstance(service["group"], str)
        definition = _json(await client.get(f"{BASE}/services/{service['service_code']}.json"))
        assert isinstance(definition, dict)
        for name in DEFINITION_REQUIRED:
            assert name in definition, name
        assert definition["service_code"] == service["service_code"]
        assert isinstance(definition["attributes"], list)
        assert service["metadata"] is bool(definition["attributes"])
        orders = [a["order"] for a in definition["attributes"]]
        assert len(set(orders)) == len(orders) and all(o >= 1 for o in orders)
        for attribute in definition["attributes"]:
            for name in ATTRIBUTE_REQUIRED:
                assert name in attribute, name
            assert attribute["datatype"] in DATATYPES
            assert isinstance(attribute["required"], bool)
            assert attribute["variable"] is True
            if attribute["datatype"].endswith("valuelist"):
                assert attribute["values"] and all(set(v) == {"key", "name"}
                                                   for v in attribute["values"])
    requests = _json(await client.get(f"{BASE}/requests.json"))
    assert isinstance(requests, list) and len(requests) == 2
    for request in requests:
        _check_request(request)
    one = _json(await client.get(f"{BASE}/requests/{pdam_id}.json"))
    assert isinstance(one, list) and len(one) == 1  # an array, even for one request
    _check_request(one[0])


async def test_xml_answers_use_the_spec_s_element_names(
        svc: tuple[FastAPI, httpx.AsyncClient, list[str]]) -> None:
    _, client, (key, pdam_id, _) = svc
    services = _xml(await client.get(f"{BASE}/services.xml"), "services")
    assert [s.tag for s in services] == ["service"] * len(OFFERED)
    for service in services:
        assert [c.tag for c in service] == ["service_code", "service_name", "description",
                                            "metadata", "type", "keywords", "group"]
        assert service.findtext("metadata") in ("true", "false")
        assert service.findtext("type") in SERVICE_TYPES
    definition = _xml(await client.get(f"{BASE}/services/{PDAM}.xml"), "service_definition")
    assert definition.findtext("service_code") == PDAM
    attributes = definition.findall("attributes/attribute")
    assert attributes and all(a.findtext("datatype") in DATATYPES for a in attributes)
    for attribute in attributes:
        for name in ATTRIBUTE_REQUIRED:
            assert attribute.find(name) is not None, name
        assert attribute.findtext("required") in ("true", "false")
    values = definition.findall("attributes/attribute[code='jenis_permasalahan']/values/value")
    assert [(v.findtext("key"), v.findtext("name")) for v in values] == [
        ("teknis", "Teknis"), ("administrasi", "Administrasi")]

    requests = _xml(await client.get(f"{BASE}/requests.xml"), "service_requests")
    assert [r.tag for r in requests] == ["request", "request"]
    for request in requests:
        assert [c.tag for c in request] == list(REQUEST_FIELDS)
        assert request.findtext("status") in STATUSES
        _w3(request.findtext("requested_datetime"))
    one = _xml(await client.get(f"{BASE}/requests/{pdam_id}.xml"), "service_requests")
    assert one.findtext("request/service_request_id") == pdam_id

    posted = _xml(await client.post(f"{BASE}/requests.xml", data={**PDAM_POST,
                                                                  "api_key": key}),
                  "service_requests")
    [answer] = posted.findall("request")
    assert answer.findtext("service_request_id") and answer.findtext("token")
    assert answer.find("service_notice") is not None and answer.find("account_id") is not None
    token = _xml(await client.get(f"{BASE}/tokens/{answer.findtext('token')}.xml"),
                 "service_requests")
    assert [c.tag for c in token.find("request")] == ["service_request_id", "token"]  # type: ignore[union-attr]


@pytest.mark.parametrize("fmt", ["json", "xml"])
async def test_errors_have_the_spec_s_shape_and_status_codes(
        svc: tuple[FastAPI, httpx.AsyncClient, list[str]], fmt: str) -> None:
    _, client, (key, _, _) = svc
    no_place = {k: v for k, v in PDAM_POST.items() if k not in ("lat", "long", "address_string")}
    calls = [
        (client.post(f"{BASE}/requests.{fmt}", data=PDAM_POST), 403),  # no api_key
        (client.post(f"{BASE}/requests.{fmt}", data={**PDAM_POST, "api_key": "salah"}), 403),
        (client.post(f"{BASE}/requests.{fmt}", data={**no_place, "api_key": key}), 400),
        (client.post(f"{BASE}/requests.{fmt}", data={"api_key": key, "lat": "1",
                                                     "long": "2"}), 400),  # no service_code
        (client.get(f"{BASE}/services/tidak-ada.{fmt}"), 404),
        (client.get(f"{BASE}/services.{fmt}", params={"jurisdiction_id": "x.go.id"}), 404),
        (client.get(f"{BASE}/requests/PG-AAAA-AAAA.{fmt}"), 404),
        (client.get(f"{BASE}/tokens/00000000-0000-0000-0000-000000000000.{fmt}"), 404),
        (client.get(f"{BASE}/requests.{fmt}", params={"end_date": "besok"}), 400),
    ]
    for call, status in calls:
        response = await call
        assert response.status_code == status, response.text
        assert "problem+json" not in response.headers["content-type"]
        if fmt == "json":
            body = response.json()
            assert isinstance(body, list) and body
            for error in body:
                assert set(error) == {"code", "description"}
                assert error["code"] == status and error["description"]
        else:
            root = ElementTree.fromstring(response.content)
            assert root.tag == "errors" and [e.tag for e in root] == ["error"] * len(root)
            for error in root:
                assert [c.tag for c in error] == ["code", "description"]
                assert error.findtext("code") == str(status) and error.findtext("description")
