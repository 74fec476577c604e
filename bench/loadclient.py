"""A lean HTTP/1.1 keep-alive load client for the benchmarks (not for the product).

httpx costs about 1.6 ms of client CPU per request on this machine: with client and server on
the same two cores, a benchmark driven by it measures the client as much as the server (a bare
ASGI app reached 485/s through httpx). This client does the least a load generator must: one
``asyncio.Protocol`` per keep-alive connection, the request written as one buffer, the response
parsed by httptools (the parser uvicorn uses), Content-Length or chunked bodies. It sends JSON
requests and returns the status and the body; it checks nothing else, so the server's answer is
checked by the caller (``Kia.act`` reads the status and the case status).

    client = LoadClient("http://127.0.0.1:8101", connections=16)
    status, body = await client.request("POST", "/cases/x/actions", headers, b'{"a": 1}')
    await client.close()
"""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

import httptools


class _Connection(asyncio.Protocol):
    """One keep-alive connection; one request in flight at a time."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.parser = httptools.HttpResponseParser(self)
        self.waiter: asyncio.Future[tuple[int, bytes]] | None = None
        self.body: list[bytes] = []
        self.keep_alive = True
        self.closed = False

    # asyncio.Protocol
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError as exc:
            self._fail(exc)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self._fail(exc or ConnectionError("connection closed by the server"))

    # httptools callbacks
    def on_message_begin(self) -> None:
        self.body = []

    def on_body(self, body: bytes) -> None:
        self.body.append(body)

    def on_message_complete(self) -> None:
        self.keep_alive = self.parser.should_keep_alive()
        waiter, self.waiter = self.waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result((self.parser.get_status_code(), b"".join(self.body)))

    def _fail(self, exc: BaseException) -> None:
        waiter, self.waiter = self.waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_exception(exc)

    async def send(self, data: bytes) -> tuple[int, bytes]:
        assert self.transport is not None and self.waiter is None
        if self.closed:
            raise ConnectionError("connection closed by the server")
        self.waiter = asyncio.get_running_loop().create_future()
        self.transport.write(data)
        return await self.waiter


class LoadClient:
    """A pool of at most ``connections`` keep-alive connections to one server."""

    def __init__(self, base_url: str, connections: int) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.host_header = f"{self.host}:{self.port}".encode()
        self.idle: list[_Connection] = []
        self.slots = asyncio.Semaphore(connections)

    async def _connect(self) -> _Connection:
        loop = asyncio.get_running_loop()
        _, protocol = await loop.create_connection(_Connection, self.host, self.port)
        return protocol

    async def _checkout(self) -> _Connection:
        """An idle connection the server has not closed (uvicorn ends one idle for its
        keep-alive timeout, 5 s: writing a request to it would wait for ever), else a new one."""
        while self.idle:
            conn = self.idle.pop()
            if not conn.closed:
                return conn
        return await self._connect()

    async def request(self, method: str, path: str, headers: dict[str, str],
                      body: bytes = b"") -> tuple[int, bytes]:
        """Send one request (``body`` as ``application/json`` when given); status and body."""
        head = [f"{method} {path} HTTP/1.1".encode(), b"Host: " + self.host_header]
        head += [f"{k}: {v}".encode() for k, v in headers.items()]
        if body:
            head.append(b"Content-Type: application/json")
        head.append(b"Content-Length: " + str(len(body)).encode())
        data = b"\r\n".join(head) + b"\r\n\r\n" + body
        async with self.slots:
            conn = await self._checkout()
            try:
                answer = await conn.send(data)
            except BaseException:
                if conn.transport is not None:
                    conn.transport.close()
                raise
            if conn.keep_alive and not conn.closed:
                self.idle.append(conn)
            elif conn.transport is not None:
                conn.transport.close()
            return answer

    async def close(self) -> None:
        for conn in self.idle:
            if conn.transport is not None:
                conn.transport.close()
        self.idle.clear()
        await asyncio.sleep(0)
