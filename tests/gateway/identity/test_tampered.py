"""Tampered and foreign access tokens are refused by the gateway's verifier and by a
protected route, with one 401 that says nothing about which check failed."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization

from gateway.runtime import GatewayRuntime
from shared.auth.keys import new_key
from shared.auth.tokens import InvalidToken
from tests.gateway.identity.support import CITIZEN, Gateway, bearer


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def claims(runtime: GatewayRuntime, subject: str, **changes: Any) -> dict[str, Any]:
    now = int(time.time())
    base = {"iss": runtime.settings.tokens.issuer, "aud": runtime.settings.tokens.audience,
            "sub": subject, "iat": now, "nbf": now, "exp": now + 600, "jti": "t",
            "roles": ["admin"], "kind": "admin"}
    return {**base, **changes}


def unsigned(header: dict[str, Any], payload: dict[str, Any]) -> str:
    return f"{b64(json.dumps(header).encode())}.{b64(json.dumps(payload).encode())}"


def alg_none(runtime: GatewayRuntime, subject: str) -> str:
    header = {"alg": "none", "typ": "JWT", "kid": runtime.keys.active.kid}
    return unsigned(header, claims(runtime, subject)) + "."


def hs256_with_public_key(runtime: GatewayRuntime, subject: str) -> str:
    """The classic confusion attack: HMAC keyed with the (public) verification key."""
    public = runtime.keys.active.private.public_key()
    secret = public.public_bytes(serialization.Encoding.PEM,
                                 serialization.PublicFormat.SubjectPublicKeyInfo)
    head = unsigned({"alg": "HS256", "typ": "JWT", "kid": runtime.keys.active.kid},
                    claims(runtime, subject))
    signature = hmac.new(secret, head.encode(), hashlib.sha256).digest()
    return f"{head}.{b64(signature)}"


def hs256_with_raw_public_bytes(runtime: GatewayRuntime, subject: str) -> str:
    raw = base64.urlsafe_b64decode(runtime.keys.active.public_jwk()["x"] + "==")
    head = unsigned({"alg": "HS256", "typ": "JWT", "kid": runtime.keys.active.kid},
                    claims(runtime, subject))
    return f"{head}.{b64(hmac.new(raw, head.encode(), hashlib.sha256).digest())}"


def signed(runtime: GatewayRuntime, payload: dict[str, Any]) -> str:
    key = runtime.keys.active
    return jwt.encode(payload, key.private, algorithm="EdDSA", headers={"kid": key.kid})


def expired(runtime: GatewayRuntime, subject: str) -> str:
    past = int(time.time()) - 3600
    return signed(runtime, claims(runtime, subject, iat=past, nbf=past, exp=past + 900))


def unknown_kid(runtime: GatewayRuntime, subject: str) -> str:
    stranger = new_key()
    return jwt.encode(claims(runtime, subject), stranger.private, algorithm="EdDSA",
                      headers={"kid": stranger.kid})


def forged_with_known_kid(runtime: GatewayRuntime, subject: str) -> str:
    return jwt.encode(claims(runtime, subject), new_key().private, algorithm="EdDSA",
                      headers={"kid": runtime.keys.active.kid})


def wrong_audience(runtime: GatewayRuntime, subject: str) -> str:
    return signed(runtime, claims(runtime, subject, aud="another-api"))


def wrong_issuer(runtime: GatewayRuntime, subject: str) -> str:
    return signed(runtime, claims(runtime, subject, iss="https://evil.example"))


def no_expiry(runtime: GatewayRuntime, subject: str) -> str:
    payload = claims(runtime, subject)
    del payload["exp"]
    return signed(runtime, payload)


def payload_swapped(runtime: GatewayRuntime, subject: str) -> str:
    """A real citizen token whose payload was edited to claim ``admin``."""
    real = runtime.issuer.issue(subject, ["citizen"], "citizen")
    head, _, signature = real.split(".")
    return f"{head}.{b64(json.dumps(claims(runtime, subject)).encode())}.{signature}"


FORGERIES: dict[str, Callable[[GatewayRuntime, str], str]] = {
    "alg-none": alg_none, "hs256-public-pem": hs256_with_public_key,
    "hs256-public-raw": hs256_with_raw_public_bytes, "expired": expired,
    "unknown-kid": unknown_kid, "forged-signature": forged_with_known_kid,
    "wrong-audience": wrong_audience, "wrong-issuer": wrong_issuer, "no-exp": no_expiry,
    "edited-payload": payload_swapped,
}


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
