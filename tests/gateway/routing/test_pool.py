"""The gateway's pooled HTTP/1.1 client (gateway.routing.pool) against real servers: a
scripted asyncio TCP server that answers byte for byte what a test says (to reach keep-alive,
closed connections, chunked and broken answers), and uvicorn for request bodies."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest

from gateway.routing.clients import CLIENT_ENV, upstream_for
from gateway.routing.connection import READ_AHEAD
from gateway.routing.pool import (
    UpstreamConnectError,
    UpstreamPool,
    UpstreamProtocolError,
    UpstreamTimeout,
)
from tests.gateway.routing.test_real_http import served  # noqa: F401 (fixture)
from tests.gateway.routing.test_routing import echo_app

Answer = Callable[[int, bytes], Awaitable[bytes | None]]
"""(connection number, request head) -> the bytes to send back; None: close at once."""


def ok(body: bytes = b"hello", *extra: bytes) -> bytes:
    return b"HTTP/1.1 200 OK\r\ncontent-length: %d\r\n%s\r\n%s" % (
        len(body), b"".join(h + b"\r\n" for h in extra), body)


class Scripted:
    """A TCP server reading request heads (no bodies) and answering what ``answer`` says."""

    def __init__(self, answer: Answer, close_after: bool = False) -> None:
        self.answer = answer
        self.close_after = close_after
        self.writers: list[asyncio.StreamWriter] = []
        self.connections = 0
        self.heads: list[bytes] = []
        self.server: asyncio.Server | None = None

    async def __aenter__(self) -> Scripted:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.server is not None
        self.server.close()
        for writer in self.writers:
            writer.close()
        await asyncio.sleep(0)

    @property
    def port(self) -> int:
        assert self.server is not None
        return int(self.server.sockets[0].getsockname()[1])

    def pool(self, **options: Any) -> UpstreamPool:
        return UpstreamPool("127.0.0.1", self.port, connect_s=options.pop("connect_s", 2.0),
                            read_s=options.pop("read_s", 2.0), **options)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self.writers.append(writer)
        number = self.connections
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                self.heads.append(head)
                answer = await self.answer(number, head)
                if answer is None:
                    break
                writer.write(answer)
                await writer.drain()
                if self.close_after:
                    break
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
            pass  # the client went, or the test ended
        finally:
            writer.close()


async def always(answer: bytes) -> Answer:
    async def reply(number: int, head: bytes) -> bytes | None:
        return answer
    return reply


async def test_connections_are_kept_alive_and_reused() -> None:
    async with Scripted(await always(ok(b"satu"))) as server:
        pool = server.pool()
        for _ in range(3):
            response = await pool.send("GET", b"/sops?x=1", [(b"accept", b"*/*")])
            assert response.status == 200
            assert response.header(b"content-length") == b"4"
            assert await response.read() == b"satu"
        assert server.connections == 1
        assert pool.idle == 1
        assert server.heads[0].startswith(b"GET /sops?x=1 HTTP/1.1\r\nhost: 127.0.0.1:")
        assert b"\r\naccept: */*\r\n" in server.heads[0]
        await pool.aclose()


async def test_a_chunked_answer_is_read_whole_and_the_connection_reused() -> None:
    chunked = (b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n"
               b"5\r\nhalo \r\n7\r\nlamsel!\r\n0\r\n\r\n")
    async with Scripted(await always(chunked)) as server:
        pool = server.pool()
        for _ in range(2):
            response = await pool.send("GET", b"/", [])
            assert await response.read() == b"halo lamsel!"
        assert server.connections == 1


async def test_connection_close_is_honoured() -> None:
    async with Scripted(await always(ok(b"x", b"connection: close"))) as server:
        pool = server.pool()
        for _ in range(2):
            assert await (await pool.send("GET", b"/", [])).read() == b"x"
        assert server.connections == 2
        assert pool.idle == 0


async def test_an_idle_connection_the_service_closed_is_replaced_for_a_bodiless_request(
        ) -> None:
    async def reply(number: int, head: bytes) -> bytes | None:
        # The first connection answers once, then drops the next request unanswered (as a
        # server does whose keep-alive ran out just as the request came).
        return None if number == 1 and len(server.heads) > 1 else ok(b"#%d" % number)

    async with Scripted(reply) as server:
        pool = server.pool()
        assert await (await pool.send("GET", b"/", [])).read() == b"#1"
        assert await (await pool.send("GET", b"/", [])).read() == b"#2"
        assert server.connections == 2


async def test_a_connection_closed_mid_body_fails_and_is_not_reused() -> None:
    async with Scripted(await always(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nabc"),
                        close_after=True) as server:
        pool = server.pool()
        response = await pool.send("GET", b"/", [])
        with pytest.raises(UpstreamProtocolError):
            await asyncio.wait_for(response.read(), 5)
        assert pool.idle == 0


async def test_no_answer_at_all_is_a_protocol_error() -> None:
    async def close(number: int, head: bytes) -> bytes | None:
        return None

    async with Scripted(close) as server:
        with pytest.raises(UpstreamProtocolError):
            await server.pool().send("GET", b"/", [])


async def test_an_answer_that_is_not_http_is_a_protocol_error() -> None:
    async with Scripted(await always(b"SSH-2.0-OpenSSH\r\n\r\n")) as server:
        with pytest.raises(UpstreamProtocolError):
            await server.pool().send("GET", b"/", [])


async def test_a_service_that_does_not_answer_times_out() -> None:
    async def hang(number: int, head: bytes) -> bytes | None:
        await asyncio.sleep(30)
        return None

    async with Scripted(hang) as server:
        pool = server.pool(read_s=0.2)
        with pytest.raises(UpstreamTimeout):
            await pool.send("GET", b"/", [])


async def test_a_body_that_stops_midway_times_out() -> None:
    async with Scripted(await always(b"HTTP/1.1 200 OK\r\ncontent-length: 9\r\n\r\nabc")
                        ) as server:
        pool = server.pool(read_s=0.2)
        response = await pool.send("GET", b"/", [])
        with pytest.raises(UpstreamTimeout):
            await response.read()
        assert pool.idle == 0


async def test_nobody_listening_is_a_connect_error() -> None:
    with pytest.raises(UpstreamConnectError):
        await UpstreamPool("127.0.0.1", 9, connect_s=1, read_s=1).send("GET", b"/", [])


async def test_a_head_answer_has_no_body_and_the_connection_is_not_reused() -> None:
    async with Scripted(await always(b"HTTP/1.1 200 OK\r\ncontent-length: 50\r\n\r\n")
                        ) as server:
        pool = server.pool()
        response = await pool.send("HEAD", b"/", [])
        assert response.header(b"content-length") == b"50"
        assert await response.read() == b""
        assert pool.idle == 0


async def test_a_target_with_a_line_break_is_refused() -> None:
    pool = UpstreamPool("127.0.0.1", 9, connect_s=1, read_s=1)
    with pytest.raises(ValueError):
        await pool.send("GET", b"/x HTTP/1.1\r\nx-evil: 1", [])


async def body(parts: list[bytes]) -> AsyncIterator[bytes]:
    for part in parts:
        yield part


async def test_request_bodies_with_and_without_length(served: Any) -> None:  # noqa: F811
    seen: list[dict[str, Any]] = []
    url = await served(echo_app(seen))
    pool = UpstreamPool.for_url(url, connect_s=2, read_s=5)
    parts = [b"a" * 70_000, b"", b"b" * 5]
    sized = await pool.send("POST", b"/up", [(b"content-length", b"70005")], body(parts))
    assert sized.status == 200 and b'"size":70005' in await sized.read()
    chunked = await pool.send("PUT", b"/up", [], body(parts))
    assert chunked.status == 200 and b'"size":70005' in await chunked.read()
    assert seen[0]["headers"]["content-length"] == "70005"
    assert seen[1]["headers"]["transfer-encoding"] == "chunked"
    assert pool.idle == 1  # both on one connection
    await pool.aclose()


async def test_a_large_body_streams_without_piling_up(served: Any) -> None:  # noqa: F811
    chunk, count = b"z" * 65536, 160  # 10 MiB

    async def big(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        for _ in range(count):
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b""})

    pool = UpstreamPool.for_url(await served(big), connect_s=2, read_s=5)
    response = await pool.send("GET", b"/big", [])
    assert response.header(b"transfer-encoding") == b"chunked"
    total, most = 0, 0
    async for part in response.aiter_raw():
        total += len(part)
        most = max(most, len(part))
        if total < 2 * len(chunk):
            await asyncio.sleep(0.2)  # a slow reader: the socket is left unread meanwhile
    assert total == len(chunk) * count
    # Never more than the read-ahead plus one socket read (asyncio reads up to 256 KiB).
    assert most <= READ_AHEAD + 256 * 1024
    assert pool.idle == 1
    await pool.aclose()


async def test_the_proxy_uses_the_pool_for_plain_http_only(monkeypatch: Any) -> None:
    state: dict[str, Any] = {}
    plain = httpx.AsyncClient(base_url="http://127.0.0.1:8101", timeout=httpx.Timeout(
        7.0, connect=1.5))
    pool = upstream_for(state, plain)
    assert isinstance(pool, UpstreamPool)
    assert (pool.port, pool.connect_s, pool.read_s) == (8101, 1.5, 7.0)
    assert upstream_for(state, plain) is pool
    in_process = httpx.AsyncClient(base_url="http://umum.internal",
                                   transport=httpx.ASGITransport(app=echo_app([])))
    assert upstream_for(state, in_process) is in_process
    tls = httpx.AsyncClient(base_url="https://umum.example")
    assert upstream_for(state, tls) is tls
    monkeypatch.setenv(CLIENT_ENV, "httpx")
    other = httpx.AsyncClient(base_url="http://127.0.0.1:8102")
    assert upstream_for(state, other) is other
    for client in (plain, in_process, tls, other):
        await client.aclose()


def test_the_pool_on_uvloop() -> None:
    """uvicorn runs the gateway on uvloop (its transports are not asyncio's classes)."""
    import uvloop

    async def scenario() -> tuple[list[bytes], int, int]:
        chunked = (b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n"
                   b"4\r\nhalo\r\n0\r\n\r\n")
        async with Scripted(await always(chunked)) as server:
            pool = server.pool()
            bodies = [await (await pool.send("GET", b"/", [])).read() for _ in range(3)]
            idle = pool.idle
            await pool.aclose()
            return bodies, server.connections, idle

    loop = uvloop.new_event_loop()
    try:
        assert loop.run_until_complete(scenario()) == ([b"halo"] * 3, 1, 1)
    finally:
        loop.close()
