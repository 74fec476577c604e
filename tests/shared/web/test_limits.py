"""The body limits middleware on its own (shared.web.limits): size while streaming, depth
without recursion, the route never reached when a limit is crossed."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI, Request

from shared.web.limits import BodyLimits, JsonLimits, too_deep
from shared.web.problems import install_problem_handlers

LIMITS = JsonLimits(max_bytes=1000, max_auth_bytes=100, max_depth=4)


def _app(reached: list[bytes]) -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)
    app.add_middleware(BodyLimits, limits=LIMITS)

    @app.api_route("/{path:path}", methods=["GET", "POST"])
    async def echo(request: Request) -> dict[str, int]:
        reached.append(await request.body())
        return {"size": len(reached[-1])}

    return app


@pytest.fixture
def reached() -> list[bytes]:
    return []


@pytest.fixture
async def client(reached: list[bytes]) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=_app(reached))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        yield http


def test_depth_counts_brackets_outside_strings_only() -> None:
    assert not too_deep(b'[[[["x"]]]]', 4)
    assert too_deep(b'[[[[{"a": 1}]]]]', 4)
    assert not too_deep(b'{"a": "[[[[[[[[[[ \\" {{{{{{"}', 4)
    assert too_deep("[" * 100_000, 32)  # linear, no recursion


async def test_a_body_within_the_limits_reaches_the_route(client: httpx.AsyncClient,
                                                          reached: list[bytes]) -> None:
    response = await client.post("/cases", json={"a": [[1]]})
    assert response.status_code == 200 and reached == [b'{"a":[[1]]}']


async def test_deep_json_is_422_and_the_route_is_not_reached(client: httpx.AsyncClient,
                                                             reached: list[bytes]) -> None:
    response = await client.post("/cases", content=b"[" * 400 + b"]" * 400,
                                 headers={"content-type": "application/json"})
    assert response.status_code == 422 and reached == []
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "json-too-deep" and "4" in response.json()["detail"]


async def test_a_declared_length_over_the_limit_is_refused_unread(
        client: httpx.AsyncClient, reached: list[bytes]) -> None:
    pulled = 0

    async def body() -> AsyncIterator[bytes]:
        nonlocal pulled
        for _ in range(1000):
            pulled += 1
            yield b"x" * 1000

    response = await client.post("/cases", content=body(),
                                 headers={"content-length": str(1000 * 1000),
                                          "content-type": "application/json"})
    assert response.status_code == 413 and reached == [] and pulled == 0
    assert response.json()["code"] == "payload-too-large"
    assert "1000" in response.json()["detail"]


async def test_a_streamed_body_is_cut_where_it_crosses_the_limit(
        client: httpx.AsyncClient, reached: list[bytes]) -> None:
    pulled = 0

    async def huge() -> AsyncIterator[bytes]:  # 10 GB if it were read to its end
        nonlocal pulled
        for _ in range(10_000_000):
            pulled += 1
            yield b"x" * 1000

    response = await client.post("/cases", content=huge(),
                                 headers={"content-type": "text/plain",
                                          "Accept-Language": "en"})
    assert response.status_code == 413 and reached == []
    assert pulled <= 3
    assert response.json()["detail"] == ("The request body exceeds the limit of 1000 bytes "
                                         "for this address. Nothing was stored.")


async def test_auth_routes_have_the_smaller_limit(client: httpx.AsyncClient,
                                                  reached: list[bytes]) -> None:
    body = {"password": "x" * 200}
    assert (await client.post("/api/v1/auth/login", json=body)).status_code == 413
    assert (await client.post("/api/v1/other", json=body)).status_code == 200
    assert len(reached) == 1


async def test_multipart_bodies_keep_their_own_limits(client: httpx.AsyncClient,
                                                      reached: list[bytes]) -> None:
    response = await client.post("/cases", files={"f": ("f.bin", b"y" * 5000)})
    assert response.status_code == 200 and len(reached[0]) > 5000


def test_limits_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert JsonLimits.from_env() == JsonLimits(1 << 20, 16 << 10, 32)
    monkeypatch.setenv("HALO_MAX_JSON_BYTES", "2048")
    monkeypatch.setenv("HALO_MAX_AUTH_JSON_BYTES", "512")
    monkeypatch.setenv("HALO_MAX_JSON_DEPTH", "8")
    assert JsonLimits.from_env() == JsonLimits(2048, 512, 8)


async def test_a_body_on_any_method_is_bounded(client: httpx.AsyncClient,
                                               reached: list[bytes]) -> None:
    big = await client.request("GET", "/api/v1/dukcapil/cases", content=b"x" * 2000)
    small = await client.request("GET", "/api/v1/dukcapil/cases", content=b"[[[[[[]]]]]]",
                                 headers={"content-type": "application/json"})
    plain = await client.get("/api/v1/dukcapil/cases")
    assert big.status_code == 413 and small.status_code == 422
    assert plain.status_code == 200 and reached == [b""]
