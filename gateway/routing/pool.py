"""A small pooled HTTP/1.1 client for the gateway's calls to a service (distributed mode).

httpx costs the gateway about 1.6 ms of CPU per proxied request (its Request and Response
models, header and URL objects, cookie handling, httpcore's state machine); the proxy needs
none of it, it relays bytes. :class:`UpstreamPool` keeps keep-alive connections
(:mod:`gateway.routing.connection`) to one service, writes the request head itself and
hands out the response as it arrives.

- **Bodies stream both ways.** The request body is written chunk by chunk as the caller
  hands it over (with its ``Content-Length`` as given, chunked when there is none); the
  response body is read as the caller reads it (:meth:`PooledResponse.aiter_raw`), never
  collected whole unless asked for (:meth:`PooledResponse.read`).
- **Keep-alive.** A connection goes back to the pool once its response was read to the end
  and both sides allow keep-alive (never after a ``HEAD``, nor after a response the service
  gave before it had the whole request body); at most ``max_idle`` idle connections are kept,
  each no longer than :data:`IDLE_S`. A reused connection the service had closed in the
  meantime fails before any byte of a response: a request without a body is then sent once
  more, on a new connection.
- **Limits.** At most ``max_connections`` exchanges at a time (the others wait), as httpx's
  default pool.
- **Errors.** :class:`UpstreamConnectError` (no connection: refused, unreachable, connect
  timeout), :class:`UpstreamTimeout` (no progress for ``read_s``) and
  :class:`UpstreamProtocolError` (the connection broke, or the answer was not HTTP/1.1).
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

from gateway.routing.connection import (
    Headers,
    UpstreamConnectError,
    UpstreamError,
    UpstreamProtocolError,
    UpstreamTimeout,
    _Connection,
)

__all__ = ["Headers", "PooledResponse", "UpstreamConnectError", "UpstreamError",
           "UpstreamPool", "UpstreamProtocolError", "UpstreamTimeout"]

IDLE_S = 4.0
"""An idle connection older than this is not reused (uvicorn closes them after 5 s)."""


class UpstreamPool:
    """Keep-alive HTTP/1.1 connections to ``host:port``."""

    def __init__(self, host: str, port: int, *, connect_s: float, read_s: float,
                 max_connections: int = 100, max_idle: int = 20) -> None:
        self.host, self.port = host, port
        self.connect_s, self.read_s = connect_s, read_s
        self.max_idle = max_idle
        self._host_header = (host if port == 80 else f"{host}:{port}").encode("ascii")
        self._idle: deque[_Connection] = deque()
        self._slots = asyncio.Semaphore(max_connections)
        self._closed = False

    @classmethod
    def for_url(cls, url: str, *, connect_s: float, read_s: float) -> UpstreamPool:
        """A pool for the ``http://host[:port]`` of ``url`` (no path, no TLS); ValueError
        for anything else."""
        parts = urlsplit(url)
        if parts.scheme != "http" or not parts.hostname or parts.path not in ("", "/") \
                or parts.query or parts.username:
            raise ValueError(f"not a plain http://host:port URL: {url!r}")
        return cls(parts.hostname, parts.port or 80, connect_s=connect_s, read_s=read_s)

    @property
    def idle(self) -> int:
        """Idle connections held now."""
        return sum(1 for c in self._idle if c.usable)

    async def send(self, method: str, target: bytes, headers: Headers,
                   body: AsyncIterator[bytes] | None = None) -> PooledResponse:
        """Send a request; return once the response head arrived (its body not yet read).
        ``target`` is the request target as sent (path and query); ``headers`` are sent as
        given, after ``host``. The caller must read the body to its end or close it."""
        if b"\r" in target or b"\n" in target or b" " in target:
            raise ValueError("invalid request target")
        chunked = body is not None and not any(n == b"content-length" for n, _ in headers)
        head = b"".join([method.encode("ascii"), b" ", target, b" HTTP/1.1\r\nhost: ",
                         self._host_header, b"\r\n",
                         *[b"%s: %s\r\n" % pair for pair in headers],
                         b"transfer-encoding: chunked\r\n\r\n" if chunked else b"\r\n"])
        await self._slots.acquire()
        try:
            for attempt in (1, 2):
                conn, reused = await self._checkout()
                try:
                    await self._exchange(conn, head, body, chunked)
                except UpstreamError as exc:
                    conn.close()
                    if (attempt == 1 and reused and body is None and not conn.received
                            and not isinstance(exc, UpstreamTimeout)):
                        continue  # the service had closed the idle connection
                    raise
                except BaseException:
                    conn.close()
                    raise
                return PooledResponse(self, conn, head_only=method == "HEAD")
            raise AssertionError("unreachable")
        except BaseException:
            self._slots.release()
            raise

    async def _exchange(self, conn: _Connection, head: bytes,
                        body: AsyncIterator[bytes] | None, chunked: bool) -> None:
        await conn.write(head, self.read_s)
        if body is not None:
            try:
                async for chunk in body:
                    if conn.head_done:  # the service answered before the end of the body
                        conn.keep_alive = False
                        break
                    if chunk:
                        await conn.write(b"%x\r\n%s\r\n" % (len(chunk), chunk) if chunked
                                         else chunk, self.read_s)
                else:
                    if chunked:
                        await conn.write(b"0\r\n\r\n", self.read_s)
            except UpstreamProtocolError:
                if not conn.head_done:
                    raise
                conn.keep_alive = False
        while not conn.head_done:
            await conn.wait(self.read_s)

    async def _checkout(self) -> tuple[_Connection, bool]:
        if self._closed:
            raise UpstreamConnectError("the pool is closed")
        now = time.monotonic()
        while self._idle:
            conn = self._idle.pop()
            if conn.usable and now - conn.idle_since < IDLE_S:
                conn.reset()
                return conn, True
            conn.close()
        loop = asyncio.get_running_loop()
        try:
            _, conn = await asyncio.wait_for(
                loop.create_connection(_Connection, self.host, self.port), self.connect_s)
        except TimeoutError:
            raise UpstreamConnectError("connect timed out") from None
        except OSError as exc:
            raise UpstreamConnectError(f"connect failed: {exc.strerror or exc}") from None
        return conn, False

    def _release(self, conn: _Connection, reusable: bool) -> None:
        self._slots.release()
        if reusable and not self._closed and conn.usable and len(self._idle) < self.max_idle:
            conn.idle_since = time.monotonic()
            self._idle.append(conn)
        else:
            conn.close()

    async def aclose(self) -> None:
        self.close()

    def close(self) -> None:
        """Close the idle connections; exchanges under way finish on theirs."""
        self._closed = True
        while self._idle:
            self._idle.pop().close()


class PooledResponse:
    """A response of :meth:`UpstreamPool.send`: status and head now, the body as read."""

    def __init__(self, pool: UpstreamPool, conn: _Connection, head_only: bool) -> None:
        self.status = conn.status
        self.headers: Headers = conn.headers
        self._pool, self._conn, self._head_only = pool, conn, head_only
        self._done = False

    def header(self, name: bytes) -> bytes | None:
        """The first value of header ``name`` (lower case), or None."""
        for key, value in self.headers:
            if key == name:
                return value
        return None

    async def aiter_raw(self) -> AsyncIterator[bytes]:
        """The body as it arrives (bytes as sent, no decoding); the connection goes back to
        the pool at its end, or is closed if the reading stopped early or failed."""
        conn, clean = self._conn, False
        try:
            if not self._head_only:
                while True:
                    if conn.chunks:
                        yield conn.take()
                    elif conn.complete:
                        break
                    else:
                        await conn.wait(self._pool.read_s)
            clean = True
        finally:
            self._finish(clean)

    async def read(self) -> bytes:
        """The whole body."""
        return b"".join([chunk async for chunk in self.aiter_raw()])

    async def aclose(self) -> None:
        self._finish(False)

    def _finish(self, clean: bool) -> None:
        if self._done:
            return
        self._done = True
        conn = self._conn
        self._pool._release(conn, clean and conn.complete and conn.keep_alive
                            and not self._head_only)
