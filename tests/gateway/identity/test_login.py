"""Login by NIK, e-mail or WhatsApp number; progressive slow-down, lockout and unlock, with
the gateway's clock moved by hand."""

from __future__ import annotations

import jwt
import pytest

from gateway.identity.tables import AccountRow, AuditRow
from tests.gateway.identity.support import CITIZEN, Gateway, bearer

WRONG = "Salah-Sandi-999"


@pytest.mark.parametrize("login", [
    CITIZEN["nik"], "1801 0145 0790 0003", CITIZEN["email"], "RINA@EXAMPLE.ID",
    "081234567890", "6281234567890", "+6281234567890", "+62 812-3456-7890",
])
async def test_login_by_nik_email_or_phone(gw: Gateway, login: str) -> None:
    account = (await gw.register()).json()
    pair = await gw.tokens(login, CITIZEN["password"])
    assert pair["token_type"] == "Bearer"
    assert pair["expires_in"] == 900 and pair["refresh_expires_in"] == 30 * 24 * 3600
    assert set(pair) == {"access_token", "token_type", "expires_in", "refresh_token",
                         "refresh_expires_in"}
    claims = jwt.decode(pair["access_token"], options={"verify_signature": False})
    assert claims["sub"] == account["id"] and claims["roles"] == ["citizen"]
    assert claims["kind"] == "citizen"
    header = jwt.get_unverified_header(pair["access_token"])
    assert header["alg"] == "EdDSA" and header["kid"] == gw.runtime.keys.active.kid
    principal = await gw.runtime.verifier.verify(pair["access_token"])
    assert principal.subject == account["id"]


async def test_wrong_password_and_unknown_account_look_the_same(gw: Gateway) -> None:
    await gw.register()
    wrong = await gw.login(CITIZEN["email"], WRONG)
    unknown = await gw.login("siapa@example.id", WRONG)
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["detail"] == unknown.json()["detail"]
    assert wrong.json()["code"] == unknown.json()["code"] == "login-failed"


async def test_a_login_that_is_no_nik_email_or_phone_is_a_field_problem(gw: Gateway) -> None:
    response = await gw.login("bukan-login", "apa saja")
    assert response.status_code == 422
    assert response.json()["errors"][0]["problem"] == "login-format"
    missing = await gw.client.post("/api/v1/auth/login", json={"login": CITIZEN["email"]})
    assert missing.json()["errors"] == [{"field": "password", "problem": "required",
                                         "message": "Wajib diisi."}]


async def test_failures_slow_down_then_lock_then_unlock(gw: Gateway) -> None:
    await gw.register()
    login = CITIZEN["email"]
    for _ in range(2):                                  # failures 1 and 2: plain 401
        response = await gw.login(login, WRONG)
        assert response.status_code == 401 and "retry-after" not in response.headers

    third = await gw.login(login, WRONG)                # failure 3: 401, a 5 s window
    assert third.status_code == 401 and third.headers["retry-after"] == "5"
    inside = await gw.login(login, CITIZEN["password"])  # even the right password waits
    assert inside.status_code == 429 and inside.json()["code"] == "login-slowed"
    assert inside.headers["retry-after"] == "5"
    gw.clock.advance(3)
    assert (await gw.login(login, WRONG)).headers["retry-after"] == "2"

    gw.clock.advance(2)
    fourth = await gw.login(login, WRONG)               # failure 4: a 10 s window
    assert fourth.status_code == 401 and fourth.headers["retry-after"] == "10"
    gw.clock.advance(10)
    fifth = await gw.login(login, WRONG)                # failure 5: locked 15 minutes
    assert fifth.status_code == 423 and fifth.json()["code"] == "account-locked"
    assert fifth.headers["retry-after"] == "900"
    assert fifth.json()["title"] == "Akun terkunci"

    gw.clock.advance(14 * 60)
    locked = await gw.login(login, CITIZEN["password"])
    assert locked.status_code == 423 and locked.headers["retry-after"] == "60"

    gw.clock.advance(60)                                # the lock is served
    assert (await gw.login(login, CITIZEN["password"])).status_code == 200
    [row] = await gw.rows(AccountRow)
    assert row.failed_logins == 0 and row.locked_until is None
    actions = [a.action for a in await gw.rows(AuditRow)]
    assert actions.count("account.locked") == 1


async def test_a_served_lock_starts_a_clean_count(gw: Gateway) -> None:
    await gw.register()
    for step in (0, 0, 0, 5, 10):
        gw.clock.advance(step)
        await gw.login(CITIZEN["email"], WRONG)
    gw.clock.advance(900)
    assert (await gw.login(CITIZEN["email"], WRONG)).status_code == 401
    assert (await gw.login(CITIZEN["email"], WRONG)).headers.get("retry-after") is None


async def test_old_failures_are_forgotten(gw: Gateway) -> None:
    await gw.register()
    for _ in range(2):
        await gw.login(CITIZEN["email"], WRONG)
    gw.clock.advance(15 * 60)
    third = await gw.login(CITIZEN["email"], WRONG)     # counts as the first again
    assert third.status_code == 401 and "retry-after" not in third.headers


async def test_a_success_resets_the_count(gw: Gateway) -> None:
    await gw.register()
    for _ in range(2):
        await gw.login(CITIZEN["email"], WRONG)
    assert (await gw.login(CITIZEN["email"], CITIZEN["password"])).status_code == 200
    for _ in range(2):
        response = await gw.login(CITIZEN["email"], WRONG)
        assert response.status_code == 401 and "retry-after" not in response.headers


async def test_the_lockout_counts_per_account_whatever_the_login_used(gw: Gateway) -> None:
    await gw.register()
    for login in (CITIZEN["email"], CITIZEN["nik"], "081234567890"):
        await gw.login(login, WRONG)
    slowed = await gw.login("+6281234567890", CITIZEN["password"])
    assert slowed.status_code == 429


async def test_a_disabled_account_cannot_log_in(gw: Gateway) -> None:
    account = (await gw.register()).json()
    async with gw.runtime.sessions() as session:
        row = await session.get(AccountRow, account["id"])
        assert row is not None
        row.status = "disabled"
        await session.commit()
    response = await gw.login(CITIZEN["email"], CITIZEN["password"])
    assert response.status_code == 403 and response.json()["code"] == "account-disabled"


async def test_me_needs_a_token(gw: Gateway) -> None:
    response = await gw.client.get("/api/v1/auth/me")
    assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"
    other = await gw.client.get("/api/v1/auth/me", headers=bearer(
        gw.runtime.issuer.issue("no-such-account", ["citizen"], "citizen")))
    assert other.status_code == 404
