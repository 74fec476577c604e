"""Refresh-token rotation, reuse detection, logout, key rotation and the JWKS."""

from __future__ import annotations

import hashlib

import jwt

from gateway.identity.tables import AuditRow, RefreshTokenRow, TokenFamilyRow
from shared.auth.tokens import TokenVerifier
from shared.web.runtime import jwks_from_url
from tests.gateway.identity.support import CITIZEN, Gateway, bearer


async def refresh(gw: Gateway, token: str) -> tuple[int, dict[str, object]]:
    response = await gw.client.post("/api/v1/auth/refresh", json={"refresh_token": token})
    return response.status_code, response.json()


async def citizen_pair(gw: Gateway) -> dict[str, str]:
    await gw.register()
    return await gw.tokens(CITIZEN["email"], CITIZEN["password"])


async def test_refresh_rotates_the_token(gw: Gateway) -> None:
    first = await citizen_pair(gw)
    status, second = await refresh(gw, first["refresh_token"])
    assert status == 200
    assert second["refresh_token"] != first["refresh_token"]
    assert second["access_token"] != first["access_token"]
    assert second["token_type"] == "Bearer" and second["expires_in"] == 900
    me = await gw.client.get("/api/v1/auth/me", headers=bearer(str(second["access_token"])))
    assert me.status_code == 200
    status, _ = await refresh(gw, str(second["refresh_token"]))
    assert status == 200
    tokens = await gw.rows(RefreshTokenRow)
    assert len(tokens) == 3 and len({t.family_id for t in tokens}) == 1
    stored = {t.token_hash for t in tokens}
    assert hashlib.sha256(first["refresh_token"].encode()).hexdigest() in stored
    assert first["refresh_token"] not in stored


async def test_reusing_a_spent_token_revokes_the_whole_family(gw: Gateway) -> None:
    first = await citizen_pair(gw)
    _, second = await refresh(gw, first["refresh_token"])
    status, problem = await refresh(gw, first["refresh_token"])     # replayed
    assert status == 401 and problem["code"] == "refresh-invalid"
    status, _ = await refresh(gw, str(second["refresh_token"]))     # the family is gone
    assert status == 401
    [family] = await gw.rows(TokenFamilyRow)
    assert family.revoked_reason == "reuse" and family.revoked_at is not None
    assert "session.reuse-revoked" in [a.action for a in await gw.rows(AuditRow)]
    assert (await gw.login(CITIZEN["email"], CITIZEN["password"])).status_code == 200


async def test_other_sessions_survive_a_reuse(gw: Gateway) -> None:
    phone = await citizen_pair(gw)
    laptop = await gw.tokens(CITIZEN["nik"], CITIZEN["password"])
    await refresh(gw, phone["refresh_token"])
    await refresh(gw, phone["refresh_token"])
    status, _ = await refresh(gw, laptop["refresh_token"])
    assert status == 200


async def test_logout_revokes_the_family(gw: Gateway) -> None:
    first = await citizen_pair(gw)
    _, second = await refresh(gw, first["refresh_token"])
    response = await gw.client.post("/api/v1/auth/logout",
                                    json={"refresh_token": second["refresh_token"]})
    assert response.status_code == 204
    assert (await refresh(gw, str(second["refresh_token"])))[0] == 401
    again = await gw.client.post("/api/v1/auth/logout",
                                 json={"refresh_token": second["refresh_token"]})
    assert again.status_code == 204
    unknown = await gw.client.post("/api/v1/auth/logout", json={"refresh_token": "hlr_nope"})
    assert unknown.status_code == 204


async def test_unknown_and_expired_refresh_tokens_are_refused(gw: Gateway) -> None:
    pair = await citizen_pair(gw)
    status, problem = await refresh(gw, "hlr_" + "x" * 43)
    assert status == 401 and problem["code"] == "refresh-invalid"
    gw.clock.advance(30 * 24 * 3600)
    status, problem = await refresh(gw, pair["refresh_token"])
    assert status == 401 and pair["refresh_token"] not in str(problem)


async def test_jwks_lists_the_active_key(gw: Gateway) -> None:
    response = await gw.client.get("/.well-known/jwks.json")
    assert response.status_code == 200
    [key] = response.json()["keys"]
    assert key["kid"] == gw.runtime.keys.active.kid
    assert key["kty"] == "OKP" and key["crv"] == "Ed25519" and key["alg"] == "EdDSA"
    assert "d" not in key


async def test_key_rotation_keeps_old_tokens_valid(gw: Gateway) -> None:
    headers = await gw.admin_headers()
    citizen = await citizen_pair(gw)
    old_kid = gw.runtime.keys.active.kid
    rotated = await gw.client.post("/api/v1/admin/keys/rotate", headers=headers)
    assert rotated.status_code == 200, rotated.text
    body = rotated.json()
    assert body["active_kid"] != old_kid and body["kids"] == [old_kid, body["active_kid"]]
    kids = [k["kid"] for k in (await gw.client.get("/.well-known/jwks.json")).json()["keys"]]
    assert kids == [old_kid, body["active_kid"]]
    # tokens signed with the old key still work at the gateway (services: the test below)
    me = await gw.client.get("/api/v1/auth/me", headers=bearer(citizen["access_token"]))
    assert me.status_code == 200
    await gw.runtime.verifier.verify(citizen["access_token"])
    # new tokens are signed with the new key
    _, fresh = await refresh(gw, citizen["refresh_token"])
    assert jwt.get_unverified_header(str(fresh["access_token"]))["kid"] == body["active_kid"]
    # the rotation is persisted and audited
    index = (gw.runtime.settings.key_dir / "keys.json").read_text()
    assert old_kid in index and body["active_kid"] in index
    assert "keys.rotated" in [a.action for a in await gw.rows(AuditRow)]


async def test_only_a_platform_admin_rotates_keys(gw: Gateway) -> None:
    citizen = await citizen_pair(gw)
    response = await gw.client.post("/api/v1/admin/keys/rotate",
                                    headers=bearer(citizen["access_token"]))
    assert response.status_code == 403
    assert (await gw.client.post("/api/v1/admin/keys/rotate")).status_code == 401
    assert len(gw.runtime.keys.jwks()["keys"]) == 1


async def test_services_verify_old_and_new_tokens_across_a_rotation(gw: Gateway) -> None:
    """A service verifies like in production: the gateway's JWKS over HTTP, cached."""
    service = TokenVerifier(jwks_from_url("http://gateway/.well-known/jwks.json", gw.client),
                            gw.runtime.settings.tokens)
    headers = await gw.admin_headers()
    citizen = await citizen_pair(gw)
    subject = (await service.verify(citizen["access_token"])).subject   # caches the JWKS
    rotated = await gw.client.post("/api/v1/admin/keys/rotate", headers=headers)
    assert rotated.status_code == 200, rotated.text
    _, fresh = await refresh(gw, citizen["refresh_token"])
    new_token = str(fresh["access_token"])
    assert jwt.get_unverified_header(new_token)["kid"] == rotated.json()["active_kid"]
    assert (await service.verify(new_token)).subject == subject        # right after rotation
    assert (await service.verify(citizen["access_token"])).subject == subject


async def test_three_quick_rotations_keep_every_unexpired_token_valid(gw: Gateway) -> None:
    headers = await gw.admin_headers()
    citizen = await citizen_pair(gw)
    for _ in range(3):
        response = await gw.client.post("/api/v1/admin/keys/rotate", headers=headers)
        assert response.status_code == 200, response.text
    assert len(response.json()["kids"]) == 4
    me = await gw.client.get("/api/v1/auth/me", headers=bearer(citizen["access_token"]))
    assert me.status_code == 200
    service = TokenVerifier(jwks_from_url("http://gateway/.well-known/jwks.json", gw.client),
                            gw.runtime.settings.tokens)
    await service.verify(citizen["access_token"])
