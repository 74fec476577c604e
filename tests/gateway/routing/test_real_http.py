"""Distributed mode: the same routing code over real HTTP (a uvicorn server on a free port),
where httpx's own timeouts and chunked/length-delimited bodies are in play."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from tests.gateway.routing.harness import gateway_stack
from tests.gateway.routing.test_routing import echo_app, slow_app


@pytest.fixture
async def served() -> AsyncIterator[Any]:
    servers: list[tuple[uvicorn.Server, asyncio.Task[None]]] = []

    async def serve(app: Any) -> str:
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, lifespan="off",
                                               log_level="warning"))
        task = asyncio.create_task(server.serve())
        for _ in range(500):  # uvicorn offers no start event: poll for up to 5 s
            if server.started:
                break
            await asyncio.sleep(0.01)
        else:
            raise TimeoutError("uvicorn did not start")
        port = server.servers[0].sockets[0].getsockname()[1]
        servers.append((server, task))
        return f"http://127.0.0.1:{port}"

    yield serve
    for server, task in servers:
        server.should_exit = server.force_exit = True
        await task


@asynccontextmanager
async def through(stack: Any, service: str, url: str) -> AsyncIterator[None]:
    """Route ``service`` over real HTTP to ``url`` (the client the distributed mode builds)."""
    settings = stack.runtime.settings
    original = stack.runtime.clients[service]
    stack.runtime.clients[service] = httpx.AsyncClient(base_url=url, timeout=httpx.Timeout(
        settings.read_timeout_s, connect=settings.connect_timeout_s))
    try:
        yield
    finally:
        await stack.runtime.clients[service].aclose()
        stack.runtime.clients[service] = original


async def test_upload_streams_over_real_http(tmp_path: Path, served: Any) -> None:
    seen: list[dict[str, Any]] = []
    url = await served(echo_app(seen))
    payload = os.urandom(5 * 1024 * 1024)
    async with gateway_stack(tmp_path, ()) as stack:
        async with through(stack, "umum", url):
            response = await stack.client.post(
                "/api/v1/umum/cases?via=http", files={"f": ("a.pdf", payload, "application/pdf")},
                headers=stack.headers("warga-1", "citizen"))
    assert response.status_code == 200, response.text
    [got] = seen
    assert got["query"] == "via=http"
    assert got["size"] == int(got["headers"]["content-length"]) > len(payload)
    assert got["headers"]["content-type"].startswith("multipart/form-data; boundary=")
    assert response.json()["size"] == got["size"]


async def test_slow_service_over_real_http_is_504(tmp_path: Path, served: Any) -> None:
    url = await served(slow_app(10))
    async with gateway_stack(tmp_path, (), read_timeout_s=0.3, connect_timeout_s=0.2) as stack:
        async with through(stack, "umum", url):
            started = time.monotonic()
            response = await stack.client.get("/api/v1/umum/sops")
            took = time.monotonic() - started
    assert response.status_code == 504
    assert response.json()["code"] == "upstream-timeout"
    assert took < 1.5


def headers_app(seen: list[dict[str, str]]) -> Any:
    """Answers with hop-by-hop and gateway-owned headers next to its own ones."""

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen.append({k.decode(): v.decode() for k, v in scope["headers"]})
        await send({"type": "http.response.start", "status": 201, "headers": [
            (b"content-type", b"application/json"), (b"content-length", b"2"),
            (b"keep-alive", b"timeout=5"), (b"x-request-id", b"from-the-service"),
            (b"proxy-authenticate", b"Basic"), (b"x-case-id", b"c-1"),
            (b"set-cookie", b"a=1"), (b"set-cookie", b"b=2")]})
        await send({"type": "http.response.body", "body": b"{}"})

    return app


async def test_headers_both_ways_over_real_http(tmp_path: Path, served: Any) -> None:
    seen: list[dict[str, str]] = []
    url = await served(headers_app(seen))
    async with gateway_stack(tmp_path, ()) as stack:
        async with through(stack, "umum", url):
            responses = [await stack.client.get(
                "/api/v1/umum/x", headers={"X-Request-ID": f"req-{i}", "Cookie": "s=1",
                                           "X-Forwarded-For": "10.9.9.9", "Accept": "*/*",
                                           "Accept-Encoding": "gzip"}) for i in range(2)]
    for i, response in enumerate(responses):
        assert response.status_code == 201
        assert response.headers["x-request-id"] == f"req-{i}"
        assert response.headers["x-case-id"] == "c-1"
        assert response.headers.get_list("set-cookie") == ["a=1", "b=2"]
        assert "keep-alive" not in response.headers
        assert "proxy-authenticate" not in response.headers
        got = seen[i]
        assert got["x-request-id"] == f"req-{i}"
        assert got["x-forwarded-for"] == "127.0.0.1"
        assert got["accept"] == "*/*" and got["accept-encoding"] == "gzip"
        assert "cookie" not in got
        assert got["host"].startswith("127.0.0.1:")


async def test_a_large_download_streams_over_real_http(tmp_path: Path, served: Any) -> None:
    part = os.urandom(64 * 1024)

    async def download(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/pdf")]})
        for _ in range(80):  # 5 MiB, chunked (no Content-Length)
            await send({"type": "http.response.body", "body": part, "more_body": True})
        await send({"type": "http.response.body", "body": b""})

    url = await served(download)
    async with gateway_stack(tmp_path, ()) as stack:
        async with through(stack, "umum", url):
            async with stack.client.stream("GET", "/api/v1/umum/documents/1") as response:
                assert response.status_code == 200
                assert response.headers["content-type"] == "application/pdf"
                received = b"".join([chunk async for chunk in response.aiter_bytes()])
    assert received == part * 80


async def test_a_service_that_hangs_up_without_answering_is_503(tmp_path: Path) -> None:
    async def hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.close()

    server = await asyncio.start_server(hang_up, "127.0.0.1", 0)
    url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    try:
        async with gateway_stack(tmp_path, ()) as stack:
            async with through(stack, "umum", url):
                response = await stack.client.get("/api/v1/umum/sops")
    finally:
        server.close()
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "service-unavailable"
