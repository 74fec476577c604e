"""An agency admin changes an officer's roles (PUT .../officers/{id}/roles): only roles of its
own agency, never ``admin``, audited without personal data; the officer's sessions end so
a role taken away stops working at once."""

from __future__ import annotations

from typing import Any

from gateway.identity.tables import AccountRow, AuditRow, TokenFamilyRow
from tests.gateway.identity.support import Gateway, bearer
from tests.gateway.identity.test_admin import AGENCY_ADMIN, OFFICER, agency_admin

EMAIL, PASSWORD = str(OFFICER["email"]), str(OFFICER["password"])
ROLES = "/api/v1/agencies/{agency}/officers/{id}/roles"


async def _officer(gw: Gateway, headers: dict[str, str]) -> dict[str, Any]:
    created = await gw.client.post("/api/v1/agencies/disdukcapil/officers", json=OFFICER,
                                   headers=headers)
    assert created.status_code == 201, created.text
    officer: dict[str, Any] = created.json()
    return officer


async def test_an_agency_admin_replaces_an_officers_roles(gw: Gateway) -> None:
    headers, _ = await agency_admin(gw)
    officer = await _officer(gw, headers)
    pair = await gw.tokens(EMAIL, PASSWORD)
    new_roles = ["disdukcapil:kabid", "disdukcapil:operator"]
    response = await gw.client.put(ROLES.format(agency="disdukcapil", id=officer["id"]),
                                   json={"roles": list(reversed(new_roles))}, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["roles"] == new_roles and response.json()["kind"] == "officer"
    listed = await gw.client.get("/api/v1/agencies/disdukcapil/officers", headers=headers)
    assert next(p for p in listed.json() if p["id"] == officer["id"])["roles"] == new_roles

    # The old session is closed: its refresh token no longer works; a new login has the roles.
    refreshed = await gw.client.post("/api/v1/auth/refresh",
                                     json={"refresh_token": pair["refresh_token"]})
    assert refreshed.status_code == 401
    families = [f for f in await gw.rows(TokenFamilyRow) if f.account_id == officer["id"]]
    assert families and all(f.revoked_reason == "roles-changed" for f in families)
    fresh = await gw.tokens(EMAIL, PASSWORD)
    principal = await gw.runtime.verifier.verify(fresh["access_token"])
    assert principal.roles == frozenset(new_roles)

    audit = [r for r in await gw.rows(AuditRow) if r.action == "account.roles_changed"]
    assert len(audit) == 1 and audit[0].target == officer["id"]
    assert audit[0].details == {"agency": "disdukcapil",
                                "roles_before": ["disdukcapil:operator"],
                                "roles": new_roles, "sessions_revoked": 1}
    for pii in (EMAIL, str(OFFICER["name"])):
        assert pii not in str(audit[0].details)


async def test_the_same_roles_change_nothing(gw: Gateway) -> None:
    headers, _ = await agency_admin(gw)
    officer = await _officer(gw, headers)
    pair = await gw.tokens(EMAIL, PASSWORD)
    response = await gw.client.put(ROLES.format(agency="disdukcapil", id=officer["id"]),
                                   json={"roles": OFFICER["roles"]}, headers=headers)
    assert response.status_code == 200 and response.json()["roles"] == OFFICER["roles"]
    assert "account.roles_changed" not in [r.action for r in await gw.rows(AuditRow)]
    refreshed = await gw.client.post("/api/v1/auth/refresh",
                                     json={"refresh_token": pair["refresh_token"]})
    assert refreshed.status_code == 200


async def test_admin_and_foreign_roles_are_refused(gw: Gateway) -> None:
    headers, _ = await agency_admin(gw)
    officer = await _officer(gw, headers)
    url = ROLES.format(agency="disdukcapil", id=officer["id"])
    admin = await gw.client.put(url, json={"roles": ["disdukcapil:admin"]}, headers=headers)
    assert admin.status_code == 403 and admin.json()["code"] == "admin-role-forbidden"
    bad = await gw.client.put(url, json={"roles": ["dpmptsp:operator", "disdukcapil:bupati"],
                                         "name": "x"}, headers=headers)
    assert bad.status_code == 422, bad.text
    assert {(e["field"], e["problem"]) for e in bad.json()["errors"]} == {
        ("roles", "role-not-allowed"), ("name", "not-allowed")}
    empty = await gw.client.put(url, json={"roles": []}, headers=headers)
    assert [e["problem"] for e in empty.json()["errors"]] == ["roles-empty"]
    missing = await gw.client.put(url, json={}, headers=headers)
    assert [e["problem"] for e in missing.json()["errors"]] == ["required"]
    row = next(r for r in await gw.rows(AccountRow) if r.id == officer["id"])
    assert row.roles == OFFICER["roles"]


async def test_only_the_agencys_own_admin_changes_its_officers(gw: Gateway) -> None:
    headers, root = await agency_admin(gw)
    officer = await _officer(gw, headers)
    url = ROLES.format(agency="disdukcapil", id=officer["id"])
    pair = await gw.tokens(EMAIL, PASSWORD)
    itself = await gw.client.put(url, json={"roles": ["disdukcapil:kepala_dinas"]},
                                 headers=bearer(pair["access_token"]))
    assert itself.status_code == 403
    other = await gw.client.post("/api/v1/admin/agency-admins", headers=root, json={
        **AGENCY_ADMIN, "agency": "dpmptsp", "email": "admin.dpmptsp@lamselkab.go.id",
        "phone": "081377770000"})
    assert other.status_code == 201, other.text
    foreign = await gw.tokens("admin.dpmptsp@lamselkab.go.id", AGENCY_ADMIN["password"])
    through_own_path = await gw.client.put(
        ROLES.format(agency="dpmptsp", id=officer["id"]), json={"roles": ["dpmptsp:operator"]},
        headers=bearer(foreign["access_token"]))
    assert through_own_path.status_code == 404
    through_theirs = await gw.client.put(url, json={"roles": ["disdukcapil:kepala_dinas"]},
                                         headers=bearer(foreign["access_token"]))
    assert through_theirs.status_code == 403
    # The agency admin's own account (an admin) is not changed here, not even by itself.
    me = (await gw.client.get("/api/v1/auth/me", headers=headers)).json()
    own = await gw.client.put(ROLES.format(agency="disdukcapil", id=me["id"]),
                              json={"roles": ["disdukcapil:operator"]}, headers=headers)
    assert own.status_code == 403
    by_root = await gw.client.put(ROLES.format(agency="disdukcapil", id=me["id"]),
                                  json={"roles": ["disdukcapil:operator"]}, headers=root)
    assert by_root.status_code == 403 and by_root.json()["code"] == "admin-role-forbidden"
    platform = await gw.client.put(url, json={"roles": ["disdukcapil:staf"]}, headers=root)
    assert platform.status_code == 200 and platform.json()["roles"] == ["disdukcapil:staf"]
