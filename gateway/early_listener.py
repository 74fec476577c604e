"""The port answers before the app is imported: a standard-library HTTP responder on the
listening socket while the all-in-one loads its code (about two seconds on an idle machine,
several under load), so that ``/healthz`` answers at once.

It answers what the app's start-up guard (:mod:`gateway.allinone_start`) answers while the
start runs: ``/healthz`` 200 ``{"status": "ok"}``, ``/readyz`` 503 ``{"status": "starting"}``,
everything else 503 problem+json ``starting`` with ``Retry-After``, in Indonesian unless the
caller prefers English. One request per connection (``Connection: close``). It imports nothing
outside the standard library but the message catalogue (:mod:`shared.web.i18n`, itself
standard library only).
"""

from __future__ import annotations

import asyncio
import json
import socket
from contextlib import suppress

from shared.web.i18n import language, title

PROBLEM_TYPE_BASE = "https://halo.lampungselatankab.go.id/problems/"
STARTING = ("Halo Lamsel sedang dimulai. Coba lagi sebentar lagi.",
            "Halo Lamsel is starting. Try again in a moment.")
RETRY_AFTER_S = 2
MAX_HEAD = 16 * 1024
READ_TIMEOUT_S = 5.0
REASONS = {200: "OK", 400: "Bad Request", 503: "Service Unavailable"}


def bind(host: str, port: int, backlog: int = 2048) -> socket.socket:
    """The listening socket the early responder and then the app serve (an ``OSError`` if the
    port is taken)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(backlog)
    except OSError:
        sock.close()
        raise
    sock.setblocking(False)
    return sock


def answer(method: str, path: str, accept_language: str | None) -> tuple[int, str, bytes,
                                                                         dict[str, str]]:
    """Status, media type, body and extra headers for one request while the app loads."""
    path = path.split("?", 1)[0]
    if path == "/healthz":
        return 200, "application/json", b'{"status":"ok"}', {}
    if path == "/readyz":
        return 503, "application/json", b'{"status":"starting"}', {}
    lang = language(accept_language)
    body = {"type": PROBLEM_TYPE_BASE + "starting", "title": title(503, lang), "status": 503,
            "code": "starting", "detail": STARTING[1] if lang == "en" else STARTING[0],
            "instance": path, "request_id": "-"}
    return (503, "application/problem+json", json.dumps(body).encode(),
            {"Retry-After": str(RETRY_AFTER_S), "Content-Language": lang})


async def _respond(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), READ_TIMEOUT_S)
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError,
            ConnectionError):
        writer.close()
        return
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    headers = {k.strip().lower(): v.strip() for k, _, v in
               (line.partition(":") for line in lines[1:] if ":" in line)}
    extra: dict[str, str] = {}
    if len(parts) != 3:
        status, media, body = 400, "text/plain", b"bad request"
    else:
        status, media, body, extra = answer(parts[0], parts[1], headers.get("accept-language"))
    extra_lines = "".join(f"{k}: {v}\r\n" for k, v in extra.items())
    writer.write((f"HTTP/1.1 {status} {REASONS[status]}\r\nContent-Type: {media}\r\n"
                  f"Content-Length: {len(body)}\r\nCache-Control: no-store\r\n{extra_lines}"
                  "Connection: close\r\n\r\n").encode("latin-1")
                 + (b"" if parts[0] == "HEAD" else body))
    with suppress(ConnectionError):
        await writer.drain()
    writer.close()


async def serve_early(sock: socket.socket) -> asyncio.Server:
    """Answer on ``sock`` until the returned server is closed. It serves a duplicate of the
    socket, so closing it leaves ``sock`` listening (connections wait in its backlog for the
    app)."""
    return await asyncio.start_server(_respond, sock=sock.dup(), limit=MAX_HEAD)


async def stop_early(server: asyncio.Server) -> None:
    """Hand the port over without dropping a connection.

    ``Server.close`` alone races with accepts the loop has already made: a connection accepted
    in the same loop pass is set up by a task that runs after the close, finds the server gone
    and fails; the connection is never answered (the client times out). So first stop
    accepting (a pending accept is cancelled, its connection stays in the backlog for the app),
    then let the loop run the set-up of every connection already accepted, and only then
    close; those connections are answered to the end by their own tasks."""
    loop = asyncio.get_running_loop()
    for listening in server.sockets:
        loop.remove_reader(listening.fileno())
    for _ in range(2):
        await asyncio.sleep(0)
    server.close()
