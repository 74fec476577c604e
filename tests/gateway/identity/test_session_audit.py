"""Logout and the revocation of a disabled account's session are audited, without tokens."""

from __future__ import annotations

from gateway.identity.tables import AccountRow, AuditRow, TokenFamilyRow
from tests.gateway.identity.support import CITIZEN, Gateway


def no_token_in(rows: list[AuditRow], *tokens: str) -> None:
    for row in rows:
        text = f"{row.actor} {row.action} {row.target} {row.details}"
        for token in tokens:
            assert token not in text
            assert token.removeprefix("hlr_") not in text


async def test_logout_is_audited_once(gw: Gateway) -> None:
    account = (await gw.register()).json()
    pair = await gw.tokens(CITIZEN["email"], CITIZEN["password"])
    [family] = await gw.rows(TokenFamilyRow)
    for _ in range(2):                                   # the second logout changes nothing
        response = await gw.client.post("/api/v1/auth/logout",
                                        json={"refresh_token": pair["refresh_token"]})
        assert response.status_code == 204
    await gw.client.post("/api/v1/auth/logout", json={"refresh_token": "hlr_tidak-ada"})
    rows = [r for r in await gw.rows(AuditRow) if r.action.startswith("session.")]
    assert [(r.actor, r.action, r.target, r.details) for r in rows] == [
        (account["id"], "session.logout", account["id"], {"family_id": family.id})]
    assert rows[0].at == gw.clock()
    no_token_in(await gw.rows(AuditRow), pair["refresh_token"], pair["access_token"])


async def test_revoking_a_disabled_accounts_session_is_audited(gw: Gateway) -> None:
    account = (await gw.register()).json()
    pair = await gw.tokens(CITIZEN["email"], CITIZEN["password"])
    async with gw.runtime.sessions() as session:     # disabled outside the admin route
        row = await session.get(AccountRow, account["id"])
        assert row is not None
        row.status = "disabled"
        await session.commit()
    for _ in range(2):
        response = await gw.client.post("/api/v1/auth/refresh",
                                        json={"refresh_token": pair["refresh_token"]})
        assert response.status_code == 401 and response.json()["code"] == "refresh-invalid"
    [family] = await gw.rows(TokenFamilyRow)
    assert family.revoked_reason == "disabled"
    rows = [r for r in await gw.rows(AuditRow) if r.action.startswith("session.")]
    assert [(r.actor, r.action, r.target, r.details) for r in rows] == [
        ("system", "session.disabled-revoked", account["id"], {"family_id": family.id})]
    no_token_in(await gw.rows(AuditRow), pair["refresh_token"], pair["access_token"])
