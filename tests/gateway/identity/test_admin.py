"""Platform admin → agency admins → officers, scoped to the agency and the registry; listing,
disabling and the audit trail."""

from __future__ import annotations

from typing import Any

import pytest

from gateway.identity.tables import AccountRow, AuditRow, TokenFamilyRow
from shared.registry import load_registry
from tests.gateway.identity.support import CITIZEN, Gateway, bearer

AGENCY_ADMIN = {"agency": "disdukcapil", "name": "Admin Dukcapil",
                "email": "admin.dukcapil@lamselkab.go.id", "phone": "081377778888",
                "password": "Dukcapil-Admin-2026"}
OFFICER = {"name": "Operator Satu", "email": "op1.dukcapil@lamselkab.go.id",
           "password": "Operator-Satu-2026", "roles": ["disdukcapil:operator"]}


async def agency_admin(gw: Gateway) -> tuple[dict[str, str], dict[str, Any]]:
    """(headers of the Disdukcapil admin, the platform admin's headers)."""
    root = await gw.admin_headers()
    created = await gw.client.post("/api/v1/admin/agency-admins", json=AGENCY_ADMIN,
                                   headers=root)
    assert created.status_code == 201, created.text
    pair = await gw.tokens(AGENCY_ADMIN["email"], AGENCY_ADMIN["password"])
    return bearer(pair["access_token"]), root


async def test_platform_admin_creates_an_agency_admin(gw: Gateway) -> None:
    root = await gw.admin_headers()
    response = await gw.client.post("/api/v1/admin/agency-admins", json=AGENCY_ADMIN,
                                    headers=root)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["roles"] == ["disdukcapil:admin"] and body["kind"] == "admin"
    assert body["agency"] == "disdukcapil" and body["phone"] == "+6281377778888"
    pair = await gw.tokens(AGENCY_ADMIN["email"], AGENCY_ADMIN["password"])
    principal = await gw.runtime.verifier.verify(pair["access_token"])
    assert principal.roles == frozenset({"disdukcapil:admin"})


async def test_agency_admin_form_problems(gw: Gateway) -> None:
    root = await gw.admin_headers()
    bad = {**AGENCY_ADMIN, "agency": "dinas-fiktif", "roles": ["admin"]}
    response = await gw.client.post("/api/v1/admin/agency-admins", json=bad, headers=root)
    assert response.status_code == 422
    assert {(e["field"], e["problem"]) for e in response.json()["errors"]} == {
        ("agency", "agency-unknown"), ("roles", "not-allowed")}


async def test_only_a_platform_admin_creates_agency_admins(gw: Gateway) -> None:
    await gw.register()
    citizen = await gw.tokens(CITIZEN["email"], CITIZEN["password"])
    response = await gw.client.post("/api/v1/admin/agency-admins", json=AGENCY_ADMIN,
                                    headers=bearer(citizen["access_token"]))
    assert response.status_code == 403
    headers, _ = await agency_admin(gw)
    other = {**AGENCY_ADMIN, "email": "x@lamselkab.go.id", "phone": "081377770000"}
    response = await gw.client.post("/api/v1/admin/agency-admins", json=other, headers=headers)
    assert response.status_code == 403


async def test_agency_admin_creates_officers_of_its_agency(gw: Gateway) -> None:
    headers, _ = await agency_admin(gw)
    response = await gw.client.post("/api/v1/agencies/disdukcapil/officers", json=OFFICER,
                                    headers=headers)
    assert response.status_code == 201, response.text
    assert response.json()["roles"] == ["disdukcapil:operator"]
    assert response.json()["kind"] == "officer" and response.json()["phone"] is None
    pair = await gw.tokens(OFFICER["email"], OFFICER["password"])
    principal = await gw.runtime.verifier.verify(pair["access_token"])
    assert principal.has("disdukcapil", "operator")

    every_role = [f"disdukcapil:{r}" for r in load_registry().agency_roles("disdukcapil")]
    many = {**OFFICER, "email": "kabid@lamselkab.go.id", "roles": every_role[:2]}
    response = await gw.client.post("/api/v1/agencies/disdukcapil/officers", json=many,
                                    headers=headers)
    assert response.status_code == 201 and response.json()["roles"] == sorted(every_role[:2])

    system = {**OFFICER, "email": "siak@lamselkab.go.id", "roles": ["disdukcapil:integrasi"]}
    response = await gw.client.post("/api/v1/agencies/disdukcapil/officers", json=system,
                                    headers=headers)
    assert response.json()["kind"] == "system"


@pytest.mark.parametrize(("roles", "refused"), [
    (["bkd:kabid"], "bkd:kabid"),                       # another agency's role
    (["disdukcapil:petugas_pemadam"], "disdukcapil:petugas_pemadam"),  # not in the registry
    (["operator"], "operator"),                          # unscoped
    (["admin"], "admin"),                                # platform admin
    (["citizen"], "citizen"),
    (["disdukcapil:operator", "disdukcapil:raja"], "disdukcapil:raja"),
])
async def test_officer_roles_come_from_the_registry_of_that_agency(
        gw: Gateway, roles: list[str], refused: str) -> None:
    headers, _ = await agency_admin(gw)
    response = await gw.client.post("/api/v1/agencies/disdukcapil/officers",
                                    json={**OFFICER, "roles": roles}, headers=headers)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors == [{"field": "roles", "problem": "role-not-allowed",
                       "message": f"Peran '{refused}' bukan peran instansi ini."}]
    assert not [r for r in await gw.rows(AccountRow) if r.email == OFFICER["email"]]


async def test_officer_form_needs_roles(gw: Gateway) -> None:
    headers, _ = await agency_admin(gw)
    for roles, problem in ((None, "required"), ([], "roles-empty")):
        body = {k: v for k, v in {**OFFICER, "roles": roles}.items() if v is not None}
        response = await gw.client.post("/api/v1/agencies/disdukcapil/officers", json=body,
                                        headers=headers)
        assert response.json()["errors"][0]["problem"] == problem


async def test_agency_admin_cannot_manage_another_agency(gw: Gateway) -> None:
    headers, _ = await agency_admin(gw)
    body = {**OFFICER, "roles": ["bkd:operator"]}
    for method, path, payload in (
            ("POST", "/api/v1/agencies/bkd/officers", body),
            ("GET", "/api/v1/agencies/bkd/officers", None),
            ("POST", "/api/v1/agencies/tidak-ada/officers", body)):
        response = await gw.client.request(method, path, json=payload, headers=headers)
        assert response.status_code == 403, path


async def test_platform_admin_may_manage_any_agency(gw: Gateway) -> None:
    root = await gw.admin_headers()
    body = {**OFFICER, "roles": ["bkd:kabid"]}
    response = await gw.client.post("/api/v1/agencies/bkd/officers", json=body, headers=root)
    assert response.status_code == 201


async def test_list_and_disable_officers(gw: Gateway) -> None:
    headers, _ = await agency_admin(gw)
    officer = (await gw.client.post("/api/v1/agencies/disdukcapil/officers", json=OFFICER,
                                    headers=headers)).json()
    pair = await gw.tokens(OFFICER["email"], OFFICER["password"])
    listed = await gw.client.get("/api/v1/agencies/disdukcapil/officers", headers=headers)
    assert listed.status_code == 200
    assert {p["email"] for p in listed.json()} == {AGENCY_ADMIN["email"], OFFICER["email"]}

    disabled = await gw.client.post(
        f"/api/v1/agencies/disdukcapil/officers/{officer['id']}/disable", headers=headers)
    assert disabled.status_code == 200 and disabled.json()["status"] == "disabled"
    assert (await gw.login(OFFICER["email"], OFFICER["password"])).status_code == 403
    refreshed = await gw.client.post("/api/v1/auth/refresh",
                                     json={"refresh_token": pair["refresh_token"]})
    assert refreshed.status_code == 401
    families = [f for f in await gw.rows(TokenFamilyRow) if f.account_id == officer["id"]]
    assert families and all(f.revoked_reason == "disabled" for f in families)

    enabled = await gw.client.post(
        f"/api/v1/agencies/disdukcapil/officers/{officer['id']}/enable", headers=headers)
    assert enabled.json()["status"] == "active"
    assert (await gw.login(OFFICER["email"], OFFICER["password"])).status_code == 200

    elsewhere = await gw.client.post(
        f"/api/v1/agencies/disdukcapil/officers/{'0' * 36}/disable", headers=headers)
    assert elsewhere.status_code == 404


async def test_every_account_change_is_audited_without_personal_data(gw: Gateway) -> None:
    headers, root = await agency_admin(gw)
    officer = (await gw.client.post("/api/v1/agencies/disdukcapil/officers", json=OFFICER,
                                    headers=headers)).json()
    await gw.client.post(f"/api/v1/agencies/disdukcapil/officers/{officer['id']}/disable",
                         headers=headers)
    admin_id = (await gw.client.get("/api/v1/auth/me", headers=headers)).json()["id"]
    rows = await gw.rows(AuditRow)
    trail = [(r.actor, r.action, r.target) for r in rows]
    assert ("account.created" in [a for _, a, _ in trail])
    assert (admin_id, "account.created", officer["id"]) in trail
    assert (admin_id, "account.disabled", officer["id"]) in trail
    created = next(r for r in rows if r.target == officer["id"])
    assert created.details == {"kind": "officer", "agency": "disdukcapil",
                               "roles": ["disdukcapil:operator"]}
    for row in rows:
        text = str(row.details)
        for pii in (OFFICER["email"], AGENCY_ADMIN["email"], "81377778888", "Operator Satu"):
            assert pii not in text

    api = await gw.client.get(f"/api/v1/admin/audit?target={officer['id']}", headers=root)
    assert [e["action"] for e in api.json()] == ["account.disabled", "account.created"]
    assert (await gw.client.get("/api/v1/admin/audit", headers=headers)).status_code == 403
