"""The all-in-one program answers on its port before its code is imported: while stage 2 (the
imports and the composition of the app) is held, a real HTTP client gets ``/healthz`` 200 and a
503 ``starting`` problem elsewhere, as the app's own start-up guard answers; once released, the
same socket is served by uvicorn and the app answers. The early responder imports nothing
heavy."""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from starlette.requests import Request

import gateway.allinone as program
from gateway.allinone_start import Starting, StartingGuard
from gateway.early_listener import answer, bind, serve_early, stop_early

ROOT = Path(__file__).resolve().parents[2]


def test_the_answers_while_loading_are_the_start_up_guard_s() -> None:
    assert answer("GET", "/healthz", None)[:3] == (200, "application/json", b'{"status":"ok"}')
    assert answer("GET", "/readyz?x=1", None)[0:3] == (503, "application/json",
                                                       b'{"status":"starting"}')
    status, media, body, headers = answer("POST", "/api/v1/auth/login?next=/", "en-US,en")
    assert (status, media, headers["Retry-After"]) == (503, "application/problem+json", "2")
    problem = json.loads(body)
    assert problem["detail"] == "Halo Lamsel is starting. Try again in a moment."
    assert problem["instance"] == "/api/v1/auth/login"
    _, _, body_id, headers_id = answer("GET", "/", None)
    assert headers_id["Content-Language"] == "id"
    assert json.loads(body_id)["detail"].startswith("Halo Lamsel sedang dimulai")

    async def guarded() -> dict[str, Any]:
        app = StartingGuard(FastAPI(), Starting())
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://halo") as client:
            got = await client.get("/", headers={"Accept-Language": "id"})
        assert got.status_code == 503 and got.headers["retry-after"] == "2"
        return dict(got.json())
    from_guard = asyncio.run(guarded())
    early = json.loads(body_id)
    assert {k: v for k, v in early.items() if k != "request_id"} == {
        k: v for k, v in from_guard.items() if k != "request_id"}


def test_importing_the_program_imports_neither_the_app_nor_a_web_framework() -> None:
    code = ("import sys, gateway.allinone; heavy = [m for m in ('fastapi', 'sqlalchemy', "
            "'uvicorn', 'gateway.allinone_app', 'pydantic') if m in sys.modules]; print(heavy)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, check=True, env={"PYTHONPATH": str(ROOT)})
    assert done.stdout.strip() == "[]"


def test_the_port_answers_while_the_code_loads_then_the_app_serves_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    loading = threading.Event()
    release = threading.Event()
    servers: list[uvicorn.Server] = []
    seen: dict[str, Any] = {}

    app = FastAPI()
    app.state.starting = Starting(done=True)

    @app.get("/healthz")
    async def healthz(request: Request) -> dict[str, str]:
        return {"status": "ok", "served_by": "app"}

    def prepare(args: Any) -> tuple[FastAPI, dict[str, Any]]:
        loading.set()
        assert release.wait(60)
        return app, {"host": args.host, "port": args.port}

    async def run_server(served: FastAPI, sock: Any, options: dict[str, Any]) -> None:
        server = uvicorn.Server(uvicorn.Config(served, log_config=None, **options))
        servers.append(server)
        await server.serve(sockets=[sock])

    monkeypatch.setattr(program, "prepare", prepare)
    monkeypatch.setattr(program, "run_server", run_server)

    def client() -> None:
        assert loading.wait(60)
        port = seen["port"]
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
            seen["early_health"] = http.get("/healthz").json()
            seen["early_other"] = http.get("/api/v1/catalog")
            release.set()
            for _ in range(200):
                body = http.get("/healthz").json()
                if body.get("served_by") == "app":
                    seen["app_health"] = body
                    break
                threading.Event().wait(0.05)
        servers[0].should_exit = True

    args = program.parse(["--port", "0"])
    sock = program.bind(args.host, 0)
    seen["port"] = sock.getsockname()[1]
    args.port = seen["port"]
    thread = threading.Thread(target=client)
    thread.start()
    try:
        assert asyncio.run(program.serve(args, sock)) == 0
    finally:
        release.set()
        thread.join(30)
        sock.close()
    assert seen["early_health"] == {"status": "ok"}
    assert seen["early_other"].status_code == 503
    assert seen["early_other"].json()["code"] == "starting"
    assert seen["app_health"] == {"status": "ok", "served_by": "app"}


def test_a_taken_port_is_a_clear_message_and_exit_status_1(
        capsys: pytest.CaptureFixture[str]) -> None:
    sock = program.bind("127.0.0.1", 0)
    try:
        port = sock.getsockname()[1]
        assert program.main(["--port", str(port)]) == 1
    finally:
        sock.close()
    assert f"Port 127.0.0.1:{port} tidak dapat dibuka" in capsys.readouterr().err


async def _hand_over(stop: Callable[[asyncio.Server], Awaitable[None]],
                     clients: int = 8) -> list[bytes]:
    """Connections the early responder has just accepted, and whose set-up has not run yet,
    when the hand-over begins: the interleaving a load that ends in the same loop pass as an
    accept produces. Every client gets its whole answer, from the early responder or from the
    app."""
    loop = asyncio.get_running_loop()
    sock = bind("127.0.0.1", 0)
    early = await serve_early(sock)
    conns = []
    for _ in range(clients):
        conn = socket.create_connection(sock.getsockname()[:2])
        conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: halo\r\n\r\n")
        conns.append(conn)
    # In the next pass the loop runs this future's callback, then the accept the readable
    # socket asks for; the accept schedules each connection's set-up for the pass after, behind
    # the wake-up of this coroutine.
    woken = loop.create_future()
    loop.call_soon(woken.set_result, None)
    await woken
    await stop(early)

    async def app_side(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\napp")
        await writer.drain()
        writer.close()

    app = await asyncio.start_server(app_side, sock=sock)

    async def read(conn: socket.socket) -> bytes:
        reader, writer = await asyncio.open_connection(sock=conn)
        try:
            return await asyncio.wait_for(reader.read(), 2)
        except (TimeoutError, ConnectionError) as exc:
            return type(exc).__name__.encode()
        finally:
            writer.close()

    try:
        return list(await asyncio.gather(*(read(conn) for conn in conns)))
    finally:
        app.close()
        sock.close()


def test_a_connection_accepted_as_the_hand_over_begins_is_answered_not_dropped() -> None:
    answers = asyncio.run(_hand_over(stop_early))
    assert len(answers) == 8
    assert all(got.startswith(b"HTTP/1.1 200 OK\r\n") for got in answers), answers
    assert any(got.endswith(b'{"status":"ok"}') for got in answers)


def test_closing_the_early_server_alone_drops_those_connections() -> None:
    """The interleaving above is the one that loses connections when the early server is only
    closed (Python 3.11's asyncio): what :func:`stop_early` is for."""

    async def close_only(server: asyncio.Server) -> None:
        server.close()

    answers = asyncio.run(_hand_over(close_only))
    assert not all(got.startswith(b"HTTP/1.1 200 OK\r\n") for got in answers), answers
