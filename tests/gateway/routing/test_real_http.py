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
