"""One HTTP/1.1 connection from the gateway to a service: an ``asyncio`` protocol (uvloop's
when uvicorn runs on uvloop) whose responses are parsed by httptools, the parser uvicorn uses.
:mod:`gateway.routing.pool` keeps these connections alive between requests.

A connection carries one exchange at a time. Response body chunks wait in :attr:`chunks`
for the reader; past :data:`READ_AHEAD` bytes the socket is no longer read until the reader
takes them (:meth:`take`), so a slow caller holds the service back instead of filling the
gateway's memory. Writes wait for the socket to drain. Every wait has a timeout: nothing
for ``timeout_s`` is :class:`UpstreamTimeout`, and the connection is dropped.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Any, cast

import httptools

Headers = list[tuple[bytes, bytes]]
READ_AHEAD = 256 * 1024
"""Response bytes buffered for a slow reader before the socket is no longer read."""


class UpstreamError(Exception):
    """The exchange with the service failed."""


class UpstreamConnectError(UpstreamError):
    """No connection to the service (refused, unreachable, connect timeout)."""


class UpstreamTimeout(UpstreamError):
    """The service made no progress for the read timeout."""


class UpstreamProtocolError(UpstreamError):
    """The connection broke, or what came back was not an HTTP/1.1 response."""


class _Connection(asyncio.Protocol):
    """One TCP connection; at most one exchange at a time."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.error: UpstreamError | None = None
        self.idle_since = 0.0
        self.used = False
        self._waiter: asyncio.Future[None] | None = None
        self._drained: asyncio.Future[None] | None = None
        self._parser: Any = None
        self._reading_paused = False
        self.reset()

    def reset(self) -> None:
        self.status = 0
        self.headers: Headers = []
        self.head_done = False
        self.complete = False
        self.keep_alive = False
        self.received = False
        self.until_close = False
        self._informational = False
        self.chunks: deque[bytes] = deque()
        self.buffered = 0
        self._parser = httptools.HttpResponseParser(self)

    # -- asyncio.Protocol
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports have the interface without being asyncio.Transport subclasses.
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        self.received = True
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self._fail(UpstreamProtocolError("upgrade not supported"))
            return
        except httptools.HttpParserError as exc:
            self._fail(UpstreamProtocolError(f"invalid response: {exc}"))
            return
        if self.buffered > READ_AHEAD and not self._reading_paused and self.transport:
            self._reading_paused = True
            self.transport.pause_reading()
        self._wake()

    def eof_received(self) -> bool | None:
        return None  # close the transport; connection_lost follows

    def connection_lost(self, exc: Exception | None) -> None:
        if self.head_done and not self.complete and self.until_close:
            self.complete = True  # a body delimited by the end of the connection
        if self.error is None:
            self.error = UpstreamProtocolError("the service closed the connection")
        self.transport = None
        self._wake()
        if self._drained is not None and not self._drained.done():
            self._drained.set_result(None)

    def pause_writing(self) -> None:
        self._drained = asyncio.get_running_loop().create_future()

    def resume_writing(self) -> None:
        if self._drained is not None and not self._drained.done():
            self._drained.set_result(None)
        self._drained = None

    # -- httptools callbacks
    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers.append((name.lower(), value))

    def on_headers_complete(self) -> None:
        status = self._parser.get_status_code()
        if status < 200:  # an informational answer; the real one follows
            self.headers = []
            self._informational = True
            return
        self.status = status
        self.keep_alive = self._parser.should_keep_alive()
        names = {name for name, _ in self.headers}
        self.until_close = (b"content-length" not in names and b"transfer-encoding" not in names
                            and status not in (204, 304))
        self.head_done = True

    def on_body(self, body: bytes) -> None:
        self.chunks.append(body)
        self.buffered += len(body)

    def on_message_complete(self) -> None:
        if self._informational:
            self._informational = False
            return
        self.complete = True

    # -- the exchange
    @property
    def usable(self) -> bool:
        return self.transport is not None and not self.transport.is_closing() \
            and self.error is None

    def _fail(self, error: UpstreamError) -> None:
        if self.error is None:
            self.error = error
        if self.transport is not None:
            self.transport.abort()
        self._wake()

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    async def wait(self, timeout_s: float) -> None:
        """Until something arrives (or the connection ends); :class:`UpstreamTimeout` after
        ``timeout_s`` without anything."""
        loop = asyncio.get_running_loop()
        self._waiter = waiter = loop.create_future()
        timer = loop.call_later(timeout_s, self._on_timeout, waiter)
        try:
            await waiter
        finally:
            timer.cancel()
            self._waiter = None
        if self.error is not None and not (self.complete or self.chunks):
            raise self.error

    def _on_timeout(self, waiter: asyncio.Future[None]) -> None:
        if not waiter.done():
            self._fail(UpstreamTimeout("no progress from the service"))

    async def write(self, data: bytes, timeout_s: float) -> None:
        if not self.usable:
            raise self.error or UpstreamProtocolError("the connection is closed")
        assert self.transport is not None
        self.transport.write(data)
        drained = self._drained
        if drained is not None:
            try:
                await asyncio.wait_for(asyncio.shield(drained), timeout_s)
            except TimeoutError:
                self._fail(UpstreamTimeout("the service stopped reading the request"))
        if self.error is not None:
            raise self.error

    def take(self) -> bytes:
        """The body bytes received so far (and read on from the socket again)."""
        data = b"".join(self.chunks) if len(self.chunks) != 1 else self.chunks[0]
        self.chunks.clear()
        self.buffered = 0
        if self._reading_paused and self.transport is not None:
            self._reading_paused = False
            self.transport.resume_reading()
        return data

    def close(self) -> None:
        if self.transport is not None:
            self.transport.abort()
            self.transport = None
