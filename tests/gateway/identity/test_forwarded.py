"""Behind a trusted proxy the rate limits key on the forwarded client address; otherwise on
the TCP peer, whatever ``X-Forwarded-For`` says (``HALO_FORWARDED_ALLOW_IPS``)."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

import gateway.run
from gateway.identity.settings import RateLimit
from gateway.run import proxy_options
from shared.settings import SettingsError
from tests.gateway.identity.support import SETTINGS, running_gateway

ONE_LOGIN = replace(SETTINGS, rate_limits={"login": RateLimit(1, 60)})
PROXY = "10.0.0.2"


def test_the_setting_becomes_uvicorns_proxy_options() -> None:
    assert proxy_options(None) == proxy_options("") == proxy_options(" , ") == {
        "proxy_headers": False}
    assert proxy_options(" 10.0.0.2, 10.1.0.0/16 ,fd00::/8") == {
        "proxy_headers": True, "forwarded_allow_ips": "10.0.0.2,10.1.0.0/16,fd00::/8"}
    assert proxy_options("*") == {"proxy_headers": True, "forwarded_allow_ips": "*"}
    for bad in ("ingress.local", "10.0.0.300", "*,10.0.0.1"):
        with pytest.raises(SettingsError, match="HALO_FORWARDED_ALLOW_IPS"):
            proxy_options(bad)


async def attempts(app: FastAPI, raw: str) -> list[int]:
    """Status of three logins through the proxy at ``PROXY``: two from one forwarded client,
    the third from another one."""
    config = uvicorn.Config(app, log_config=None, **proxy_options(raw))
    config.load()
    transport = httpx.ASGITransport(app=config.loaded_app, client=(PROXY, 40000))
    statuses = []
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
        for n, forwarded in enumerate(("203.0.113.5", "203.0.113.5", "203.0.113.6")):
            response = await client.post(
                "/api/v1/auth/login", headers={"X-Forwarded-For": forwarded},
                json={"login": f"siapa{n}@example.id", "password": "Salah-Sandi-1"})
            statuses.append(response.status_code)
    return statuses


@pytest.mark.parametrize(("raw", "expected"), [
    ("10.0.0.2", [401, 429, 401]),            # the proxy is trusted: one window per client
    ("10.0.0.0/24, 192.0.2.1", [401, 429, 401]),
    ("*", [401, 429, 401]),
    ("", [429, 429, 429]),                    # default: nobody is trusted, the peer counts
    ("192.0.2.0/24", [429, 429, 429]),        # another proxy is trusted, not this peer
])
async def test_the_limiter_keys_on_the_forwarded_client_only_from_a_trusted_proxy(
        tmp_path: Path, raw: str, expected: list[int]) -> None:
    async with running_gateway(tmp_path, ONE_LOGIN) as gw:
        warm = httpx.ASGITransport(app=gw.app, client=(PROXY, 40000))
        async with httpx.AsyncClient(transport=warm, base_url="http://gateway") as client:
            first = await client.post("/api/v1/auth/login",
                                      json={"login": "x@example.id", "password": "Salah-1"})
            assert first.status_code == 401                 # the proxy's own window is used up
        assert await attempts(gw.app, raw) == expected


def test_gateway_run_passes_the_setting_to_uvicorn(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}
    monkeypatch.setattr(gateway.run, "create_gateway_app", FastAPI)
    monkeypatch.setattr(gateway.run, "configure_logging", lambda: None)
    monkeypatch.setattr(gateway.run.uvicorn, "run", lambda app, **kw: seen.update(kw))
    monkeypatch.setenv("HALO_BUS", "memory")
    monkeypatch.delenv("HALO_DEMO", raising=False)
    monkeypatch.setattr(sys, "argv", ["gateway.run", "--port", "18999"])
    monkeypatch.setenv("HALO_FORWARDED_ALLOW_IPS", "10.0.0.0/8")
    gateway.run.main()
    assert seen["proxy_headers"] is True and seen["forwarded_allow_ips"] == "10.0.0.0/8"
    monkeypatch.delenv("HALO_FORWARDED_ALLOW_IPS")
    gateway.run.main()
    assert seen["proxy_headers"] is False and seen["port"] == 18999
