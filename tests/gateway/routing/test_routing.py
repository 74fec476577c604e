"""Routing through the gateway to real service apps (and to small stand-in apps for what
a real service cannot show: the headers it received, a hang)."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import time
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI, Request

from tests.gateway.routing.harness import KIA, KIA_FORM, Down, gateway_stack


def echo_app(seen: list[dict[str, Any]]) -> FastAPI:
    app = FastAPI()

    @app.api_route("/{path:path}", methods=["GET", "POST", "PUT", "DELETE"])
    async def echo(path: str, request: Request) -> dict[str, Any]:
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
        record = {"method": request.method, "path": "/" + path,
                  "query": request.url.query, "headers": dict(request.headers), "size": size}
        seen.append(record)
        return record

    return app


def slow_app(seconds: float) -> FastAPI:
    app = FastAPI()

    @app.get("/{path:path}")
    async def slow(path: str) -> dict[str, str]:
        await asyncio.sleep(seconds)
        return {"path": path}

    return app


async def test_request_reaches_service_with_request_id_token_and_query(tmp_path: Path) -> None:
    seen: list[dict[str, Any]] = []
    transport = httpx.ASGITransport(app=echo_app(seen))
    async with gateway_stack(tmp_path, (), transports={"umum": transport}) as stack:
        token = stack.headers("warga-1", "citizen")
        response = await stack.client.post(
            "/api/v1/umum/cases/abc/actions?x=1&y=dua%20kata", content=b'{"action":"a"}',
            headers={**token, "X-Request-ID": "req-routing-1", "Accept-Language": "en",
                     "Content-Type": "application/json", "Cookie": "secret=1",
                     "X-Forwarded-For": "10.0.0.1"})
    assert response.status_code == 200, response.text
    assert response.headers["x-request-id"] == "req-routing-1"
    [got] = seen
    assert got["method"] == "POST"
    assert got["path"] == "/cases/abc/actions"
    assert got["query"] == "x=1&y=dua%20kata"
    assert got["size"] == len(b'{"action":"a"}')
    headers = got["headers"]
    assert headers["authorization"] == token["Authorization"]
    assert headers["x-request-id"] == "req-routing-1"
    assert headers["accept-language"] == "en"
    assert headers["content-type"] == "application/json"
    assert "cookie" not in headers
    # The caller's own X-Forwarded-For is not passed on: the gateway names the client it sees.
    assert headers["x-forwarded-for"] == "127.0.0.1"


async def test_gateway_request_id_is_passed_when_the_caller_sends_none(tmp_path: Path) -> None:
    seen: list[dict[str, Any]] = []
    transport = httpx.ASGITransport(app=echo_app(seen))
    async with gateway_stack(tmp_path, (), transports={"umum": transport}) as stack:
        response = await stack.client.get("/api/v1/umum/sops")
    assert response.status_code == 200
    assert seen[0]["headers"]["x-request-id"] == response.headers["x-request-id"]
    assert "authorization" not in seen[0]["headers"]


async def test_invalid_token_is_refused_at_the_gateway(tmp_path: Path) -> None:
    seen: list[dict[str, Any]] = []
    transport = httpx.ASGITransport(app=echo_app(seen))
    async with gateway_stack(tmp_path, (), transports={"umum": transport}) as stack:
        response = await stack.client.get("/api/v1/umum/cases",
                                          headers={"Authorization": "Bearer not.a.token"})
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "unauthenticated"
    assert seen == []


async def test_real_service_through_gateway(tmp_path: Path) -> None:
    async with gateway_stack(tmp_path) as stack:
        who = stack.headers("warga-1", "citizen")
        sops = await stack.client.get("/api/v1/dukcapil/sops")
        assert sops.status_code == 200
        assert any(s["key"] == KIA for s in sops.json())
        case = await stack.open_kia(who)
        mine = await stack.client.get("/api/v1/dukcapil/cases", headers=who)
        assert mine.status_code == 200
        assert [c["id"] for c in mine.json()["items"]] == [case["id"]]
        anonymous = await stack.client.get("/api/v1/dukcapil/cases")
        assert anonymous.status_code == 401
        assert anonymous.headers["content-type"] == "application/problem+json"
        html = await stack.client.get(f"/api/v1/dukcapil/sops/{KIA}/standard",
                                      headers={"Accept": "text/html"})
        assert html.status_code == 200
        assert html.headers["content-type"].startswith("text/html")


async def test_five_megabyte_upload_through_gateway(tmp_path: Path) -> None:
    payload = b"%PDF-1.7\n" + os.urandom(5 * 1024 * 1024)  # a scan: a PDF, not random bytes
    async with gateway_stack(tmp_path) as stack:
        who = stack.headers("warga-1", "citizen")
        response = await stack.client.post(
            "/api/v1/dukcapil/cases", headers=who,
            data={"data": json.dumps({"sop_key": KIA, "form": KIA_FORM})},
            files={"berkas_persyaratan": ("scan.pdf", payload, "application/pdf")})
        assert response.status_code == 201, response.text
        [doc] = response.json()["documents"]
        assert doc["size"] == len(payload)
        assert doc["sha256"] == hashlib.sha256(payload).hexdigest()
        service = stack.service("dukcapil")  # kept encrypted, under a random key
        async with service.sessions() as session:
            [row] = await service.store.documents(session, response.json()["id"])
        assert row.storage_path != doc["sha256"]
        assert await service.cases.storage.read_bytes(row.storage_path) == payload
        back = await stack.client.get(f"/api/v1/dukcapil{doc['url']}", headers=who)
        assert back.status_code == 200 and back.content == payload


async def test_unknown_service_is_404(tmp_path: Path) -> None:
    async with gateway_stack(tmp_path, ()) as stack:
        response = await stack.client.get("/api/v1/tidak-ada/sops")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "service-not-found"


async def test_down_service_is_503_quickly(tmp_path: Path) -> None:
    async with gateway_stack(tmp_path, (), transports={"pajak": Down()}) as stack:
        started = time.monotonic()
        response = await stack.client.get("/api/v1/pajak/sops",
                                          headers={"Accept-Language": "en"})
        took = time.monotonic() - started
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "service-unavailable"
    assert "pajak" in body["detail"]
    assert took < 1.0


async def test_unreachable_service_over_real_http_is_503(tmp_path: Path) -> None:
    """Distributed mode: a real HTTP client to a port nobody listens on."""
    async with gateway_stack(tmp_path, (), connect_timeout_s=1.0) as stack:
        clients = stack.runtime.clients
        original = clients["damkar"]
        clients["damkar"] = httpx.AsyncClient(base_url="http://127.0.0.1:9",
                                              timeout=httpx.Timeout(1.0))
        try:
            started = time.monotonic()
            response = await stack.client.get("/api/v1/damkar/sops")
            took = time.monotonic() - started
        finally:
            await clients["damkar"].aclose()
            clients["damkar"] = original
    assert response.status_code == 503
    assert response.json()["code"] == "service-unavailable"
    assert took < 3.0


async def test_slow_service_is_504_within_the_timeout(tmp_path: Path) -> None:
    transport = httpx.ASGITransport(app=slow_app(10))
    async with gateway_stack(tmp_path, (), transports={"umum": transport},
                             read_timeout_s=0.3, connect_timeout_s=0.2) as stack:
        started = time.monotonic()
        response = await stack.client.get("/api/v1/umum/sops")
        took = time.monotonic() - started
    assert response.status_code == 504
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "upstream-timeout"
    assert 0.4 <= took < 1.5
