"""Citizen registration through the HTTP API: the happy path, each rejected field with its
own localised message, roles that cannot be set, duplicates, NIK protection at rest."""

from __future__ import annotations

from typing import Any

import pytest

from gateway.identity.tables import AccountRow, AuditRow
from shared.web.i18n import MESSAGES
from tests.gateway.identity.support import CITIZEN, Gateway, bearer


def errors(response: Any) -> dict[str, list[str]]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    found: dict[str, list[str]] = {}
    for item in response.json()["errors"]:
        assert set(item) == {"field", "problem", "message"} and item["message"]
        found.setdefault(item["field"], []).append(item["problem"])
    return found


async def test_a_citizen_registers_and_sees_a_masked_profile(gw: Gateway) -> None:
    response = await gw.register()
    assert response.status_code == 201, response.text
    profile = response.json()
    assert profile["kind"] == "citizen" and profile["roles"] == ["citizen"]
    assert profile["nik"] == "1801********0003"
    assert profile["phone"] == "+6281234567890"
    assert profile["email"] == "rina@example.id"
    assert "password" not in response.text and CITIZEN["nik"] not in response.text

    pair = await gw.tokens(CITIZEN["email"], CITIZEN["password"])
    me = await gw.client.get("/api/v1/auth/me", headers=bearer(pair["access_token"]))
    assert me.status_code == 200
    assert me.json()["nik"] == "1801********0003" and me.json()["id"] == profile["id"]


async def test_the_nik_is_stored_only_as_a_keyed_hash_and_ciphertext(gw: Gateway) -> None:
    await gw.register()
    [row] = await gw.rows(AccountRow)
    assert row.nik_hash and len(row.nik_hash) == 64 and CITIZEN["nik"] not in row.nik_hash
    assert row.nik_cipher and row.nik_cipher.startswith("enc:v1:")
    assert CITIZEN["nik"] not in row.nik_cipher
    assert row.password_hash.startswith("$argon2id$")
    [audit] = await gw.rows(AuditRow)
    assert (audit.action, audit.target, audit.actor) == ("account.registered", row.id, row.id)
    assert CITIZEN["nik"] not in str(audit.details) and CITIZEN["email"] not in str(audit.details)


@pytest.mark.parametrize(("changes", "field", "problem"), [
    ({"nik": "18010145079000"}, "nik", "nik-format"),
    ({"nik": "1001014507900003"}, "nik", "nik-region"),
    ({"nik": "1800014507900003"}, "nik", "nik-region"),
    ({"nik": "1801017307900003"}, "nik", "nik-birth-date"),
    ({"nik": "1801010303260003"}, "nik", "nik-future"),
    ({"nik": "1801014507900000"}, "nik", "nik-serial"),
    ({"nik": None}, "nik", "required"),
    ({"name": "   "}, "name", "required"),
    ({"name": "R2-D2"}, "name", "name-format"),
    ({"email": "rina(at)example.id"}, "email", "email-format"),
    ({"email": None}, "email", "required"),
    ({"phone": "021-555-1234"}, "phone", "phone-format"),
    ({"phone": None}, "phone", "required"),
    ({"password": "Pendek1"}, "password", "password-too-short"),
    ({"password": "tanpaangkasamasekali"}, "password", "password-letters-digits"),
    ({"password": "rina1801014507900003"}, "password", "password-personal"),
    ({"password": "Sandi081234567890"}, "password", "password-personal"),
    ({"password": "Password123"}, "password", "password-common"),
    ({"password": None}, "password", "required"),
])
async def test_each_rejected_field_gets_its_own_problem(gw: Gateway, changes: dict[str, Any],
                                                        field: str, problem: str) -> None:
    found = errors(await gw.register(**changes))
    assert found == {field: [problem]}
    assert await gw.rows(AccountRow) == []


async def test_every_bad_field_is_reported_together(gw: Gateway) -> None:
    found = errors(await gw.register(nik="123", name="", email="x", phone="1", password="a"))
    assert set(found) == {"nik", "name", "email", "phone", "password"}


async def test_messages_are_indonesian_by_default_and_english_on_request(gw: Gateway) -> None:
    body = {**CITIZEN, "nik": "1801010303260003"}
    default = await gw.client.post("/api/v1/auth/register", json=body)
    english = await gw.client.post("/api/v1/auth/register", json=body,
                                   headers={"Accept-Language": "en-US,en;q=0.9"})
    assert default.json()["errors"][0]["message"] == "Tanggal lahir pada NIK berada di masa depan."
    assert english.json()["errors"][0]["message"] == "The birth date in the NIK is in the future."
    assert english.headers["content-language"] == "en"
    for response in (default, english):
        assert "1801010303260003" not in response.text


@pytest.mark.parametrize("extra", [{"roles": ["admin"]}, {"roles": ["disdukcapil:kabid"]},
                                   {"kind": "admin"}, {"agency": "bkd"}])
async def test_roles_and_other_fields_cannot_be_set(gw: Gateway, extra: dict[str, Any]) -> None:
    found = errors(await gw.register(**extra))
    assert found == {next(iter(extra)): ["not-allowed"]}
    assert await gw.rows(AccountRow) == []


@pytest.mark.parametrize("changes", [
    {"email": "lain@example.id", "phone": "081299990000"},                   # same NIK
    {"nik": "1801011208850007", "phone": "081299990000"},                    # same e-mail
    {"nik": "1801011208850007", "email": "lain@example.id"},                 # same phone
    {"nik": "1801011208850007", "email": "RINA@Example.id", "phone": "0899990000"},
    {"nik": "1801011208850007", "email": "lain@example.id", "phone": "+62 812 3456 7890"},
])
async def test_duplicates_are_refused_without_naming_the_account(gw: Gateway,
                                                                 changes: dict[str, str]) -> None:
    existing = (await gw.register()).json()
    response = await gw.register(**changes)
    assert response.status_code == 409
    problem = response.json()
    assert problem["code"] == "account-exists"
    assert set(problem) == {"type", "title", "status", "code", "detail", "instance",
                            "request_id"}
    assert problem["detail"] == MESSAGES["account-exists"][0]
    for leak in (existing["id"], "rina@example.id", "6281234567890", CITIZEN["nik"]):
        assert leak not in response.text
    assert len(await gw.rows(AccountRow)) == 1


async def test_wrong_types_are_a_validation_problem(gw: Gateway) -> None:
    response = await gw.client.post("/api/v1/auth/register", json={**CITIZEN, "nik": 1801})
    assert response.status_code == 422
    assert response.json()["code"] == "validation-error"
