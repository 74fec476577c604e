"""Scoped tokens (claim ``scope``): refused by ``verify`` (every ordinary route), accepted by
``verify_claims`` with that scope, or everywhere when the verifier accepts the scope."""

from __future__ import annotations

import pytest

from shared.auth.tokens import InvalidToken
from tests.support.tokens import TestTokens


async def test_a_scoped_token_is_good_only_where_its_scope_is_accepted() -> None:
    tokens = TestTokens()
    token = tokens.issuer.issue("pd-1", ["pelapor-darurat"], "reporter",
                                extra={"scope": "darurat-damkar", "phone_sha256": "ab"})
    verifier = tokens.verifier()
    with pytest.raises(InvalidToken) as refused:
        await verifier.verify(token)
    assert refused.value.reason == "scope"
    with pytest.raises(InvalidToken):
        await verifier.verify_claims(token, "another-scope")
    who, claims = await verifier.verify_claims(token, "darurat-damkar")
    assert who.subject == "pd-1" and who.roles == frozenset({"pelapor-darurat"})
    assert claims["phone_sha256"] == "ab"
    verifier.accepted_scopes = frozenset({"darurat-damkar"})
    assert (await verifier.verify(token)).subject == "pd-1"


async def test_an_ordinary_token_is_unchanged() -> None:
    tokens = TestTokens()
    verifier = tokens.verifier()
    who = await verifier.verify(tokens.token("warga-1", "citizen"))
    assert who.is_citizen
    _, claims = await verifier.verify_claims(tokens.token("warga-1", "citizen"), "x")
    assert "scope" not in claims
