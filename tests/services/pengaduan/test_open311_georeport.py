"""The facade read as a black box by the ``georeport`` client (0.3.1), in JSON and in XML,
through the gateway (``/api/v1/pengaduan/open311/v2``) served by a real uvicorn server: the
service list, a definition, a POST, the request by id, the filters, a token. The client has
no POST and no token call, so those go through ``requests``, the HTTP library it uses
itself, and are read back with the client."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import requests
import xmltodict
from georeport import GeoReport

from tests.gateway.routing.harness import Stack, gateway_stack
from tests.services.pengaduan.open311_harness import (
    INSPEKTORAT_POST,
    OFFERED,
    PDAM,
    PDAM_POST,
    served,
)

JURISDICTION = "lampungselatan.go.id"


@pytest.fixture
async def gateway(tmp_path: Path) -> AsyncIterator[tuple[Stack, str]]:
    async with gateway_stack(tmp_path, ("pengaduan",)) as stack:
        async with served(stack.gateway) as url:
            yield stack, f"{url}/api/v1/pengaduan/open311/v2"


def _items(parsed: Any) -> list[dict[str, Any]]:
    """xmltodict reads one child element as a dict, several as a list."""
    if parsed is None:
        return []
    return parsed if isinstance(parsed, list) else [parsed]


def _read(fmt: str, response: requests.Response) -> list[dict[str, Any]]:
    response.raise_for_status()
    if fmt == "json":
        body: list[dict[str, Any]] = response.json()
        return body
    return _items(xmltodict.parse(response.content)["service_requests"]["request"])


@pytest.mark.parametrize("fmt", ["json", "xml"])
async def test_the_georeport_client_reads_every_call(gateway: tuple[Stack, str],
                                                      fmt: str) -> None:
    stack, root = gateway
    made = await stack.client.post("/api/v1/pengaduan/open311/kunci", json={
        "label": "Uji klien", "partner": "Mitra uji"},
        headers=stack.headers("adm-kominfo", "diskominfo:admin"))
    assert made.status_code == 201, made.text
    key = made.json()["key"]
    client = GeoReport(root, jurisdiction=JURISDICTION, api_key=key, output_format=fmt)

    services = _items(await asyncio.to_thread(client.get_service_list))
    assert [s["service_code"] for s in services] == OFFERED
    pdam = next(s for s in services if s["service_code"] == PDAM)
    assert str(pdam["metadata"]).lower() == "true" and pdam["type"] == "realtime"
    assert pdam["group"].startswith("Perusahaan Umum Daerah Air Minum")

    definition = await asyncio.to_thread(client.get_service_definition, PDAM)
    assert definition["service_code"] == PDAM
    attributes = definition["attributes"]
    if fmt == "xml":
        attributes = _items(attributes["attribute"])
    by_code = {a["code"]: a for a in attributes}
    assert by_code["jenis_permasalahan"]["datatype"] == "singlevaluelist"
    values = by_code["jenis_permasalahan"]["values"]
    keys = [v["key"] for v in (_items(values["value"]) if fmt == "xml" else values)]
    assert keys == ["teknis", "administrasi"]

    def post(data: dict[str, str]) -> list[dict[str, Any]]:
        return _read(fmt, requests.post(f"{root}/requests.{fmt}", timeout=30, data={
            **data, "api_key": key, "jurisdiction_id": JURISDICTION}))

    [first] = await asyncio.to_thread(post, PDAM_POST)
    [second] = await asyncio.to_thread(post, INSPEKTORAT_POST)
    tracking = first["service_request_id"]
    assert tracking.startswith("PG-") and first["token"]

    one = await asyncio.to_thread(client.get_service_request, tracking)
    assert (one["service_request_id"], one["status"], one["service_code"]) == (
        tracking, "open", PDAM)
    assert float(one["lat"]) == -5.7283 and one["address"] == PDAM_POST["address_string"]
    assert "Siti" not in str(one) and "081234567890" not in str(one)

    listed = _items(await asyncio.to_thread(client.get_service_requests))
    assert {r["service_request_id"] for r in listed} == {tracking,
                                                         second["service_request_id"]}
    pdam_only = _items(await asyncio.to_thread(client.get_service_requests, None, PDAM))
    assert [r["service_request_id"] for r in pdam_only] == [tracking]
    by_id = _items(await asyncio.to_thread(
        client.get_service_requests, f"{tracking},{second['service_request_id']}", PDAM))
    assert len(by_id) == 2  # the id list overrides the service code
    if fmt == "json":
        assert await asyncio.to_thread(client.get_service_requests, None, None, None, None,
                                       "closed") == []
    else:  # the client cannot read an empty <service_requests/> (it indexes None): read it raw
        empty = await asyncio.to_thread(lambda: requests.get(
            f"{root}/requests.xml", params={"status": "closed"}, timeout=30))
        assert empty.status_code == 200
        assert xmltodict.parse(empty.content) == {"service_requests": None}
    window = _items(await asyncio.to_thread(client.get_service_requests, None, None,
                                            "2026-11-01T00:00:00Z", "2026-12-31T00:00:00+07:00",
                                            "open"))
    assert len(window) == 2  # the stack's clock: 30 November 2026

    token = await asyncio.to_thread(lambda: _read(fmt, requests.get(
        f"{root}/tokens/{first['token']}.{fmt}", timeout=30,
        params={"jurisdiction_id": JURISDICTION})))
    assert token == [{"service_request_id": tracking, "token": first["token"]}]

    elsewhere = GeoReport(root, jurisdiction="jakarta.go.id", output_format=fmt)
    with pytest.raises(requests.HTTPError) as refused:
        await asyncio.to_thread(elsewhere.get_service_list)
    assert refused.value.response is not None
    assert refused.value.response.status_code == 404
