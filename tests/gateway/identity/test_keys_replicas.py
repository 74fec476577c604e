"""Gateway replicas share one key folder: production refuses to start without it, a token
signed by one replica is accepted by another, and a rotation on one is served and used by
all of them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

import httpx
import jwt
import pytest
from fastapi import FastAPI

from gateway.app import GatewayWiring, create_gateway_app
from gateway.identity.part import make_part
from shared.auth.keys import KeyFolderError, KeySet
from shared.events.memory import InProcessBus
from tests.gateway.identity.support import (
    ADMIN_PASSWORD,
    CITIZEN,
    SETTINGS,
    Clock,
    Gateway,
    bearer,
    gateway_settings,
)


def replica_app(tmp: Path, clock: Clock) -> FastAPI:
    """A gateway as deployed: no keys handed in, they come from ``key_dir``."""
    return create_gateway_app(gateway_settings(tmp), GatewayWiring(bus=InProcessBus(),
                                                                   clock=clock),
                              parts=[make_part(SETTINGS)])


@asynccontextmanager
async def replicas(tmp: Path, count: int) -> AsyncIterator[list[Gateway]]:
    clock = Clock()
    async with AsyncExitStack() as stack:
        out = []
        for _ in range(count):
            app = replica_app(tmp, clock)
            await stack.enter_async_context(app.router.lifespan_context(app))
            client = await stack.enter_async_context(httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://gateway"))
            out.append(Gateway(app=app, client=client, clock=clock))
        yield out


async def test_production_refuses_to_start_without_the_key_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HALO_ENV", "production")
    app = replica_app(tmp_path, Clock())
    with pytest.raises(KeyFolderError) as refused:
        async with app.router.lifespan_context(app):
            pass
    assert "python -m shared.auth.keys create" in str(refused.value)
    assert not (tmp_path / "keys" / "keys.json").exists()


async def test_development_creates_the_key_folder(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HALO_ENV", "development")
    async with replicas(tmp_path, 1) as [gateway]:
        kid = gateway.runtime.keys.active.kid
    assert KeySet.load(tmp_path / "keys").active.kid == kid


async def test_replicas_share_keys_and_follow_a_rotation(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    monkeypatch.setenv("HALO_ENV", "production")
    KeySet.load_or_create(tmp_path / "keys")  # the operator's one-time step
    async with replicas(tmp_path, 2) as [a, b]:
        first = a.runtime.keys.active.kid
        assert b.runtime.keys.active.kid == first
        await a.add_account("root@example.id", ["admin"])
        assert (await a.register()).status_code == 201
        citizen = await a.tokens(CITIZEN["email"], CITIZEN["password"])
        assert (await b.client.get("/api/v1/auth/me",
                                   headers=bearer(citizen["access_token"]))).status_code == 200

        admin = await b.tokens("root@example.id", ADMIN_PASSWORD)
        rotated = await a.client.post("/api/v1/admin/keys/rotate",
                                      headers=bearer(admin["access_token"]))
        assert rotated.status_code == 200, rotated.text
        new = rotated.json()["active_kid"]
        # b publishes the new key at once (a load balancer may send the JWKS fetch to b)
        jwks = (await b.client.get("/.well-known/jwks.json")).json()
        assert [k["kid"] for k in jwks["keys"]] == [first, new]
        # a token a signs with the new key is accepted by b
        fresh = await a.tokens(CITIZEN["email"], CITIZEN["password"])
        assert jwt.get_unverified_header(fresh["access_token"])["kid"] == new
        me = await b.client.get("/api/v1/auth/me", headers=bearer(fresh["access_token"]))
        assert me.status_code == 200
        # b signs with the new key once its periodic check has seen the change
        b.runtime.keys.check_every_s = 0.0
        from_b = await b.tokens(CITIZEN["email"], CITIZEN["password"])
        assert jwt.get_unverified_header(from_b["access_token"])["kid"] == new
        # and the old token still works everywhere
        for replica in (a, b):
            assert (await replica.client.get(
                "/api/v1/auth/me", headers=bearer(citizen["access_token"]))).status_code == 200
