"""Per-client sliding-window rate limits on register, login and refresh."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import httpx

from gateway.identity.ratelimit import SlidingWindowLimiter
from gateway.identity.settings import RateLimit, parse_limit
from tests.gateway.identity.support import CITIZEN, SETTINGS, running_gateway

TIGHT = replace(SETTINGS, rate_limits={"register": RateLimit(2, 60), "login": RateLimit(3, 60),
                                       "refresh": RateLimit(2, 10)})


def test_sliding_window() -> None:
    limiter = SlidingWindowLimiter({"login": RateLimit(2, 10)})
    assert limiter.hit("login", "a", 0.0) is None
    assert limiter.hit("login", "a", 4.0) is None
    assert limiter.hit("login", "a", 5.0) == 5          # the first hit leaves at t=10
    assert limiter.hit("login", "b", 5.0) is None       # per client
    assert limiter.hit("login", "a", 10.0) is None
    assert limiter.hit("login", "a", 10.5) == 4
    assert limiter.hit("other", "a", 10.5) is None      # routes without a limit


def test_limits_parse_from_text() -> None:
    assert parse_limit("20/60") == RateLimit(20, 60.0)


async def test_login_is_rate_limited_per_client(tmp_path: Path) -> None:
    async with running_gateway(tmp_path, TIGHT) as gw:
        # a new unknown login each time: the per-identifier slow-down stays out of the way
        for n in range(3):
            assert (await gw.login(f"siapa{n}@example.id", "Salah-Sandi-1")).status_code == 401
        refused = await gw.login("siapa3@example.id", "Salah-Sandi-1")
        assert refused.status_code == 429
        assert refused.headers["retry-after"] == "60"
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert refused.json()["code"] == "rate-limited"
        assert refused.json()["detail"] == "Terlalu banyak percobaan. Coba lagi dalam 60 detik."

        other = httpx.ASGITransport(app=gw.app, client=("10.0.0.7", 5000))
        async with httpx.AsyncClient(transport=other, base_url="http://gateway") as client:
            response = await client.post("/api/v1/auth/login",
                                         json={"login": "siapa4@example.id",
                                               "password": "Salah-Sandi-1"})
            assert response.status_code == 401              # another client has its own window

        gw.clock.advance(60)
        assert (await gw.login("siapa5@example.id", "Salah-Sandi-1")).status_code == 401


async def test_register_and_refresh_are_rate_limited(tmp_path: Path) -> None:
    async with running_gateway(tmp_path, TIGHT) as gw:
        assert (await gw.register()).status_code == 201
        assert (await gw.register()).status_code == 409
        limited = await gw.register()
        assert limited.status_code == 429 and limited.headers["retry-after"] == "60"

        pair = await gw.tokens(CITIZEN["email"], CITIZEN["password"])
        token = pair["refresh_token"]
        for _ in range(2):
            response = await gw.client.post("/api/v1/auth/refresh",
                                            json={"refresh_token": token})
            assert response.status_code == 200
            token = response.json()["refresh_token"]
        limited = await gw.client.post("/api/v1/auth/refresh", json={"refresh_token": token})
        assert limited.status_code == 429 and limited.headers["retry-after"] == "10"
        gw.clock.advance(10)
        again = await gw.client.post("/api/v1/auth/refresh", json={"refresh_token": token})
        assert again.status_code == 200         # the refused attempt did not spend the token
