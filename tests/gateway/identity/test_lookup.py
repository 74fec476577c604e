"""The counter's citizen look-up (``POST /api/v1/citizens/lookup``): by NIK, WhatsApp number
or e-mail, masked answers, counter officers only, audited without the key, limited per
account. SQLite and, in the integration tier, PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from gateway.identity.lookup import LOOKUP_ACTION
from gateway.identity.tables import AccountRow, AuditRow
from shared.settings import RateLimit
from tests.gateway.identity.support import (
    ADMIN_PASSWORD,
    CITIZEN,
    SETTINGS,
    Gateway,
    bearer,
    running_gateway,
)

URL = "/api/v1/citizens/lookup"


async def _citizen(gw: Gateway) -> str:
    response = await gw.register()
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def _officer(gw: Gateway, role: str = "disdukcapil:front_office",
                   email: str = "loket@example.id") -> dict[str, str]:
    agency = role.split(":", 1)[0] if ":" in role else None
    await gw.add_account(email, [role], kind="officer", agency=agency)
    return bearer((await gw.tokens(email, ADMIN_PASSWORD))["access_token"])


async def _lookups(gw: Gateway) -> list[AuditRow]:
    return [r for r in await gw.rows(AuditRow) if r.action == LOOKUP_ACTION]


@pytest.mark.parametrize("key", [{"nik": CITIZEN["nik"]}, {"phone": "+6281234567890"},
                                 {"phone": CITIZEN["phone"]}, {"email": "RINA@example.id"}])
async def test_a_counter_officer_finds_the_citizen_masked(gw: Gateway, key: dict[str, str]
                                                          ) -> None:
    account = await _citizen(gw)
    officer = await _officer(gw)
    response = await gw.client.post(URL, headers=officer, json=key)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    assert response.json() == {"account_id": account, "name_masked": "R*** W***",
                               "nik_masked": "1801********0003",
                               "phone_masked": "+628******7890"}
    for clear in (CITIZEN["nik"], CITIZEN["email"], "Wulandari", "81234567890"):
        assert clear not in response.text
    [row] = await _lookups(gw)
    assert row.target == account and row.details == {"key": next(iter(key)), "found": True}


async def test_an_unknown_key_is_404_and_still_audited(gw: Gateway) -> None:
    await _citizen(gw)
    officer = await _officer(gw, "dpmptsp:operator")
    response = await gw.client.post(URL, headers=officer, json={"nik": "1801014507900004"})
    assert response.status_code == 404, response.text
    assert response.json()["code"] == "citizen-not-found"
    assert "warga" in response.json()["detail"]
    [row] = await _lookups(gw)
    assert row.target is None and row.details == {"key": "nik", "found": False}
    assert "1801014507900004" not in str(row.details)


async def test_a_disabled_citizen_or_an_officer_account_is_not_found(gw: Gateway) -> None:
    account = await _citizen(gw)
    officer = await _officer(gw)
    await gw.add_account("petugas-lain@example.id", ["disdukcapil:operator"], kind="officer",
                         agency="disdukcapil")
    other = await gw.client.post(URL, headers=officer, json={"email": "petugas-lain@example.id"})
    assert other.status_code == 404
    async with gw.runtime.sessions() as session:
        await session.execute(update(AccountRow).where(AccountRow.id == account)  # type: ignore[arg-type]
                              .values(status="disabled"))
        await session.commit()
    gone = await gw.client.post(URL, headers=officer, json={"nik": CITIZEN["nik"]})
    assert gone.status_code == 404 and gone.json()["code"] == "citizen-not-found"


@pytest.mark.parametrize("role", ["citizen", "disdukcapil:admin", "disdukcapil:kabid", "admin"])
async def test_only_counter_officers_may_look_up(gw: Gateway, role: str) -> None:
    await _citizen(gw)
    if role == "citizen":
        who = bearer((await gw.tokens(CITIZEN["email"], CITIZEN["password"]))["access_token"])
    else:
        who = await _officer(gw, role, email="bukan-loket@example.id")
    response = await gw.client.post(URL, headers=who, json={"nik": CITIZEN["nik"]})
    assert response.status_code == 403, response.text
    assert response.json()["code"] == "lookup-not-permitted"
    assert CITIZEN["nik"] not in response.text
    assert await _lookups(gw) == []
    assert (await gw.client.post(URL, json={"nik": CITIZEN["nik"]})).status_code == 401


@pytest.mark.parametrize(("body", "field", "problem"), [
    ({}, "body", "lookup-one-key"),
    ({"nik": CITIZEN["nik"], "email": CITIZEN["email"]}, "body", "lookup-one-key"),
    ({"nik": "12345"}, "nik", "nik-format"),
    ({"phone": "12345"}, "phone", "phone-format"),
    ({"email": "bukan-email"}, "email", "email-format"),
])
async def test_exactly_one_well_formed_key(gw: Gateway, body: dict[str, Any], field: str,
                                           problem: str) -> None:
    officer = await _officer(gw)
    response = await gw.client.post(URL, headers=officer, json=body)
    assert response.status_code == 422, response.text
    assert response.json()["errors"] == [
        {"field": field, "problem": problem, "message": response.json()["errors"][0]["message"]}]
    assert await _lookups(gw) == []


async def test_lookups_are_limited_per_account(tmp_path: Path) -> None:
    settings = replace(SETTINGS, lookup_rate=RateLimit(2, 600.0))
    async with running_gateway(tmp_path, settings=settings) as gw:
        await _citizen(gw)
        officer = await _officer(gw)
        key = {"nik": CITIZEN["nik"]}
        for _ in range(2):
            assert (await gw.client.post(URL, headers=officer, json=key)).status_code == 200
        limited = await gw.client.post(URL, headers=officer, json=key)
        assert limited.status_code == 429 and limited.json()["code"] == "rate-limited"
        assert limited.headers["retry-after"] == "600"
        other = await _officer(gw, "disdukcapil:operator", email="op@example.id")
        assert (await gw.client.post(URL, headers=other, json=key)).status_code == 200
        gw.clock.advance(601)
        assert (await gw.client.post(URL, headers=officer, json=key)).status_code == 200
