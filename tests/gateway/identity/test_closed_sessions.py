"""An access token dies with its login session: after logout, a reused refresh token or a
disabled account, the gateway refuses it at once on its own routes and before forwarding to
a service, instead of honouring it until it expires."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import jwt
import pytest

from gateway.identity import sessions
from gateway.identity.tables import TokenFamilyRow
from shared.auth.keys import KeySet, new_key
from tests.gateway.identity.support import CITIZEN, Clock, Gateway, bearer, running_gateway
from tests.gateway.identity.test_admin import OFFICER, agency_admin

PROXIED = "/api/v1/dukcapil/cases"
"""A service route: the test gateway's services are unreachable, so a token that passes the
gateway's check gets 503, one that does not gets 401."""


@pytest.fixture
async def gw(tmp_path: Path, database_url: str | None) -> AsyncIterator[Gateway]:
    async with running_gateway(tmp_path, database_url=database_url, routing=True) as gateway:
        yield gateway


async def answers(gw: Gateway, token: str) -> tuple[int, int]:
    me = await gw.client.get("/api/v1/auth/me", headers=bearer(token))
    proxied = await gw.client.get(PROXIED, headers=bearer(token))
    return me.status_code, proxied.status_code


async def citizen_pair(gw: Gateway) -> dict[str, Any]:
    assert (await gw.register()).status_code == 201
    return await gw.tokens(CITIZEN["email"], CITIZEN["password"])


async def test_the_access_token_names_its_session(gw: Gateway) -> None:
    pair = await citizen_pair(gw)
    claims = jwt.decode(pair["access_token"], options={"verify_signature": False})
    families = await gw.rows(TokenFamilyRow)
    assert [f.id for f in families] == [claims["sid"]]


async def test_logout_ends_the_access_token_too(gw: Gateway) -> None:
    pair = await citizen_pair(gw)
    other = await gw.tokens(CITIZEN["email"], CITIZEN["password"])  # a second device
    assert await answers(gw, pair["access_token"]) == (200, 503)
    out = await gw.client.post("/api/v1/auth/logout",
                               json={"refresh_token": pair["refresh_token"]})
    assert out.status_code == 204
    assert await answers(gw, pair["access_token"]) == (401, 401)
    refused = await gw.client.get("/api/v1/auth/me", headers=bearer(pair["access_token"]))
    assert refused.json()["code"] == "unauthenticated"
    assert pair["access_token"] not in refused.text
    assert await answers(gw, other["access_token"]) == (200, 503), "the other device stays"


async def test_a_reused_refresh_token_ends_the_access_tokens_of_its_family(gw: Gateway) -> None:
    pair = await citizen_pair(gw)
    rotated = (await gw.client.post("/api/v1/auth/refresh",
                                    json={"refresh_token": pair["refresh_token"]})).json()
    assert await answers(gw, rotated["access_token"]) == (200, 503)
    reuse = await gw.client.post("/api/v1/auth/refresh",
                                 json={"refresh_token": pair["refresh_token"]})
    assert reuse.status_code == 401
    for token in (pair["access_token"], rotated["access_token"]):
        assert await answers(gw, token) == (401, 401)


async def test_disabling_an_officer_ends_its_access_tokens(gw: Gateway) -> None:
    headers, _ = await agency_admin(gw)
    officer = (await gw.client.post("/api/v1/agencies/disdukcapil/officers", json=OFFICER,
                                    headers=headers)).json()
    pair = await gw.tokens(OFFICER["email"], OFFICER["password"])
    assert await answers(gw, pair["access_token"]) == (200, 503)
    disabled = await gw.client.post(
        f"/api/v1/agencies/disdukcapil/officers/{officer['id']}/disable", headers=headers)
    assert disabled.status_code == 200
    assert await answers(gw, pair["access_token"]) == (401, 401)
    assert await answers(gw, headers["Authorization"].split()[1]) == (200, 503), \
        "the admin's own session is untouched"


async def test_another_replica_refuses_a_closed_session(
        tmp_path: Path, database_url: str | None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Replica two learns of a logout on replica one from the database, once its brief
    memory of the open session runs out (made zero here)."""
    monkeypatch.setattr(sessions, "OPEN_TTL_S", 0.0)
    clock, keys = Clock(), KeySet([new_key()])
    async with running_gateway(tmp_path, clock=clock, database_url=database_url, keys=keys,
                               routing=True) as one, \
            running_gateway(tmp_path, clock=clock, database_url=database_url, keys=keys,
                            routing=True) as two:
        pair = await citizen_pair(one)
        assert await answers(two, pair["access_token"]) == (200, 503)
        await one.client.post("/api/v1/auth/logout",
                              json={"refresh_token": pair["refresh_token"]})
        assert await answers(two, pair["access_token"]) == (401, 401)
