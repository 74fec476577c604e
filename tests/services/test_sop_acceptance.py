"""Publishing rights: a service takes SOPs of the agencies it hosts only, and a version that
gives steps to another agency waits (``pending``) for that agency's admin to accept it; cases
start on the newest active version meanwhile. Shipped files are active at start-up."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlmodel import col

from shared.cases.catalog import foreign_agencies, hosted_agencies
from shared.db.tables import AuditRow
from tests.services.security_harness import (
    ADMIN,
    BANTUAN,
    DK_OPERATOR,
    Service,
    officer,
    open_kia,
)
from tests.support.apps import runtime_of
from tests.support.kia import KIA

DK_ADMIN = officer("disdukcapil", "admin")
DINKES_ADMIN = officer("dinkes", "admin")
DINSOS_ADMIN = officer("dinsos", "admin")


async def _definition(svc: Service) -> dict[str, Any]:
    body: dict[str, Any] = (await svc.client.get(f"/sops/{KIA}")).json()
    body.pop("version", None)
    return body


def _give(definition: dict[str, Any], step_id: str, agency: str) -> None:
    step = next(s for s in definition["steps"] if s["id"] == step_id)
    step["agency"] = agency


async def _versions(svc: Service) -> list[dict[str, Any]]:
    response = await svc.client.get(f"/sops/{KIA}/versions")
    assert response.status_code == 200
    return list(response.json())


async def _accept(svc: Service, version: int, who: dict[str, str]) -> Any:
    return await svc.client.post(f"/sops/{KIA}/versions/{version}/accept", headers=who)


@pytest.mark.parametrize("who", [DINKES_ADMIN, ADMIN])
async def test_a_service_takes_sops_of_the_agencies_it_hosts_only(
        dukcapil: Service, who: dict[str, str]) -> None:
    definition = await _definition(dukcapil)
    definition.update(key="dukcapil-titipan-dinkes", agency="dinkes")
    response = await dukcapil.client.post("/sops", headers=who, json=definition)
    assert response.status_code == 403, response.text
    assert response.json()["code"] == "sop-agency-not-hosted"
    assert "dinkes" in response.json()["detail"]
    missing = await dukcapil.client.get("/sops/dukcapil-titipan-dinkes")
    assert missing.status_code == 404
    assert runtime_of(dukcapil.app).catalog.hosts == frozenset({"disdukcapil"})


async def test_steps_given_to_another_agency_wait_for_its_admin(dukcapil: Service) -> None:
    before = await open_kia(dukcapil)
    definition = await _definition(dukcapil)
    _give(definition, "verifikasi_berkas", "dinkes")
    published = await dukcapil.client.post("/sops", headers=DK_ADMIN, json=definition)
    assert published.status_code == 201, published.text
    assert published.json()["status"] == "pending"
    assert published.json()["awaiting"] == ["dinkes"]
    assert (await dukcapil.client.get(f"/sops/{KIA}")).json()["version"] == 1
    assert KIA in {s["key"] for s in (await dukcapil.client.get("/sops")).json()}
    assert [(v["version"], v["status"], v["awaiting"]) for v in await _versions(dukcapil)] == [
        (1, "active", []), (2, "pending", ["dinkes"])]
    pending = await dukcapil.client.get(f"/sops/{KIA}", params={"version": 2})
    assert pending.status_code == 200  # the accepting admin reads what it accepts
    assert (await open_kia(dukcapil))["sop_version"] == 1  # cases keep running on v1

    again = await dukcapil.client.post("/sops", headers=DK_ADMIN, json=definition)
    assert again.status_code == 409 and again.json()["code"] == "sop-version-pending"

    for who in (DK_ADMIN, DINSOS_ADMIN, officer("dinkes", "operator")):
        refused = await _accept(dukcapil, 2, who)
        assert refused.status_code == 403, refused.text
        assert refused.json()["code"] == "sop-accept-not-permitted"
    accepted = await _accept(dukcapil, 2, DINKES_ADMIN)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "active" and accepted.json()["accepted"] == ["dinkes"]
    assert (await dukcapil.client.get(f"/sops/{KIA}")).json()["version"] == 2
    assert (await open_kia(dukcapil))["sop_version"] == 2
    seen = (await dukcapil.client.get(f"/cases/{before['id']}", headers=DK_OPERATOR)).json()
    assert seen["sop_version"] == 1
    twice = await _accept(dukcapil, 2, DINKES_ADMIN)
    assert twice.status_code == 409 and twice.json()["code"] == "sop-version-not-pending"
    assert (await _accept(dukcapil, 9, DINKES_ADMIN)).status_code == 404

    async with runtime_of(dukcapil.app).sessions() as s:
        trail = list(await s.scalars(select(AuditRow).where(
            col(AuditRow.action).in_(["sop.published", "sop.accepted"]))
            .order_by(col(AuditRow.id))))
    assert [(r.action, r.actor_id, r.target) for r in trail] == [
        ("sop.published", "petugas-disdukcapil-admin", f"dukcapil/{KIA}@v2"),
        ("sop.accepted", "petugas-dinkes-admin", f"dukcapil/{KIA}@v2")]
    assert trail[0].detail["awaiting"] == ["dinkes"]
    assert trail[1].detail == {"agencies": ["dinkes"], "active": True}


async def test_every_agency_given_steps_must_accept(dukcapil: Service) -> None:
    definition = await _definition(dukcapil)
    _give(definition, "verifikasi_berkas", "dinkes")
    _give(definition, "penyerahan", "dinsos")
    published = await dukcapil.client.post("/sops", headers=DK_ADMIN, json=definition)
    assert published.status_code == 201, published.text
    assert published.json()["awaiting"] == ["dinkes", "dinsos"]
    first = (await _accept(dukcapil, 2, DINSOS_ADMIN)).json()
    assert (first["status"], first["awaiting"], first["accepted"]) == (
        "pending", ["dinkes"], ["dinsos"])
    assert (await dukcapil.client.get(f"/sops/{KIA}")).json()["version"] == 1
    assert (await _accept(dukcapil, 2, DINSOS_ADMIN)).status_code == 403
    last = (await _accept(dukcapil, 2, DINKES_ADMIN)).json()
    assert last["status"] == "active" and last["awaiting"] == []
    assert (await dukcapil.client.get(f"/sops/{KIA}")).json()["version"] == 2


async def test_a_version_without_foreign_steps_is_active_at_once(dukcapil: Service) -> None:
    definition = await _definition(dukcapil)
    published = await dukcapil.client.post("/sops", headers=DK_ADMIN, json=definition)
    assert published.status_code == 201
    assert (published.json()["status"], published.json()["awaiting"]) == ("active", [])
    assert (await dukcapil.client.get(f"/sops/{KIA}")).json()["version"] == 2


async def test_shipped_files_are_active_even_with_steps_of_other_agencies(
        damkar: Service) -> None:
    assert foreign_agencies(BANTUAN) == ["bpkad"]
    versions = (await damkar.client.get(f"/sops/{BANTUAN.key}/versions")).json()
    assert [(v["origin"], v["status"], v["awaiting"]) for v in versions] == [
        ("file", "active", [])]
    assert hosted_agencies([BANTUAN]) == frozenset({"damkar"})


async def test_refusals_speak_english_on_request(dukcapil: Service) -> None:
    definition = await _definition(dukcapil)
    definition.update(key="dukcapil-titipan-dinkes", agency="dinkes")
    response = await dukcapil.client.post(
        "/sops", headers={**DINKES_ADMIN, "Accept-Language": "en"}, json=definition)
    assert "does not host" in response.json()["detail"]
