"""Tampered and foreign access tokens, and the check that a refusal of one leaks nothing.

Each forgery is made against an *authority*: anything holding the trusted key set and the
issuer (the gateway's ``GatewayRuntime``, or ``tests.support.tokens.TestTokens`` that the
in-process services trust). Every forgery would be accepted if the verifier skipped one
check: the algorithm, the signature, the key id, the expiry, the audience or the issuer.
``roles`` and ``kind`` are the claims the forgery pretends to (``admin`` by default).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Sequence
from typing import Any, Protocol

import httpx
import jwt
from cryptography.hazmat.primitives import serialization

from shared.auth.keys import KeySet, new_key
from shared.auth.tokens import TokenIssuer


class Authority(Protocol):
    keys: KeySet
    issuer: TokenIssuer


class Forgery(Protocol):
    def __call__(self, authority: Authority, subject: str, roles: Sequence[str] = ...,
                 kind: str = ...) -> str: ...


ADMIN = ("admin",)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def claims(authority: Authority, subject: str, roles: Sequence[str] = ADMIN,
           kind: str = "admin", **changes: Any) -> dict[str, Any]:
    now = int(time.time())
    settings = authority.issuer.settings
    base = {"iss": settings.issuer, "aud": settings.audience, "sub": subject, "iat": now,
            "nbf": now, "exp": now + 600, "jti": "t", "roles": list(roles), "kind": kind}
    return {**base, **changes}


def unsigned(header: dict[str, Any], payload: dict[str, Any]) -> str:
    return f"{b64(json.dumps(header).encode())}.{b64(json.dumps(payload).encode())}"


def signed(authority: Authority, payload: dict[str, Any]) -> str:
    """Signed with the real active key: only the claims are wrong."""
    key = authority.keys.active
    return jwt.encode(payload, key.private, algorithm="EdDSA", headers={"kid": key.kid})


def alg_none(authority: Authority, subject: str, roles: Sequence[str] = ADMIN,
             kind: str = "admin") -> str:
    header = {"alg": "none", "typ": "JWT", "kid": authority.keys.active.kid}
    return unsigned(header, claims(authority, subject, roles, kind)) + "."


def hs256_with_public_key(authority: Authority, subject: str, roles: Sequence[str] = ADMIN,
                          kind: str = "admin") -> str:
    """The classic confusion attack: HMAC keyed with the (public) verification key."""
    public = authority.keys.active.private.public_key()
    secret = public.public_bytes(serialization.Encoding.PEM,
                                 serialization.PublicFormat.SubjectPublicKeyInfo)
    head = unsigned({"alg": "HS256", "typ": "JWT", "kid": authority.keys.active.kid},
                    claims(authority, subject, roles, kind))
    signature = hmac.new(secret, head.encode(), hashlib.sha256).digest()
    return f"{head}.{b64(signature)}"


def hs256_with_raw_public_bytes(authority: Authority, subject: str,
                                roles: Sequence[str] = ADMIN, kind: str = "admin") -> str:
    raw = base64.urlsafe_b64decode(authority.keys.active.public_jwk()["x"] + "==")
    head = unsigned({"alg": "HS256", "typ": "JWT", "kid": authority.keys.active.kid},
                    claims(authority, subject, roles, kind))
    return f"{head}.{b64(hmac.new(raw, head.encode(), hashlib.sha256).digest())}"


def expired(authority: Authority, subject: str, roles: Sequence[str] = ADMIN,
            kind: str = "admin") -> str:
    past = int(time.time()) - 3600
    return signed(authority, claims(authority, subject, roles, kind, iat=past, nbf=past,
                                    exp=past + 900))


def unknown_kid(authority: Authority, subject: str, roles: Sequence[str] = ADMIN,
                kind: str = "admin") -> str:
    stranger = new_key()
    return jwt.encode(claims(authority, subject, roles, kind), stranger.private,
                      algorithm="EdDSA", headers={"kid": stranger.kid})


def forged_with_known_kid(authority: Authority, subject: str, roles: Sequence[str] = ADMIN,
                          kind: str = "admin") -> str:
    return jwt.encode(claims(authority, subject, roles, kind), new_key().private,
                      algorithm="EdDSA", headers={"kid": authority.keys.active.kid})


def wrong_audience(authority: Authority, subject: str, roles: Sequence[str] = ADMIN,
                   kind: str = "admin") -> str:
    return signed(authority, claims(authority, subject, roles, kind, aud="another-api"))


def wrong_issuer(authority: Authority, subject: str, roles: Sequence[str] = ADMIN,
                 kind: str = "admin") -> str:
    return signed(authority, claims(authority, subject, roles, kind,
                                    iss="https://evil.example"))


def no_expiry(authority: Authority, subject: str, roles: Sequence[str] = ADMIN,
              kind: str = "admin") -> str:
    payload = claims(authority, subject, roles, kind)
    del payload["exp"]
    return signed(authority, payload)


def payload_swapped(authority: Authority, subject: str, roles: Sequence[str] = ADMIN,
                    kind: str = "admin") -> str:
    """A real citizen token whose payload was edited to claim ``roles``."""
    real = authority.issuer.issue(subject, ["citizen"], "citizen")
    head, _, signature = real.split(".")
    payload = b64(json.dumps(claims(authority, subject, roles, kind)).encode())
    return f"{head}.{payload}.{signature}"


FORGERIES: dict[str, Forgery] = {
    "alg-none": alg_none, "hs256-public-pem": hs256_with_public_key,
    "hs256-public-raw": hs256_with_raw_public_bytes, "expired": expired,
    "unknown-kid": unknown_kid, "forged-signature": forged_with_known_kid,
    "wrong-audience": wrong_audience, "wrong-issuer": wrong_issuer, "no-exp": no_expiry,
    "edited-payload": payload_swapped,
}

PROBLEM_FIELDS = {"type", "title", "status", "code", "detail", "instance", "request_id"}
STACK_TRACE_MARKS = ("traceback", 'file "', ".py", "exception", "jwt.", "pyjwt", "error:")
CHECK_HINTS = ("expired", "kid", "audience", "issuer", "signature", "alg", "hs256", "eddsa",
               "decode")


def key_material(authority: Authority) -> list[str]:
    """Everything about the trusted keys that must never appear in an answer."""
    out: list[str] = []
    for key in authority.keys.keys:
        jwk = key.public_jwk()
        out += [key.kid, jwk["x"], key.pem().decode(), "BEGIN", "PRIVATE KEY", "PUBLIC KEY"]
        out += [b64(key.private.private_bytes_raw()),
                base64.b64encode(key.private.private_bytes_raw()).decode()]
    return out


def assert_refused_without_leak(response: httpx.Response, token: str,
                                authority: Authority) -> None:
    """One opaque 401 problem+json: it says neither which check failed nor anything about
    the token or the keys, and carries no stack trace."""
    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"] == 'Bearer error="invalid_token"'
    body = response.json()
    assert set(body) == PROBLEM_FIELDS
    assert body["status"] == 401 and body["code"] == "unauthenticated"
    assert body["detail"] == "Token akses tidak ada, tidak valid, atau kedaluwarsa."
    everything = response.text + "\n" + "\n".join(
        f"{k}: {v}" for k, v in response.headers.items() if k != "www-authenticate")
    lowered = everything.lower()
    for part in token.split("."):
        if len(part) > 8:
            assert part not in everything
    for secret in key_material(authority):
        assert secret not in everything
    for mark in STACK_TRACE_MARKS + CHECK_HINTS:
        assert mark not in lowered, mark
