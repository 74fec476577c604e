"""A token verified once skips the signature check on repeats, but only while it is still
good: before its expiry, with the same key in the verifier, and with the per-request checks
(scope, session) still made every time."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from shared.auth import tokens as tokens_module
from shared.auth.keys import KeySet, new_key
from shared.auth.tokens import InvalidToken, TokenIssuer, TokenVerifier
from shared.auth.verified import VerifiedTokens
from tests.support.tokens import SETTINGS


class Jwks:
    def __init__(self) -> None:
        self.keys = KeySet([new_key()])
        self.issuer = TokenIssuer(self.keys, SETTINGS)

    async def __call__(self) -> dict[str, Any]:
        await asyncio.sleep(0)
        return self.keys.jwks()


@pytest.fixture
def decodes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The tokens whose signature PyJWT checked."""
    seen: list[str] = []
    real = tokens_module.jwt.decode

    def counting(token: str, *args: Any, **kwargs: Any) -> Any:
        seen.append(token)
        return real(token, *args, **kwargs)
    monkeypatch.setattr(tokens_module.jwt, "decode", counting)
    return seen


async def test_a_repeated_token_is_checked_once_and_gives_the_same_principal(
        decodes: list[str]) -> None:
    jwks = Jwks()
    verifier = TokenVerifier(jwks, SETTINGS)
    token = jwks.issuer.issue("petugas-1", ["disdukcapil:operator"], "officer")
    first = await verifier.verify(token)
    for _ in range(5):
        assert await verifier.verify(token) == first
    assert decodes == [token]
    other = jwks.issuer.issue("petugas-2", ["disdukcapil:kasi"], "officer")
    assert (await verifier.verify(other)).subject == "petugas-2"
    assert decodes == [token, other]


async def test_claims_handed_out_are_copies(decodes: list[str]) -> None:
    jwks = Jwks()
    verifier = TokenVerifier(jwks, SETTINGS)
    token = jwks.issuer.issue("warga-1", ["citizen"], "citizen")
    _, claims = await verifier.verify_claims(token)
    claims["sub"] = "someone-else"
    principal, again = await verifier.verify_claims(token)
    assert principal.subject == "warga-1" and again["sub"] == "warga-1"


async def test_a_key_gone_from_the_jwks_ends_its_remembered_tokens() -> None:
    jwks = Jwks()
    verifier = TokenVerifier(jwks, SETTINGS, refresh_s=0.0)
    old = jwks.issuer.issue("warga-1", ["citizen"], "citizen")
    await verifier.verify(old)
    jwks.keys = KeySet([new_key()])                     # the old key withdrawn
    jwks.issuer = TokenIssuer(jwks.keys, SETTINGS)
    await verifier.verify(jwks.issuer.issue("warga-2", ["citizen"], "citizen"))  # refetch
    with pytest.raises(InvalidToken):
        await verifier.verify(old)


async def test_the_session_is_checked_on_every_use_of_a_remembered_token() -> None:
    jwks = Jwks()
    verifier = TokenVerifier(jwks, SETTINGS)
    open_sessions = {"s-1"}

    async def check(sid: str) -> bool:
        return sid in open_sessions
    verifier.session_check = check
    token = jwks.issuer.issue("warga-1", ["citizen"], "citizen", extra={"sid": "s-1"})
    assert (await verifier.verify(token)).session == "s-1"
    open_sessions.clear()                                # logout
    with pytest.raises(InvalidToken) as refused:
        await verifier.verify(token)
    assert refused.value.reason == "session-closed"


async def test_a_scoped_token_stays_refused_where_its_scope_is_not_accepted() -> None:
    jwks = Jwks()
    verifier = TokenVerifier(jwks, SETTINGS)
    token = jwks.issuer.issue("pelapor-1", [], "citizen", extra={"scope": "darurat-damkar"})
    await verifier.verify_claims(token, scope="darurat-damkar")
    with pytest.raises(InvalidToken) as refused:
        await verifier.verify(token)
    assert refused.value.reason == "scope"


def test_an_expired_token_is_forgotten() -> None:
    now = [1_000.0]
    seen = VerifiedTokens(clock=lambda: now[0])
    key = object()
    seen.remember("t", key, "k1", {"exp": 1_060})
    assert seen.get("t", {"k1": key}.get) is not None
    now[0] = 1_060.0
    assert seen.get("t", {"k1": key}.get) is None
    assert len(seen) == 0


def test_a_replaced_key_object_ends_the_entry() -> None:
    seen = VerifiedTokens(clock=lambda: 0.0)
    key = object()
    seen.remember("t", key, "k1", {"exp": 60})
    assert seen.get("t", {"k1": object()}.get) is None


def test_the_memory_is_bounded_and_forgets_the_oldest_first() -> None:
    seen = VerifiedTokens(capacity=100, clock=lambda: 0.0)
    key = object()
    for i in range(250):
        seen.remember(f"t{i}", key, "k1", {"exp": 60})
    assert len(seen) <= 100
    assert seen.get("t249", {"k1": key}.get) is not None
    assert seen.get("t0", {"k1": key}.get) is None


def test_a_token_without_a_numeric_expiry_is_not_remembered() -> None:
    seen = VerifiedTokens(clock=lambda: 0.0)
    seen.remember("t", object(), "k1", {"exp": "soon"})
    assert len(seen) == 0
