"""Limits on request bodies, enforced before any route runs: size per route, JSON depth.

:class:`BodyLimits` is a pure-ASGI middleware of the gateway and of every service. A body
that is not multipart (uploads keep their own limits per document) is read as it arrives,
up to the route's limit and never past it: a ``Content-Length`` over the limit is refused
before a byte is read, a streamed body the moment it crosses the limit (413
``payload-too-large``, the limit in the message). A JSON body (``application/json``,
``*+json`` or no content type) nested deeper than the depth limit is refused with 422
``json-too-deep``, so no parser recurses into it. Either way the route is never reached, so
nothing is written. A body within the limits is handed to the app unchanged.

Settings (read on the first request, :meth:`JsonLimits.from_env`): ``HALO_MAX_JSON_BYTES``
(default 1 MiB), ``HALO_MAX_AUTH_JSON_BYTES`` (``/api/v1/auth/``: login, register, refresh;
default 16 KiB), ``HALO_MAX_JSON_DEPTH`` (default 32).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fastapi import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.settings import SettingsError, env_int
from shared.web.i18n import register_messages
from shared.web.problems import problem_response

DEFAULT_MAX_BYTES = 1 << 20
DEFAULT_MAX_AUTH_BYTES = 16 << 10
DEFAULT_MAX_DEPTH = 32
AUTH_PREFIX = "/api/v1/auth/"
STATE_KEY = "body_limits"
"""Where the limits are in the request's state, for readers of multipart ``data`` parts."""

MESSAGES = {
    "payload-too-large": ("Isi permintaan melebihi batas {limit} byte untuk alamat ini. "
                          "Tidak ada yang disimpan.",
                          "The request body exceeds the limit of {limit} bytes for this "
                          "address. Nothing was stored."),
    "json-too-deep": ("Isi JSON bersarang lebih dari {limit} tingkat. Tidak ada yang "
                      "disimpan.",
                      "The JSON body is nested more than {limit} levels deep. Nothing was "
                      "stored."),
    # A maximum length on an optional text field (shared.web.text) is reported as this.
    "field.too_long": ("Terlalu panjang (maksimal {max_length} karakter).",
                       "Too long (at most {max_length} characters)."),
}
"""Registered when a :class:`BodyLimits` is built (so with every app)."""

_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


@dataclass(frozen=True)
class JsonLimits:
    max_bytes: int = DEFAULT_MAX_BYTES
    max_auth_bytes: int = DEFAULT_MAX_AUTH_BYTES
    max_depth: int = DEFAULT_MAX_DEPTH

    @classmethod
    def from_env(cls) -> JsonLimits:
        limits = cls(max_bytes=env_int("HALO_MAX_JSON_BYTES", DEFAULT_MAX_BYTES),
                     max_auth_bytes=env_int("HALO_MAX_AUTH_JSON_BYTES", DEFAULT_MAX_AUTH_BYTES),
                     max_depth=env_int("HALO_MAX_JSON_DEPTH", DEFAULT_MAX_DEPTH))
        if min(limits.max_bytes, limits.max_auth_bytes, limits.max_depth) < 1:
            raise SettingsError("HALO_MAX_JSON_* harus bilangan bulat positif")
        return limits

    def bytes_for(self, path: str) -> int:
        """The size limit of a body sent to ``path``."""
        return self.max_auth_bytes if path.startswith(AUTH_PREFIX) else self.max_bytes


def too_deep(data: bytes | str, limit: int) -> bool:
    """Whether JSON text nests arrays and objects more than ``limit`` deep (strings, and
    brackets inside them, do not count). Linear in the text, no recursion."""
    raw = data.encode("utf-8", errors="replace") if isinstance(data, str) else data
    brackets = _STRING.sub(b'""', raw).translate(None, _NOT_BRACKETS)
    if brackets.count(b"[") + brackets.count(b"{") <= limit:
        return False  # most bodies: too few brackets to be too deep at all
    depth = 0
    for byte in brackets:
        if byte in b"[{":
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


def _is_json(content_type: str) -> bool:
    media = content_type.split(";")[0].strip().lower()
    return not media or media == "application/json" or media.endswith("+json")


class _Refused(Exception):
    def __init__(self, status: int, code: str, limit: int) -> None:
        super().__init__(code)
        self.status, self.code, self.limit = status, code, limit


class BodyLimits:
    """The middleware (see the module docstring); ``limits`` None: from the environment."""

    def __init__(self, app: ASGIApp, limits: JsonLimits | None = None) -> None:
        register_messages(MESSAGES)
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        if headers.get(b"content-length", b"0") == b"0" and b"transfer-encoding" not in headers:
            await self.app(scope, receive, send)  # no body, whatever the method
            return
        content_type = headers.get(b"content-type", b"").decode("latin-1")
        if content_type.lower().startswith("multipart/"):
            await self.app(scope, receive, send)
            return
        if self.limits is None:
            self.limits = JsonLimits.from_env()
        scope.setdefault("state", {})[STATE_KEY] = self.limits
        limit = self.limits.bytes_for(scope["path"])
        try:
            body = await _read(headers.get(b"content-length"), receive, limit)
            if body is None:
                return  # the client left before the body ended: nothing to answer
            if _is_json(content_type) and too_deep(body, self.limits.max_depth):
                raise _Refused(422, "json-too-deep", self.limits.max_depth)
        except _Refused as exc:
            response = problem_response(Request(scope), exc.status, exc.code,
                                        {"limit": exc.limit}, headers={"Connection": "close"})
            await response(scope, receive, send)
            return
        await self.app(scope, _replay(body, receive), send)


async def _read(declared: bytes | None, receive: Receive, limit: int) -> bytes | None:
    """The whole body (None if the client left first), or :class:`_Refused` as soon as it
    is known to exceed ``limit``."""
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _Refused(413, "payload-too-large", limit)
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise _Refused(413, "payload-too-large", limit)
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed
