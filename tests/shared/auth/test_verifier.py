"""The service-side verifier: a rotated key works at once, random kids cannot make it hammer
the gateway, and an unreachable JWKS is a 503 (never a 500) while the last good keys stay."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from services.dukcapil.app import create_app
from shared.auth.keys import KeySet, new_key
from shared.auth.tokens import InvalidToken, TokenIssuer, TokenVerifier
from shared.events.memory import InProcessBus
from shared.web.app import Wiring
from shared.web.problems import ProblemError
from shared.web.runtime import jwks_from_url
from tests.support.apps import running, service_settings
from tests.support.tokens import SETTINGS


class Gateway:
    """A JWKS source that counts fetches and can be made to fail."""

    def __init__(self) -> None:
        self.keys = KeySet([new_key()])
        self.issuer = TokenIssuer(self.keys, SETTINGS)
        self.fetches = 0
        self.down = False

    async def jwks(self) -> dict[str, Any]:
        self.fetches += 1
        await asyncio.sleep(0)
        if self.down:
            raise httpx.ConnectError("gateway unreachable")
        return self.keys.jwks()

    def token(self) -> str:
        return self.issuer.issue("warga-1", ["citizen"], "citizen")


def forged(kid: str) -> str:
    return jwt.encode({"sub": "x", "iss": SETTINGS.issuer, "aud": SETTINGS.audience,
                       "iat": int(time.time()), "exp": int(time.time()) + 60},
                      Ed25519PrivateKey.generate(), algorithm="EdDSA", headers={"kid": kid})


async def test_a_freshly_rotated_key_is_accepted_at_once() -> None:
    gateway = Gateway()
    verifier = TokenVerifier(gateway.jwks, SETTINGS)          # the defaults services use
    await verifier.verify(gateway.token())
    gateway.keys.rotate(SETTINGS.access_ttl_s)
    started = time.monotonic()
    principal = await verifier.verify(gateway.token())          # a kid not seen before
    assert principal.subject == "warga-1"
    assert gateway.fetches == 2 and time.monotonic() - started < 2.5


async def test_random_kids_cause_at_most_one_fetch_per_gap() -> None:
    gateway = Gateway()
    verifier = TokenVerifier(gateway.jwks, SETTINGS, refresh_s=0.2)
    await verifier.verify(gateway.token())
    attack = [forged(f"kacak{i}") for i in range(40)]
    results = await asyncio.gather(*(verifier.verify(t) for t in attack),
                                   return_exceptions=True)
    assert all(isinstance(r, InvalidToken) and r.reason == "unknown-kid" for r in results)
    assert gateway.fetches == 2                               # 40 requests, one fetch
    started = time.monotonic()
    for token in attack:                                      # remembered: no fetch, no wait
        with pytest.raises(InvalidToken):
            await verifier.verify(token)
    assert gateway.fetches == 2 and time.monotonic() - started < 0.2
    started = time.monotonic()
    for i in range(4):                                        # one after another
        with pytest.raises(InvalidToken):
            await verifier.verify(forged(f"baru{i}"))
    elapsed = time.monotonic() - started
    assert gateway.fetches == 6 and elapsed >= 3 * 0.2       # spaced by the gap
    await verifier.verify(gateway.token())                    # a good token never waits


async def test_remembered_unknown_kids_are_bounded() -> None:
    gateway = Gateway()
    verifier = TokenVerifier(gateway.jwks, SETTINGS, refresh_s=0.0, max_negative=10)
    for i in range(50):
        with pytest.raises(InvalidToken):
            await verifier.verify(forged(f"k{i}"))
    assert len(verifier._unknown) <= 10
    with pytest.raises(InvalidToken):                         # still refused after forgetting
        await verifier.verify(forged("k0"))


async def test_an_unreachable_jwks_is_unavailable_and_retried_after_the_gap() -> None:
    gateway = Gateway()
    gateway.down = True
    verifier = TokenVerifier(gateway.jwks, SETTINGS, refresh_s=0.2)
    with pytest.raises(ProblemError) as unavailable:
        await verifier.verify(gateway.token())
    assert unavailable.value.status == 503 and unavailable.value.code == "service-unavailable"
    with pytest.raises(ProblemError):                      # the attempt was recorded:
        await verifier.verify(gateway.token())                # no refetch per request
    assert gateway.fetches == 1
    gateway.down = False
    await asyncio.sleep(0.25)
    assert (await verifier.verify(gateway.token())).subject == "warga-1"
    assert gateway.fetches == 2


async def test_the_last_good_keys_stay_in_use_while_the_jwks_is_down() -> None:
    gateway = Gateway()
    verifier = TokenVerifier(gateway.jwks, SETTINGS, refresh_s=0.0)
    old_token = gateway.token()
    await verifier.verify(old_token)
    gateway.down = True
    gateway.keys.rotate(SETTINGS.access_ttl_s)
    assert (await verifier.verify(old_token)).subject == "warga-1"
    with pytest.raises(ProblemError):                      # not "invalid": unknown yet
        await verifier.verify(gateway.token())
    assert (await verifier.verify(old_token)).subject == "warga-1"


def failing(status: int | None) -> httpx.AsyncClient:
    def answer(request: httpx.Request) -> httpx.Response:
        if status is None:
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(status, text="<html>oops</html>")
    return httpx.AsyncClient(transport=httpx.MockTransport(answer))


@pytest.mark.parametrize("status", [None, 502, 200])
async def test_a_service_answers_503_problem_json_when_it_cannot_fetch_the_jwks(
        tmp_path: Path, status: int | None) -> None:
    gateway = Gateway()
    async with failing(status) as client:
        verifier = TokenVerifier(jwks_from_url("http://gateway/.well-known/jwks.json", client),
                                 SETTINGS)
        conf = service_settings("dukcapil", f"sqlite+aiosqlite:///{tmp_path / 'd.db'}", tmp_path)
        app = create_app(conf, Wiring(bus=InProcessBus(), verifier=verifier))
        async with running(app) as http:
            token = gateway.token()
            response = await http.get("/cases", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 503
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["retry-after"] == "5"
    body = response.json()
    assert body["code"] == "service-unavailable"
    assert body["detail"] == "Layanan 'verifikasi token' sedang tidak tersedia. Coba lagi nanti."
    assert token not in response.text


async def test_jwks_from_url_asks_past_caches() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"keys": []})

    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as client:
        assert await jwks_from_url("http://gateway/jwks", client)() == {"keys": []}
    assert seen[0].headers["cache-control"] == "no-cache"
