"""A local stand-in of a department's webhook receiver: a real HTTP/1.1 server on a free port
of 127.0.0.1 (asyncio streams), verifying each request with the scheme docs/webhooks.md
documents, written here on its own (not imported from the gateway), as a department would.

Tell it how to answer next: ``fail(n, status)`` answers ``status`` to the next ``n``
requests, ``hang(n)`` holds the next ``n`` without answering (the sender's timeout fires),
then it answers 200 ``{"ok": true}``. ``secrets`` are the signing secrets it accepts.
Every request is kept in ``received`` with its verdict.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

TOLERANCE_S = 300


def verify(secret: str, headers: dict[str, str], body: bytes, now: float) -> bool:
    """The receiver's check, as the contract documents it."""
    timestamp = headers.get("halo-webhook-timestamp", "")
    if not timestamp.isdigit() or abs(now - int(timestamp)) > TOLERANCE_S:
        return False
    expected = "v1=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body,
                                hashlib.sha256).hexdigest()
    return any(hmac.compare_digest(expected, sig)
               for sig in headers.get("halo-webhook-signature", "").split())


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    verified_by: list[str]
    """Which of the receiver's secrets verify it (empty: refused)."""

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def signatures(self) -> list[str]:
        return self.headers.get("halo-webhook-signature", "").split()


@dataclass
class WebhookReceiver:
    secrets: list[str] = field(default_factory=list)
    clock: Callable[[], float] = time.time
    """The receiver's own clock (unix seconds), for the timestamp check."""
    received: list[Received] = field(default_factory=list)
    port: int = 0
    _plan: list[tuple[str, int]] = field(default_factory=list)
    _server: asyncio.Server | None = None
    _release: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/halo"

    def fail(self, times: int, status: int = 500) -> None:
        self._plan += [("status", status)] * times

    def hang(self, times: int = 1) -> None:
        self._plan += [("hang", 0)] * times

    @property
    def accepted(self) -> list[Received]:
        return [r for r in self.received if r.verified_by]

    async def start(self) -> WebhookReceiver:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        self._release.set()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def __aenter__(self) -> WebhookReceiver:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, path, _ = lines[0].split(" ", 2)
            headers = {k.strip().lower(): v.strip()
                       for k, _, v in (line.partition(":") for line in lines[1:] if line)}
            body = await reader.readexactly(int(headers.get("content-length", "0")))
            now = self.clock()
            ok = [s for s in self.secrets if verify(s, headers, body, now)]
            self.received.append(Received(method, path, headers, body, ok))
            kind, status = self._plan.pop(0) if self._plan else ("ok", 200)
            if kind == "hang":
                await self._release.wait()
                return
            if not ok:
                status = 401
            payload = json.dumps({"ok": 200 <= status < 300, "status": status}).encode()
            writer.write(f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\n"
                         f"Content-Length: {len(payload)}\r\nConnection: close\r\n\r\n"
                         .encode() + payload)
            await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()
