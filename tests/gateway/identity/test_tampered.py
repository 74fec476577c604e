"""Tampered and foreign access tokens are refused by the gateway's verifier and by a
protected route, with one 401 that says nothing about which check failed."""

from __future__ import annotations

import pytest

from shared.auth.tokens import InvalidToken
from tests.gateway.identity.support import CITIZEN, Gateway, bearer
from tests.support.forgeries import FORGERIES


@pytest.mark.parametrize("kind", sorted(FORGERIES))
async def test_forged_tokens_are_refused(gw: Gateway, kind: str) -> None:
    account = (await gw.register()).json()
    genuine = (await gw.tokens(CITIZEN["email"], CITIZEN["password"]))["access_token"]
    token = FORGERIES[kind](gw.runtime, account["id"])

    with pytest.raises(InvalidToken):
        await gw.runtime.verifier.verify(token)

    refused = await gw.client.get("/api/v1/auth/me", headers=bearer(token))
    assert refused.status_code == 401
    body = refused.json()
    assert body["code"] == "unauthenticated"
    assert body["detail"] == "Token akses tidak ada, tidak valid, atau kedaluwarsa."
    assert set(body) == {"type", "title", "status", "code", "detail", "instance", "request_id"}
    assert refused.headers["www-authenticate"] == 'Bearer error="invalid_token"'
    for part in token.split("."):
        if len(part) > 8:
            assert part not in refused.text
    for hint in ("expired", "kid", "audience", "issuer", "signature", "alg"):
        assert hint not in refused.text.lower()

    ok = await gw.client.get("/api/v1/auth/me", headers=bearer(genuine))
    assert ok.status_code == 200


async def test_garbage_is_refused_like_a_forgery(gw: Gateway) -> None:
    for token in ("", "abc", "a.b.c", "Bearer", "x" * 5000):
        response = await gw.client.get("/api/v1/auth/me",
                                       headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401
    basic = await gw.client.get("/api/v1/auth/me", headers={"Authorization": "Basic eDp5"})
    assert basic.status_code == 401
