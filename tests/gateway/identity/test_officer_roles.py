"""Only the platform admin creates agency admins; an agency admin gives the roles its SOPs
name (and ``integrasi``), never ``admin``."""

from __future__ import annotations

import pytest

from gateway.identity.service import officer_roles
from gateway.identity.tables import AccountRow, AuditRow
from shared.registry import load_registry
from tests.gateway.identity.support import Gateway
from tests.gateway.identity.test_admin import OFFICER, agency_admin
from tests.support.sops import all_sops

REFUSAL = ("Peran admin instansi tidak dapat diberikan di sini. Admin instansi hanya dibuat "
           "oleh admin platform (POST /api/v1/admin/agency-admins).")


@pytest.mark.parametrize("roles", [
    ["disdukcapil:admin"],
    ["disdukcapil:operator", "disdukcapil:admin"],
])
async def test_an_agency_admin_cannot_create_another_agency_admin(
        gw: Gateway, roles: list[str]) -> None:
    headers, _ = await agency_admin(gw)
    before = len(await gw.rows(AccountRow))
    response = await gw.client.post("/api/v1/agencies/disdukcapil/officers",
                                    json={**OFFICER, "roles": roles}, headers=headers)
    assert response.status_code == 403, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "admin-role-forbidden"
    assert response.json()["detail"] == REFUSAL
    assert len(await gw.rows(AccountRow)) == before
    assert [r.action for r in await gw.rows(AuditRow)].count("account.created") == 1


async def test_the_officer_route_never_creates_an_admin_even_for_the_platform_admin(
        gw: Gateway) -> None:
    _, root = await agency_admin(gw)
    response = await gw.client.post("/api/v1/agencies/disdukcapil/officers",
                                    json={**OFFICER, "roles": ["disdukcapil:admin"]},
                                    headers=root)
    assert response.status_code == 403 and response.json()["code"] == "admin-role-forbidden"
    assert not [r for r in await gw.rows(AccountRow) if r.email == OFFICER["email"]]


async def test_an_agency_admin_may_give_every_sop_role_and_integrasi(gw: Gateway) -> None:
    headers, _ = await agency_admin(gw)
    roles = [f"disdukcapil:{r}" for r in officer_roles("disdukcapil")]
    response = await gw.client.post("/api/v1/agencies/disdukcapil/officers",
                                    json={**OFFICER, "roles": roles}, headers=headers)
    assert response.status_code == 201, response.text
    assert response.json()["kind"] == "officer"
    assert response.json()["roles"] == sorted(roles)


def test_officer_roles_are_the_roles_the_sops_name_plus_integrasi() -> None:
    registry = load_registry()
    named: dict[str, set[str]] = {}
    for sops in all_sops().values():
        for sop in sops:
            for step in sop.steps:
                if step.kind == "applicant":
                    continue
                agency = step.agency or sop.agency
                named.setdefault(agency, set()).add(step.actor)
                if step.escalate_to:
                    named[agency].add(step.escalate_to)
    for agency, info in registry.agencies.items():
        roles = officer_roles(agency)
        assert "admin" not in roles
        assert set(roles) == {*info.roles, *info.local_roles, "integrasi"}
        assert named.get(agency, set()) <= set(roles), agency
    assert officer_roles("tidak-ada") == ()
