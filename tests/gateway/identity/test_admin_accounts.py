"""Agency admins manage the officers of their own agency only: an agency admin's account (of
its agency or another) is disabled, enabled or given roles by the platform admin alone."""

from __future__ import annotations

from gateway.identity.tables import AccountRow, AuditRow
from tests.gateway.identity.support import Gateway
from tests.gateway.identity.test_admin import AGENCY_ADMIN, OFFICER, agency_admin

SECOND_ADMIN = {**AGENCY_ADMIN, "name": "Admin Dua", "email": "admin2.dukcapil@lamselkab.go.id",
                "phone": "081377770002", "password": "Dukcapil-Admin-Dua-26"}


async def _second_admin(gw: Gateway, root: dict[str, str]) -> str:
    created = await gw.client.post("/api/v1/admin/agency-admins", json=SECOND_ADMIN,
                                   headers=root)
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


async def _status(gw: Gateway, account_id: str) -> str:
    row = next(r for r in await gw.rows(AccountRow) if r.id == account_id)
    return row.status


async def test_an_agency_admin_cannot_disable_or_enable_another_admin(gw: Gateway) -> None:
    headers, root = await agency_admin(gw)
    other = await _second_admin(gw, root)
    base = f"/api/v1/agencies/disdukcapil/officers/{other}"
    refused = await gw.client.post(f"{base}/disable", headers=headers)
    assert refused.status_code == 403, refused.text
    assert refused.json()["code"] == "admin-account-forbidden"
    assert await _status(gw, other) == "active"
    assert (await gw.login(SECOND_ADMIN["email"], SECOND_ADMIN["password"])).status_code == 200

    # The platform admin disables it; the agency admin cannot re-enable it.
    done = await gw.client.post(f"{base}/disable", headers=root)
    assert done.status_code == 200 and done.json()["status"] == "disabled"
    again = await gw.client.post(f"{base}/enable", headers=headers)
    assert again.status_code == 403 and again.json()["code"] == "admin-account-forbidden"
    assert await _status(gw, other) == "disabled"
    trail = [(r.action, r.target) for r in await gw.rows(AuditRow)]
    assert ("account.disabled", other) in trail and ("account.active", other) not in trail

    back = await gw.client.post(f"{base}/enable", headers=root)
    assert back.status_code == 200 and back.json()["status"] == "active"


async def test_an_agency_admin_cannot_change_an_admins_roles(gw: Gateway) -> None:
    headers, root = await agency_admin(gw)
    other = await _second_admin(gw, root)
    response = await gw.client.put(f"/api/v1/agencies/disdukcapil/officers/{other}/roles",
                                   json={"roles": ["disdukcapil:operator"]}, headers=headers)
    assert response.status_code == 403 and response.json()["code"] == "admin-account-forbidden"
    row = next(r for r in await gw.rows(AccountRow) if r.id == other)
    assert row.roles == ["disdukcapil:admin"]


async def test_an_agency_admin_still_manages_its_officers(gw: Gateway) -> None:
    headers, _ = await agency_admin(gw)
    officer = (await gw.client.post("/api/v1/agencies/disdukcapil/officers", json=OFFICER,
                                    headers=headers)).json()
    base = f"/api/v1/agencies/disdukcapil/officers/{officer['id']}"
    assert (await gw.client.post(f"{base}/disable", headers=headers)).status_code == 200
    assert (await gw.client.post(f"{base}/enable", headers=headers)).status_code == 200
    roles = await gw.client.put(f"{base}/roles", json={"roles": ["disdukcapil:operator",
                                                                 "disdukcapil:integrasi"]},
                                headers=headers)
    assert roles.status_code == 200, roles.text


async def test_the_refusal_is_in_english_on_request(gw: Gateway) -> None:
    headers, root = await agency_admin(gw)
    other = await _second_admin(gw, root)
    response = await gw.client.post(f"/api/v1/agencies/disdukcapil/officers/{other}/disable",
                                    headers={**headers, "Accept-Language": "en"})
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "platform administrator only" in response.json()["detail"]
    indonesian = await gw.client.post(
        f"/api/v1/agencies/disdukcapil/officers/{other}/disable", headers=headers)
    assert "hanya dapat dinonaktifkan" in indonesian.json()["detail"]
