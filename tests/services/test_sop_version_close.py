"""A version waiting for another agency's acceptance can be closed unaccepted, so it never
blocks its key for good: the publishing agency's admin (or a platform admin) withdraws it, the
awaited agency's admin declines it; each with a reason, audited, never active, and the key then
takes a new version (the closed number stays taken). Nobody else may; nothing is written when
refused."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlmodel import col

from shared.db.tables import AuditRow
from tests.services.security_harness import ADMIN, DK_OPERATOR, Service, officer, open_kia
from tests.support.apps import runtime_of
from tests.support.kia import KIA

DK_ADMIN = officer("disdukcapil", "admin")
DINKES_ADMIN = officer("dinkes", "admin")
DINSOS_ADMIN = officer("dinsos", "admin")
REASON = {"reason": "Langkah verifikasi tetap di Disdukcapil (surat 470/123/2026)"}


async def _publish_pending(svc: Service) -> int:
    definition: dict[str, Any] = (await svc.client.get(f"/sops/{KIA}")).json()
    definition.pop("version", None)
    step = next(s for s in definition["steps"] if s["id"] == "verifikasi_berkas")
    step["agency"] = "dinkes"
    published = await svc.client.post("/sops", headers=DK_ADMIN, json=definition)
    assert published.status_code == 201, published.text
    assert published.json()["status"] == "pending"
    return int(published.json()["version"])


async def _statuses(svc: Service) -> list[tuple[int, str]]:
    versions = (await svc.client.get(f"/sops/{KIA}/versions")).json()
    return [(v["version"], v["status"]) for v in versions]


async def _audits(svc: Service, action: str) -> list[AuditRow]:
    runtime = runtime_of(svc.app)
    async with runtime.sessions() as session:
        rows = await session.scalars(select(AuditRow).where(col(AuditRow.action) == action))
        return list(rows)


@pytest.mark.parametrize(("route", "who", "status"), [
    ("withdraw", DK_ADMIN, "withdrawn"), ("withdraw", ADMIN, "withdrawn"),
    ("decline", DINKES_ADMIN, "declined")])
async def test_a_pending_version_is_closed_and_the_key_takes_a_new_one(
        dukcapil: Service, route: str, who: dict[str, str], status: str) -> None:
    version = await _publish_pending(dukcapil)
    blocked = await dukcapil.client.post("/sops", headers=DK_ADMIN, json={
        **(await dukcapil.client.get(f"/sops/{KIA}")).json(), "version": None})
    assert blocked.status_code == 409 and blocked.json()["code"] == "sop-version-pending"
    assert "ditarik kembali" in blocked.json()["detail"]
    closed = await dukcapil.client.post(f"/sops/{KIA}/versions/{version}/{route}", headers=who,
                                        json=REASON)
    assert closed.status_code == 200, closed.text
    assert closed.json()["status"] == status and closed.json()["awaiting"] == ["dinkes"]
    assert await _statuses(dukcapil) == [(1, "active"), (2, status)]
    assert (await open_kia(dukcapil))["sop_version"] == 1
    (audit,) = await _audits(dukcapil, f"sop.{status}")
    assert audit.target == f"dukcapil/{KIA}@v2"
    assert "470/123/2026" in audit.detail["reason"] and audit.detail["awaiting"] == ["dinkes"]
    again = await dukcapil.client.post(f"/sops/{KIA}/versions/{version}/accept",
                                       headers=DINKES_ADMIN)
    assert again.status_code == 409 and again.json()["code"] == "sop-version-not-pending"
    definition = (await dukcapil.client.get(f"/sops/{KIA}")).json()
    definition.pop("version")
    fresh = await dukcapil.client.post("/sops", headers=DK_ADMIN, json=definition)
    assert fresh.status_code == 201, fresh.text
    assert fresh.json()["version"] == 3 and fresh.json()["status"] == "active"
    assert (await open_kia(dukcapil))["sop_version"] == 3


@pytest.mark.parametrize(("route", "who", "code"), [
    ("withdraw", DINKES_ADMIN, "sop-withdraw-not-permitted"),
    ("withdraw", DK_OPERATOR, "sop-withdraw-not-permitted"),
    ("decline", DK_ADMIN, "sop-decline-not-permitted"),
    ("decline", DINSOS_ADMIN, "sop-decline-not-permitted"),
    ("decline", ADMIN, "sop-decline-not-permitted")])
async def test_only_the_publisher_withdraws_and_only_the_awaited_agency_declines(
        dukcapil: Service, route: str, who: dict[str, str], code: str) -> None:
    version = await _publish_pending(dukcapil)
    refused = await dukcapil.client.post(f"/sops/{KIA}/versions/{version}/{route}", headers=who,
                                         json=REASON)
    assert refused.status_code == 403, refused.text
    assert refused.json()["code"] == code
    assert await _statuses(dukcapil) == [(1, "active"), (2, "pending")]
    assert await _audits(dukcapil, "sop.withdrawn") == []
    assert await _audits(dukcapil, "sop.declined") == []


@pytest.mark.parametrize("body", [{}, {"reason": "ok"}, {"reason": "x" * 501},
                                  {"reason": "alasan\x00cukup panjang"},
                                  {"reason": "alasan cukup", "lain": 1}])
async def test_a_close_needs_a_reason_and_writes_nothing_without_one(
        dukcapil: Service, body: dict[str, Any]) -> None:
    version = await _publish_pending(dukcapil)
    refused = await dukcapil.client.post(f"/sops/{KIA}/versions/{version}/withdraw",
                                         headers=DK_ADMIN, json=body)
    assert refused.status_code == 422, refused.text
    assert refused.json()["code"] == "validation-error"
    assert await _statuses(dukcapil) == [(1, "active"), (2, "pending")]


async def test_an_active_or_missing_version_cannot_be_closed(dukcapil: Service) -> None:
    active = await dukcapil.client.post(f"/sops/{KIA}/versions/1/withdraw", headers=DK_ADMIN,
                                        json=REASON)
    assert active.status_code == 409 and active.json()["code"] == "sop-version-not-pending"
    missing = await dukcapil.client.post(f"/sops/{KIA}/versions/9/decline",
                                         headers=DINKES_ADMIN, json=REASON)
    assert missing.status_code == 404 and missing.json()["code"] == "sop-not-found"
    assert await _statuses(dukcapil) == [(1, "active")]
