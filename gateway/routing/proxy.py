"""Forwarding one request to a service.

Bodies stream both ways (the request body is read chunk by chunk from the caller and handed
to the service; the response is relayed as it arrives), so uploads of many megabytes never
sit whole in the gateway's memory. The caller's identity (``Authorization``), content
negotiation headers and the gateway's request id are passed on, and ``X-Forwarded-For`` set
to the caller's address as the gateway knows it (the TCP peer, or what a trusted ingress
said: ``HALO_FORWARDED_ALLOW_IPS``); a caller's own ``X-Forwarded-For`` is never passed on.
A service believes it only from the gateway's addresses (e.g. ``services.pajak.ratelimit``).
Nothing else is passed.

Timeouts are explicit and enforced here, not only by the HTTP client: an in-process ASGI
transport (all-in-one) ignores httpx timeouts, so a watchdog cancels the upstream call when
nothing has moved for ``connect + read`` seconds (the clock restarts on each request body
chunk forwarded, so a slow upload is not mistaken for a slow service).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable
from typing import TypeVar

import httpx
from fastapi import Request

log = logging.getLogger("halo.gateway.routing")
T = TypeVar("T")

PASSED_REQUEST_HEADERS = ("authorization", "accept", "accept-language", "content-type",
                          "content-length")
DROPPED_RESPONSE_HEADERS = frozenset({
    "connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
    "proxy-authenticate", "proxy-authorization", "x-request-id", "server", "date"})
"""Hop-by-hop headers, and those the gateway sets itself."""
BUFFERED_MAX = 64 * 1024
"""Responses up to this size (by their ``Content-Length``) are relayed in one piece."""


class UpstreamFailure(Exception):
    """The service could not be reached (503) or did not answer in time (504)."""

    def __init__(self, status: int, code: str) -> None:
        super().__init__(code)
        self.status = status
        self.code = code


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


def upstream_url(client: httpx.AsyncClient, target: str) -> httpx.URL:
    """The absolute URL of ``target`` on ``client``'s service. Built from text: handing httpx
    a relative path makes it parse and merge the base URL on every request (about 60 us)."""
    return httpx.URL(f"{str(client.base_url).rstrip('/')}{target}")


def upstream_target(request: Request, service: str) -> str:
    """The service-relative path, percent-escapes kept as sent, with the query string."""
    raw: bytes = request.scope.get("raw_path") or request.url.path.encode()
    prefix = f"/api/v1/{service}".encode()
    path = raw[len(prefix):] if raw.startswith(prefix) else b"/"
    target = path.decode("latin-1") or "/"
    if not target.startswith("/"):
        target = "/" + target
    query = request.url.query
    return f"{target}?{query}" if query else target


async def forward(client: httpx.AsyncClient, request: Request, service: str,
                  idle_s: float, body: AsyncIterator[bytes] | None = None) -> httpx.Response:
    """Send ``request`` on to ``service``; return the upstream response, body not yet read.
    ``body``, when given, is sent in place of the request's own stream (the same bytes,
    partly read already: :mod:`gateway.routing.assisted`).

    The caller must close the response (:meth:`httpx.Response.aclose`).
    """
    activity = _Activity()
    content = _body(body or request.stream(), activity) if _has_body(request) else None
    outgoing = client.build_request(request.method,
                                    upstream_url(client, upstream_target(request, service)),
                                    headers=upstream_headers(request), content=content)
    try:
        return await _watched(client.send(outgoing, stream=True), activity, idle_s)
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


async def small_body(upstream: httpx.Response, method: str, idle_s: float) -> bytes | None:
    """The whole raw body when the service announced a small one (``Content-Length`` up to
    :data:`BUFFERED_MAX`), else None (then :func:`relay_body` streams it). A small body sent
    in one piece saves the streaming response's task and per-chunk hops; the response is
    closed when the body was read."""
    length = upstream.headers.get("content-length", "")
    if method == "HEAD" or not length.isdigit() or int(length) > BUFFERED_MAX:
        return None
    activity = _Activity()

    async def read() -> bytes:
        chunks = []
        async for chunk in upstream.aiter_raw():
            activity.touch()
            chunks.append(chunk)
        return b"".join(chunks)

    try:
        return await _watched(read(), activity, idle_s)
    finally:
        await upstream.aclose()


def response_headers(upstream: httpx.Response) -> list[tuple[bytes, bytes]]:
    return [(k.lower().encode("latin-1"), v.encode("latin-1"))
            for k, v in upstream.headers.multi_items()
            if k.lower() not in DROPPED_RESPONSE_HEADERS]


async def relay_body(upstream: httpx.Response, service: str) -> AsyncIterator[bytes]:
    """The upstream body as it arrives; the upstream response is closed in every case."""
    try:
        async for chunk in upstream.aiter_raw():
            yield chunk
    except httpx.TransportError as exc:
        # Headers are already sent: the caller sees a truncated body (connection aborted).
        log.warning("upstream body interrupted", extra={"upstream": service,
                                                        "error": type(exc).__name__})
        raise
    finally:
        await upstream.aclose()
