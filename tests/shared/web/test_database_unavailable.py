"""A database that is away answers 503 ``database-unavailable`` with ``Retry-After``, never a
500 (shared.web.problems_db); the pool recovers by itself once the database is back; a
database error that is a bug is still a 500. Real drivers: PostgreSQL on a port nobody listens
on, (integration tier) a real PostgreSQL whose server ends the request's connection, and a
stand-in speaking PostgreSQL's protocol that ends a connection as a shutting-down server does
(its FATAL message, the socket not yet closed)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import ClassVar

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import exc as sa_exc
from sqlalchemy import text

from shared.db.errors import database_unavailable
from shared.db.session import make_engine
from shared.web.problems import install_problem_handlers


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _app(url: str) -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)
    engine = make_engine(url)

    @app.get("/query")
    async def query(sql: str = "SELECT 1") -> dict[str, int]:
        async with engine.connect() as conn:
            return {"value": int((await conn.execute(text(sql))).scalar_one())}

    app.state.engine = engine
    return app


@pytest.fixture
async def unreachable() -> AsyncIterator[httpx.AsyncClient]:
    app = _app(f"postgresql+asyncpg://postgres@127.0.0.1:{_free_port()}/halo")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
                                 base_url="http://t") as http:
        yield http
    await app.state.engine.dispose()


async def test_an_unreachable_database_is_a_503_problem_with_retry_after(
        unreachable: httpx.AsyncClient) -> None:
    answer = await unreachable.get("/query")
    assert answer.status_code == 503
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.headers["retry-after"] == "5"
    body = answer.json()
    assert body["code"] == "database-unavailable" and body["status"] == 503
    assert body["detail"].startswith("Basis data layanan sedang tidak dapat dihubungi")
    assert body["request_id"] in body["detail"]
    english = await unreachable.get("/query", headers={"Accept-Language": "en"})
    assert english.json()["detail"].startswith("The service's database cannot be reached")


async def test_a_wrong_query_is_still_a_500(tmp_path: Path) -> None:
    app = _app(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        fine = await http.get("/query")
        wrong = await http.get("/query", params={"sql": "SELECT * FROM no_such_table"})
    await app.state.engine.dispose()
    assert fine.json() == {"value": 1}
    assert wrong.status_code == 500 and wrong.json()["code"] == "internal-error"
    assert "no_such_table" not in wrong.text


@pytest.mark.integration
async def test_a_connection_the_server_ends_is_a_503_then_the_pool_recovers(pg_url: str) -> None:
    app = _app(pg_url)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        assert (await http.get("/query")).json() == {"value": 1}
        # The server ends this very connection, as a PostgreSQL shutdown or restart does.
        ended = await http.get("/query", params={"sql": "SELECT pg_terminate_backend("
                                                        "pg_backend_pid())::int"})
        again = await http.get("/query")
    await app.state.engine.dispose()
    assert ended.status_code == 503, ended.text
    assert ended.json()["code"] == "database-unavailable"
    assert again.status_code == 200 and again.json() == {"value": 1}


def _translated(driver_error: Exception, kind: type[sa_exc.DBAPIError] = sa_exc.DBAPIError
                ) -> sa_exc.DBAPIError:
    """A driver error as SQLAlchemy's asyncpg adapter raises it: its own DBAPI error (the
    driver's as the cause) wrapped in SQLAlchemy's."""
    adapted = Exception(str(driver_error))
    adapted.__cause__ = driver_error
    return kind("SELECT 1", None, adapted)


def test_a_new_connection_refused_while_the_database_shuts_down_is_unavailable() -> None:
    shutting_down = asyncpg.exceptions.CannotConnectNowError("the database system is shutting down")
    assert database_unavailable(_translated(shutting_down))
    assert database_unavailable(_translated(asyncpg.exceptions.ConnectionFailureError("x")))
    assert database_unavailable(ConnectionRefusedError(111, "Connect call failed"))


def test_a_refused_statement_is_not_unavailable() -> None:
    duplicate = asyncpg.exceptions.UniqueViolationError("duplicate key value")
    assert not database_unavailable(_translated(duplicate, sa_exc.IntegrityError))
    assert not database_unavailable(_translated(asyncpg.exceptions.UndefinedTableError("x")))
    assert not database_unavailable(ValueError("x"))


@pytest.mark.integration
async def test_a_closed_driver_connection_is_unavailable_other_misuse_is_not(
        pg_url: str) -> None:
    dsn = pg_url.replace("postgresql+asyncpg://", "postgresql://", 1)
    conn = await asyncpg.connect(dsn)
    await conn.close()
    with pytest.raises(asyncpg.InterfaceError) as closed:
        await conn.execute("SELECT 1")
    assert database_unavailable(closed.value)
    busy = await asyncpg.connect(dsn)
    try:
        first = asyncio.ensure_future(busy.execute("SELECT pg_sleep(0.2)"))
        await asyncio.sleep(0.05)
        with pytest.raises(asyncpg.InterfaceError) as misuse:  # a bug, not an outage
            await busy.execute("SELECT 1")
        await first
    finally:
        await busy.close()
    assert not database_unavailable(misuse.value)


class EndingServer:
    """A stand-in for PostgreSQL that speaks its wire protocol (version 3) far enough for
    asyncpg to connect (trust authentication), then, on :meth:`end`, sends every connection
    the ``FATAL 57P01`` a shutting-down server sends its idle backends, and keeps the socket
    open: the moment between that message and the socket's end, which a real server leaves
    as short as its backend's exit."""

    PARAMETERS: ClassVar[dict[str, str]] = {"server_version": "15.0", "server_encoding": "UTF8",
                                            "client_encoding": "UTF8", "DateStyle": "ISO, MDY",
                                            "integer_datetimes": "on",
                                            "standard_conforming_strings": "on",
                                            "TimeZone": "UTC"}

    def __init__(self) -> None:
        self.writers: list[asyncio.StreamWriter] = []
        self.server: asyncio.AbstractServer | None = None

    @staticmethod
    def message(kind: bytes, body: bytes) -> bytes:
        return kind + (len(body) + 4).to_bytes(4, "big") + body

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:  # an SSLRequest first, perhaps; then the StartupMessage
            length = int.from_bytes(await reader.readexactly(4), "big")
            body = await reader.readexactly(length - 4)
            if int.from_bytes(body[:4], "big") != 80877103:
                break
            writer.write(b"N")
        out = self.message(b"R", (0).to_bytes(4, "big"))
        for name, value in self.PARAMETERS.items():
            out += self.message(b"S", f"{name}\0{value}\0".encode())
        out += self.message(b"K", (4242).to_bytes(4, "big") + (7).to_bytes(4, "big"))
        out += self.message(b"Z", b"I")
        writer.write(out)
        self.writers.append(writer)
        await reader.read()  # until the client goes or stop() ends the connection

    async def start(self) -> str:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        port = self.server.sockets[0].getsockname()[1]
        return f"postgresql://postgres@127.0.0.1:{port}/halo"

    async def end(self) -> None:
        fatal = (b"SFATAL\0VFATAL\0C57P01\0"
                 b"Mterminating connection due to administrator command\0\0")
        for writer in self.writers:
            writer.write(self.message(b"E", fatal))
            await writer.drain()

    async def stop(self) -> None:
        for writer in self.writers:
            writer.close()
            await writer.wait_closed()
        await asyncio.sleep(0.01)  # each connection's task sees its end
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()


async def test_a_connection_the_server_has_just_ended_is_unavailable() -> None:
    server = EndingServer()
    conn = await asyncpg.connect(await server.start(), ssl=False)
    try:
        await server.end()
        await asyncio.sleep(0.1)  # the driver reads the server's message
        assert not conn.is_closed()  # the window: asyncpg still takes it for open
        with pytest.raises(asyncpg.exceptions.InternalClientError) as caught:
            await conn.execute("BEGIN")
        ended = caught.value
        assert str(ended).endswith("another operation (2) is in progress")
        assert database_unavailable(ended)
        assert database_unavailable(_translated(ended, sa_exc.InternalError))
    finally:
        conn.terminate()
        await server.stop()
    app = FastAPI()
    install_problem_handlers(app)

    @app.get("/begin")
    async def begin() -> None:
        raise ended

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        answer = await http.get("/begin")
    assert answer.status_code == 503 and answer.json()["code"] == "database-unavailable"


def test_a_second_operation_on_a_busy_connection_is_still_a_bug() -> None:
    busy = asyncpg.exceptions.InternalClientError(
        "cannot switch to state 15; another operation (12) is in progress")
    assert not database_unavailable(busy)
    assert not database_unavailable(_translated(busy, sa_exc.InternalError))
