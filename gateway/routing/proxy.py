"""Forwarding one request to a service.

Bodies stream both ways (the request body is read chunk by chunk from the caller and handed
to the service; the response is relayed as it arrives), so uploads of many megabytes never
sit whole in the gateway's memory. The caller's identity (``Authorization``), content
negotiation headers and the gateway's request id are passed on, and ``X-Forwarded-For`` set
to the caller's address as the gateway knows it (the TCP peer, or what a trusted ingress
said: ``HALO_FORWARDED_ALLOW_IPS``); a caller's own ``X-Forwarded-For`` is never passed on.
A service believes it only from the gateway's addresses (e.g. ``services.pajak.ratelimit``).
Nothing else is passed.

Two clients: over real HTTP (distributed mode) the gateway's own pooled HTTP/1.1 client
(:mod:`gateway.routing.pool`, chosen by :func:`gateway.routing.clients.upstream_for`);
otherwise, and with ``HALO_GATEWAY_UPSTREAM=httpx``, the service's ``httpx.AsyncClient``
(the all-in-one's in-process ASGI transport, tests' stand-ins). Both answer as an
:class:`Upstream`.

Timeouts are explicit and enforced here, not only by the HTTP client: an in-process ASGI
transport (all-in-one) ignores httpx timeouts, so a watchdog cancels the upstream call when
nothing has moved for ``connect + read`` seconds (the clock restarts on each request body
chunk forwarded, so a slow upload is not mistaken for a slow service). The pooled client
times every wait itself; the watchdog is kept for its requests with a body (a caller that
stops sending is the gateway's to time).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable
from typing import TypeVar

import httpx
from fastapi import Request

from gateway.routing.pool import (
    Headers,
    PooledResponse,
    UpstreamConnectError,
    UpstreamError,
    UpstreamPool,
    UpstreamTimeout,
)

log = logging.getLogger("halo.gateway.routing")
T = TypeVar("T")

PASSED_REQUEST_HEADERS = ("authorization", "accept", "accept-language", "content-type",
                          "content-length")
_PASSED = frozenset(name.encode() for name in PASSED_REQUEST_HEADERS)
DROPPED_RESPONSE_HEADERS = frozenset({
    "connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
    "proxy-authenticate", "proxy-authorization", "x-request-id", "server", "date"})
"""Hop-by-hop headers, and those the gateway sets itself."""
_DROPPED = frozenset(name.encode() for name in DROPPED_RESPONSE_HEADERS)
BUFFERED_MAX = 64 * 1024
"""Responses up to this size (by their ``Content-Length``) are relayed in one piece."""


class UpstreamFailure(Exception):
    """The service could not be reached (503) or did not answer in time (504)."""

    def __init__(self, status: int, code: str) -> None:
        super().__init__(code)
        self.status = status
        self.code = code


class _HttpxResponse:
    """An httpx response (body not yet read) as an :class:`Upstream`."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response
        self.status = response.status_code
        self.headers: Headers = [(k.lower(), v) for k, v in response.headers.raw]

    def header(self, name: bytes) -> bytes | None:
        for key, value in self.headers:
            if key == name:
                return value
        return None

    def aiter_raw(self) -> AsyncIterator[bytes]:
        return self.response.aiter_raw()

    async def aclose(self) -> None:
        await self.response.aclose()


Upstream = PooledResponse | _HttpxResponse
"""A service's response, its body not yet read: ``status``, ``headers`` (lower-case bytes),
``header(name)``, ``aiter_raw()``, ``aclose()``."""
Client = httpx.AsyncClient | UpstreamPool


class _Activity:
    """When the exchange last made progress (monotonic seconds)."""

    def __init__(self) -> None:
        self.at = time.monotonic()

    def touch(self) -> None:
        self.at = time.monotonic()


async def _watched(call: Awaitable[T], activity: _Activity, idle_s: float) -> T:
    """``call``'s result, or :class:`TimeoutError` after ``idle_s`` without progress."""
    task = asyncio.ensure_future(call)
    try:
        while True:
            remaining = activity.at + idle_s - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            done, _ = await asyncio.wait({task}, timeout=remaining)
            if done:
                return task.result()
    finally:
        if not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)


async def _body(chunks: AsyncIterator[bytes], activity: _Activity) -> AsyncIterator[bytes]:
    async for chunk in chunks:
        activity.touch()
        if chunk:
            yield chunk
    activity.touch()


def _has_body(request: Request) -> bool:
    length = request.headers.get("content-length")
    return bool(length and length != "0") or "transfer-encoding" in request.headers


def upstream_headers(request: Request) -> dict[str, str]:
    headers = {name: request.headers[name] for name in PASSED_REQUEST_HEADERS
               if name in request.headers}
    headers["x-request-id"] = getattr(request.state, "request_id", "") or "-"
    if request.client is not None and request.client.host:
        headers["x-forwarded-for"] = request.client.host
    # Bytes are relayed raw: the service may compress only if the caller accepts it.
    headers["accept-encoding"] = request.headers.get("accept-encoding", "identity")
    return headers


def pooled_headers(request: Request) -> Headers:
    """:func:`upstream_headers` as the pooled client sends them (bytes, taken from the
    ASGI scope: the first value of each passed header)."""
    headers: Headers = []
    seen: set[bytes] = set()
    accept_encoding = b"identity"
    for name, value in request.scope["headers"]:
        if name in _PASSED and name not in seen:
            seen.add(name)
            headers.append((name, value))
        elif name == b"accept-encoding" and b"accept-encoding" not in seen:
            seen.add(name)
            accept_encoding = value
    headers.append((b"x-request-id",
                    (getattr(request.state, "request_id", "") or "-").encode("latin-1")))
    if request.client is not None and request.client.host:
        headers.append((b"x-forwarded-for", request.client.host.encode("latin-1")))
    headers.append((b"accept-encoding", accept_encoding))
    return headers


def upstream_url(client: httpx.AsyncClient, target: str) -> httpx.URL:
    """The absolute URL of ``target`` on ``client``'s service. Built from text: handing httpx
    a relative path makes it parse and merge the base URL on every request (about 60 us)."""
    return httpx.URL(f"{str(client.base_url).rstrip('/')}{target}")


def upstream_target(request: Request, service: str) -> str:
    """The service-relative path, percent-escapes kept as sent, with the query string."""
    scope = request.scope
    raw: bytes = scope.get("raw_path") or scope["path"].encode()
    prefix = f"/api/v1/{service}".encode()
    path = raw[len(prefix):] if raw.startswith(prefix) else b"/"
    target = path.decode("latin-1") or "/"
    if not target.startswith("/"):
        target = "/" + target
    # From the scope and decoded as Starlette's ``request.url.query`` is, without building
    # the whole URL (its host header parsed: 5 % of the gateway's CPU per request, issue 12).
    query = scope.get("query_string", b"").decode()
    return f"{target}?{query}" if query else target


async def forward(client: Client, request: Request, service: str,
                  idle_s: float, body: AsyncIterator[bytes] | None = None) -> Upstream:
    """Send ``request`` on to ``service``; return the upstream response, body not yet read.
    ``body``, when given, is sent in place of the request's own stream (the same bytes,
    partly read already: :mod:`gateway.routing.assisted`).

    The caller must read the body to its end or close the response (``aclose``).
    """
    if isinstance(client, UpstreamPool):
        return await _forward_pooled(client, request, service, idle_s, body)
    activity = _Activity()
    content = _body(body or request.stream(), activity) if _has_body(request) else None
    if client.cookies:  # a service's Set-Cookie is the caller's, never sent on by the gateway
        client.cookies.clear()
    outgoing = client.build_request(request.method,
                                    upstream_url(client, upstream_target(request, service)),
                                    headers=upstream_headers(request), content=content)
    try:
        return _HttpxResponse(
            await _watched(client.send(outgoing, stream=True), activity, idle_s))
    except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
        log.warning("service unreachable", extra={"upstream": service,
                                                  "error": type(exc).__name__})
        raise UpstreamFailure(503, "service-unavailable") from None
    except (TimeoutError, httpx.TimeoutException) as exc:
        log.warning("service timed out", extra={"upstream": service,
                                                "error": type(exc).__name__})
        raise UpstreamFailure(504, "upstream-timeout") from None
    except httpx.TransportError as exc:
        log.warning("service exchange failed", extra={"upstream": service,
                                                      "error": type(exc).__name__})
        raise UpstreamFailure(503, "service-unavailable") from None


async def _forward_pooled(pool: UpstreamPool, request: Request, service: str, idle_s: float,
                          body: AsyncIterator[bytes] | None) -> PooledResponse:
    target = upstream_target(request, service).encode("latin-1")
    headers = pooled_headers(request)
    try:
        if not _has_body(request):
            return await pool.send(request.method, target, headers)
        activity = _Activity()
        return await _watched(pool.send(request.method, target, headers,
                                        _body(body or request.stream(), activity)),
                              activity, idle_s)
    except UpstreamConnectError as exc:
        log.warning("service unreachable", extra={"upstream": service, "error": str(exc)})
        raise UpstreamFailure(503, "service-unavailable") from None
    except (TimeoutError, UpstreamTimeout) as exc:
        log.warning("service timed out", extra={"upstream": service,
                                                "error": type(exc).__name__})
        raise UpstreamFailure(504, "upstream-timeout") from None
    except UpstreamError as exc:
        log.warning("service exchange failed", extra={"upstream": service, "error": str(exc)})
        raise UpstreamFailure(503, "service-unavailable") from None


async def small_body(upstream: Upstream, method: str, idle_s: float) -> bytes | None:
    """The whole raw body when the service announced a small one (``Content-Length`` up to
    :data:`BUFFERED_MAX`), else None (then :func:`relay_body` streams it). A small body sent
    in one piece saves the streaming response's task and per-chunk hops; the response is
    closed when the body was read. A failure is an :class:`UpstreamFailure` (503, 504)."""
    length = upstream.header(b"content-length") or b""
    if method == "HEAD" or not length.isdigit() or int(length) > BUFFERED_MAX:
        return None
    if isinstance(upstream, PooledResponse):  # it times its own reads
        try:
            return await upstream.read()
        except UpstreamTimeout:
            raise UpstreamFailure(504, "upstream-timeout") from None
        except UpstreamError:
            raise UpstreamFailure(503, "service-unavailable") from None
        finally:
            await upstream.aclose()
    activity = _Activity()

    async def read() -> bytes:
        chunks = []
        async for chunk in upstream.aiter_raw():
            activity.touch()
            chunks.append(chunk)
        return b"".join(chunks)

    try:
        return await _watched(read(), activity, idle_s)
    except (TimeoutError, httpx.TimeoutException):
        raise UpstreamFailure(504, "upstream-timeout") from None
    except httpx.TransportError:
        raise UpstreamFailure(503, "service-unavailable") from None
    finally:
        await upstream.aclose()


def response_headers(upstream: Upstream) -> list[tuple[bytes, bytes]]:
    return [(k, v) for k, v in upstream.headers if k not in _DROPPED]


async def relay_body(upstream: Upstream, service: str) -> AsyncIterator[bytes]:
    """The upstream body as it arrives; the upstream response is closed in every case."""
    try:
        async for chunk in upstream.aiter_raw():
            yield chunk
    except (httpx.TransportError, UpstreamError) as exc:
        # Headers are already sent: the caller sees a truncated body (connection aborted).
        log.warning("upstream body interrupted", extra={"upstream": service,
                                                        "error": type(exc).__name__})
        raise
    finally:
        await upstream.aclose()
