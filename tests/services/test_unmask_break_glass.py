"""Agency admins (whose job is accounts) read cases masked and cannot reveal them; the
break-glass ``POST /cases/{id}/unmask/break-glass`` is for a platform admin or the kepala dinas
of the SOP's agency, with a reason of at least 20 characters, audited as ``pii.break_glass``."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlmodel import col

from shared.cases.unmask import BREAK_GLASS_ACTION, UNMASK_ACTION
from shared.db.tables import AuditRow
from tests.services.security_harness import ADMIN, DK_OPERATOR, Service, officer, open_kia
from tests.support.apps import runtime_of
from tests.support.kia import FORM

DK_ADMIN = officer("disdukcapil", "admin")
DK_HEAD = officer("disdukcapil", "kepala_dinas")
REASON = {"reason": "Permintaan tertulis kepolisian atas laporan pemalsuan 1801010101"}
PERSONAL = ["nik_anak", "nama_anak", "nomor_kk"]


async def _audit(svc: Service) -> list[AuditRow]:
    async with runtime_of(svc.app).sessions() as s:
        return list(await s.scalars(select(AuditRow).where(
            col(AuditRow.action).in_([UNMASK_ACTION, BREAK_GLASS_ACTION]))
            .order_by(col(AuditRow.id))))


async def _break_glass(svc: Service, case_id: str, who: dict[str, str],
                       body: Any = None) -> Any:
    return await svc.client.post(f"/cases/{case_id}/unmask/break-glass", headers=who,
                                 json=REASON if body is None else body)


async def test_an_agency_admin_reads_cases_masked_and_cannot_reveal(dukcapil: Service) -> None:
    case = await open_kia(dukcapil)
    seen = await dukcapil.client.get(f"/cases/{case['id']}", headers=DK_ADMIN)
    assert seen.status_code == 200, seen.text
    assert seen.json()["masked"] == PERSONAL
    assert seen.json()["form"]["nik_anak"] == "1801********0001"
    listed = await dukcapil.client.get("/cases", headers=DK_ADMIN)
    assert FORM["nik_anak"] not in listed.text and FORM["nama_anak"] not in listed.text
    for path in ("unmask", "unmask/break-glass"):
        response = await dukcapil.client.post(f"/cases/{case['id']}/{path}", headers=DK_ADMIN,
                                              json=REASON)
        assert response.status_code == 403, (path, response.text)
        assert FORM["nik_anak"] not in response.text
    assert await _audit(dukcapil) == []


@pytest.mark.parametrize(("who", "subject"), [
    (ADMIN, "admin-1"), (DK_HEAD, "petugas-disdukcapil-kepala_dinas")])
async def test_break_glass_reveals_audited_apart(dukcapil: Service, who: dict[str, str],
                                                 subject: str) -> None:
    case = await open_kia(dukcapil)
    response = await _break_glass(dukcapil, case["id"], who)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    assert response.json()["form"] == FORM
    [row] = await _audit(dukcapil)
    assert row.action == BREAK_GLASS_ACTION and row.actor_id == subject
    assert row.id == response.json()["audit_id"] and row.target == f"case/{case['id']}"
    assert row.detail["fields"] == PERSONAL
    assert "1801010101" not in row.detail["reason"]
    assert all(str(v) not in str(row.detail) for k, v in FORM.items() if k in PERSONAL)


@pytest.mark.parametrize("who", [
    DK_ADMIN, DK_OPERATOR, officer("disdukcapil", "kabid"), officer("dinkes", "kepala_dinas")])
async def test_break_glass_is_refused_to_others(dukcapil: Service, who: dict[str, str]) -> None:
    case = await open_kia(dukcapil)
    response = await _break_glass(dukcapil, case["id"], who)
    assert response.status_code in (403, 404), response.text
    if response.status_code == 403:
        assert response.json()["code"] == "break-glass-not-permitted"
    assert await _audit(dukcapil) == []


@pytest.mark.parametrize("body", [
    {}, {"reason": "Permintaan polisi"}, {"reason": "   Permintaan polisi        "},
    {"reason": "x" * 501}, {"reason": "Permintaan tertulis\u0000kepolisian resor"}])
async def test_break_glass_needs_a_reason_of_20_characters(dukcapil: Service,
                                                           body: dict[str, Any]) -> None:
    case = await open_kia(dukcapil)
    response = await _break_glass(dukcapil, case["id"], ADMIN, body)
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "validation-error"
    assert await _audit(dukcapil) == []


async def test_the_refusal_speaks_indonesian_and_english(dukcapil: Service) -> None:
    case = await open_kia(dukcapil)
    indonesian = await _break_glass(dukcapil, case["id"], DK_ADMIN)
    assert "kepala dinas" in indonesian.json()["detail"]
    english = await dukcapil.client.post(
        f"/cases/{case['id']}/unmask/break-glass",
        headers={**DK_ADMIN, "Accept-Language": "en"}, json=REASON)
    assert "head of" in english.json()["detail"]


async def test_an_agency_admin_downloads_no_case_document(dukcapil: Service) -> None:
    case = await open_kia(dukcapil)
    url = f"/cases/{case['id']}/documents/{case['documents'][0]['id']}"
    refused = await dukcapil.client.get(url, headers=DK_ADMIN)
    assert refused.status_code == 403, refused.text
    assert refused.json()["code"] == "document-not-permitted"
    assert b"%PDF" not in refused.content
    for who in (DK_OPERATOR, ADMIN):  # the officers working on it and the platform admin
        assert (await dukcapil.client.get(url, headers=who)).status_code == 200
