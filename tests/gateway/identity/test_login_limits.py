"""Login limits per account (whatever address the attempts come from) and per address, with a
higher per-address limit for known office networks (``HALO_LOGIN_TRUSTED_NETWORKS``) that a
spoofed ``X-Forwarded-For`` cannot claim."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from gateway.identity.ratelimit import SlidingWindowLimiter
from gateway.identity.settings import IdentitySettings, RateLimit, parse_networks
from gateway.run import proxy_options
from shared.settings import SettingsError
from tests.gateway.identity.support import CITIZEN, SETTINGS, running_gateway

OFFICE = "10.20.0.0/16"
LIMITS = replace(SETTINGS, rate_limits={"login": RateLimit(2, 60)},
                 trusted_networks=parse_networks(OFFICE), trusted_login_rate=RateLimit(5, 60))


async def logins(app: FastAPI, peer: str, count: int, *, forwarded: str | None = None,
                 proxy: str = "") -> list[int]:
    """Statuses of ``count`` logins (each a new unknown identifier, so only the address limit
    can refuse) from the TCP peer ``peer``, through uvicorn's proxy handling of ``proxy``."""
    config = uvicorn.Config(app, log_config=None, **proxy_options(proxy))
    config.load()
    transport = httpx.ASGITransport(app=config.loaded_app, client=(peer, 40000))
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    statuses = []
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
        for n in range(count):
            response = await client.post(
                "/api/v1/auth/login", headers=headers,
                json={"login": f"tamu{peer}-{n}@example.id", "password": "Salah-Sandi-1"})
            statuses.append(response.status_code)
            if response.status_code == 429:
                assert response.headers["content-type"].startswith("application/problem+json")
                assert response.json()["code"] == "rate-limited"
                assert int(response.headers["retry-after"]) >= 1
    return statuses


def test_an_address_in_a_trusted_network_has_the_higher_limit() -> None:
    limiter = SlidingWindowLimiter({"login": RateLimit(1, 60)}, {"login": RateLimit(3, 60)},
                                   parse_networks("10.20.0.0/16, fd00::/8"))
    assert limiter.limit_for("login", "10.20.3.4") == RateLimit(3, 60)
    assert limiter.limit_for("login", "fd00::7") == RateLimit(3, 60)
    assert limiter.limit_for("login", "10.21.0.1") == RateLimit(1, 60)
    assert limiter.limit_for("login", "unknown") == RateLimit(1, 60)
    assert limiter.limit_for("register", "10.20.3.4") is None
    assert [limiter.hit("login", "10.20.3.4", 0.0) for _ in range(4)] == [None, None, None, 60]
    assert limiter.hit("login", "10.20.3.5", 0.0) is None    # still one window per address


def test_trusted_networks_are_read_from_the_environment(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HALO_LOGIN_TRUSTED_NETWORKS", " 10.20.0.0/16 ,192.0.2.7")
    monkeypatch.setenv("HALO_LOGIN_TRUSTED_RATE", "500/60")
    monkeypatch.setenv("HALO_IDENTITY_RATE_LOGIN", "15/60")
    settings = IdentitySettings.from_env()
    assert [str(n) for n in settings.trusted_networks] == ["10.20.0.0/16", "192.0.2.7/32"]
    assert settings.trusted_login_rate == RateLimit(500, 60.0)
    assert settings.rate_limits["login"] == RateLimit(15, 60.0)
    monkeypatch.setenv("HALO_LOGIN_TRUSTED_NETWORKS", "kantor.lampungselatan.go.id")
    with pytest.raises(SettingsError, match="HALO_LOGIN_TRUSTED_NETWORKS"):
        IdentitySettings.from_env()


async def test_the_per_address_limit_and_the_trusted_network_limit(tmp_path: Path) -> None:
    async with running_gateway(tmp_path, LIMITS) as gw:
        assert await logins(gw.app, "203.0.113.5", 3) == [401, 401, 429]
        assert await logins(gw.app, "10.20.1.9", 6) == [401] * 5 + [429]


async def test_a_spoofed_forwarded_address_gets_no_trusted_limit(tmp_path: Path) -> None:
    async with running_gateway(tmp_path, LIMITS) as gw:
        # no proxy trusted: the header is ignored, the peer's own limit counts
        assert await logins(gw.app, "203.0.113.5", 3, forwarded="10.20.1.9") == [401, 401, 429]
        # a peer that is not the trusted proxy cannot claim an office address either
        assert await logins(gw.app, "203.0.113.6", 3, forwarded="10.20.1.9",
                            proxy="192.0.2.1") == [401, 401, 429]
        # through the trusted proxy the office address is believed
        assert await logins(gw.app, "192.0.2.1", 6, forwarded="10.20.1.10",
                            proxy="192.0.2.1") == [401] * 5 + [429]


async def test_the_account_limit_holds_across_addresses(tmp_path: Path) -> None:
    roomy = replace(SETTINGS, rate_limits={"login": RateLimit(100, 60)})
    async with running_gateway(tmp_path, roomy) as gw:
        assert (await gw.register()).status_code == 201
        statuses = []
        for n in range(6):
            transport = httpx.ASGITransport(app=gw.app, client=(f"198.51.100.{n + 1}", 4000))
            async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as c:
                response = await c.post("/api/v1/auth/login",
                                        json={"login": CITIZEN["email"], "password": "Salah-1"})
            statuses.append(response.status_code)
            gw.clock.advance(30)          # past each slow-down window, inside the 15 minutes
        # each address sent one attempt; the account counted all of them and locked
        assert statuses == [401, 401, 401, 401, 423, 423]
        transport = httpx.ASGITransport(app=gw.app, client=("198.51.100.99", 4000))
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as c:
            right = await c.post("/api/v1/auth/login",
                                 json={"login": CITIZEN["email"],
                                       "password": CITIZEN["password"]})
        assert right.status_code == 423 and int(right.headers["retry-after"]) > 60
