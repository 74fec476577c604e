"""The in-process streaming transport of all-in-one mode (gateway/routing/asgi_stream.py):
bodies move chunk by chunk both ways, a slow reader holds the app back, failures and early
closes end cleanly. Each streaming test would hang (and time out) on a transport that
collects the whole body first, as httpx's own ``ASGITransport`` does for responses."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import StreamingResponse

from gateway.routing.asgi_stream import QUEUE_CHUNKS, StreamingASGITransport
from tests.gateway.routing.harness import gateway_stack

WAIT_S = 5.0


class Gate:
    """A service that sends one chunk, then waits for the test before sending the rest."""

    def __init__(self, chunks: int = 2) -> None:
        self.release = asyncio.Event()
        self.sent = 0
        self.finished = False
        self.chunks = chunks
        self.app = FastAPI()

        @self.app.get("/{path:path}")
        async def stream(path: str) -> StreamingResponse:
            return StreamingResponse(self._body(), media_type="application/octet-stream")

    async def _body(self) -> AsyncIterator[bytes]:
        try:
            for i in range(self.chunks):
                if i == 1:
                    await self.release.wait()
                self.sent += 1
                yield f"chunk-{i};".encode()
        finally:
            self.finished = True


async def first_chunk_then_rest(client: httpx.AsyncClient, url: str, gate: Gate) -> bytes:
    async with client.stream("GET", url) as response:
        assert response.status_code == 200
        chunks = response.aiter_raw()
        first = await asyncio.wait_for(chunks.__anext__(), WAIT_S)
        assert first == b"chunk-0;", "the first chunk arrives while the app still waits"
        gate.release.set()
        rest = b"".join([c async for c in chunks])
    return first + rest


async def test_the_response_arrives_chunk_by_chunk() -> None:
    gate = Gate()
    async with httpx.AsyncClient(transport=StreamingASGITransport(gate.app),
                                 base_url="http://svc") as client:
        assert await first_chunk_then_rest(client, "/unduh", gate) == b"chunk-0;chunk-1;"
    assert gate.finished


async def test_the_buffering_transport_would_not_pass() -> None:
    """The contrast that shows the test above can fail."""
    gate = Gate()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=gate.app),
                                 base_url="http://svc") as client:
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(client.get("/unduh"), 0.5)


async def test_the_request_body_reaches_the_app_chunk_by_chunk() -> None:
    got_first = asyncio.Event()
    received: list[bytes] = []
    app = FastAPI()

    @app.post("/unggah")
    async def upload(request: Request) -> dict[str, Any]:
        async for chunk in request.stream():
            if chunk:
                received.append(chunk)
                got_first.set()
        return {"chunks": len(received), "size": sum(map(len, received))}

    async def body() -> AsyncIterator[bytes]:
        yield b"a" * 1000
        await asyncio.wait_for(got_first.wait(), WAIT_S)  # the app has it before the rest
        yield b"b" * 1000

    async with httpx.AsyncClient(transport=StreamingASGITransport(app),
                                 base_url="http://svc") as client:
        response = await client.post("/unggah", content=body())
    assert response.json() == {"chunks": 2, "size": 2000}


async def test_a_slow_reader_holds_the_app_back() -> None:
    gate = Gate(chunks=200)
    gate.release.set()
    async with httpx.AsyncClient(transport=StreamingASGITransport(gate.app),
                                 base_url="http://svc") as client:
        async with client.stream("GET", "/besar") as response:
            chunks = response.aiter_raw()
            await chunks.__anext__()
            await asyncio.sleep(0.2)
            assert gate.sent <= QUEUE_CHUNKS + 2, gate.sent
            rest = [c async for c in chunks]
    assert len(rest) == 199 and gate.sent == 200


async def test_closing_early_stops_the_app() -> None:
    gate = Gate(chunks=3)
    async with httpx.AsyncClient(transport=StreamingASGITransport(gate.app),
                                 base_url="http://svc") as client:
        async with client.stream("GET", "/batal") as response:
            await response.aiter_raw().__anext__()
    for _ in range(50):
        if gate.finished:
            break
        await asyncio.sleep(0.01)
    assert gate.finished and gate.sent == 1


async def test_an_app_that_fails_before_answering_is_a_connect_error() -> None:
    async def broken(scope: Any, receive: Any, send: Any) -> None:
        raise RuntimeError("boom")

    async with httpx.AsyncClient(transport=StreamingASGITransport(broken),
                                 base_url="http://svc") as client:
        with pytest.raises(httpx.ConnectError):
            await client.get("/x")


async def test_an_app_that_fails_mid_body_is_a_read_error() -> None:
    async def half(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"awal", "more_body": True})
        raise RuntimeError("boom")

    async with httpx.AsyncClient(transport=StreamingASGITransport(half),
                                 base_url="http://svc") as client:
        with pytest.raises(httpx.ReadError):
            await client.get("/x")


async def test_a_download_streams_through_the_gateway(tmp_path: Path) -> None:
    """All-in-one wiring: caller → gateway → service, all in process, still chunk by chunk."""
    gate = Gate()
    async with gateway_stack(tmp_path, (), transports={"umum": StreamingASGITransport(
            gate.app)}) as stack:
        async with httpx.AsyncClient(transport=StreamingASGITransport(stack.gateway),
                                     base_url="http://gateway") as client:
            body = await first_chunk_then_rest(client, "/api/v1/umum/unduh", gate)
    assert body == b"chunk-0;chunk-1;"
