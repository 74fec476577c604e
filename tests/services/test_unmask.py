"""Personal form values: masked for officers, in full for the applicant, revealed to a step
holder by ``POST /cases/{id}/unmask`` (reason required, audited without values, limited per
account, never cached). Dukcapil on SQLite and, in the integration tier, PostgreSQL."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from sqlalchemy import select
from sqlmodel import col

from shared.cases.unmask import UNMASK_ACTION, holds_a_step
from shared.db.tables import AuditRow
from shared.engine.state import Principal
from shared.settings import RateLimit
from tests.services.security_harness import (
    ADMIN,
    BANTUAN,
    DK_KABID,
    DK_OPERATOR,
    OTHER_CITIZEN,
    OWNER,
    Service,
    officer,
    open_kia,
)
from tests.support.apps import runtime_of
from tests.support.kia import FORM

REASON = {"reason": "Mencocokkan NIK anak dengan KK"}
PERSONAL = ["nik_anak", "nama_anak", "nomor_kk"]


async def _audit(svc: Service) -> list[AuditRow]:
    async with runtime_of(svc.app).sessions() as s:
        return list(await s.scalars(select(AuditRow).where(col(AuditRow.action) == UNMASK_ACTION)
                                    .order_by(col(AuditRow.id))))


async def _unmask(svc: Service, case_id: str, who: dict[str, str],
                  body: Any = None) -> Any:
    return await svc.client.post(f"/cases/{case_id}/unmask", headers=who,
                                 json=REASON if body is None else body)


async def test_officers_read_masked_the_applicant_in_full(dukcapil: Service) -> None:
    case = await open_kia(dukcapil)
    assert case["form"] == FORM and case["masked"] == []
    mine = (await dukcapil.client.get(f"/cases/{case['id']}", headers=OWNER)).json()
    assert mine["form"] == FORM and mine["masked"] == []
    for who in (DK_OPERATOR, DK_KABID, ADMIN):
        seen = (await dukcapil.client.get(f"/cases/{case['id']}", headers=who)).json()
        assert seen["masked"] == PERSONAL
        assert seen["form"]["nik_anak"] == "1801********0001"
        assert seen["form"]["nomor_kk"] == "1801********0003"
        assert seen["form"]["nama_anak"] == "S*** A***"
        assert seen["form"]["pengambilan"] == FORM["pengambilan"]
    inbox = (await dukcapil.client.get("/cases?scope=inbox", headers=DK_OPERATOR)).json()
    assert inbox["items"][0]["masked"] == PERSONAL
    assert FORM["nik_anak"] not in str(inbox)
    moved = await dukcapil.act(case["id"], DK_OPERATOR, "teruskan")
    assert moved["masked"] == PERSONAL and FORM["nik_anak"] not in str(moved)
    assert await _audit(dukcapil) == []


async def test_a_step_holder_unmasks_with_a_reason_audited_without_values(
        dukcapil: Service) -> None:
    case = await open_kia(dukcapil)
    # kabid holds a later step of the SOP (verifikasi_siak): a step holder too.
    for who, subject in ((DK_OPERATOR, "op-dk"), (DK_KABID, "kabid-dk")):
        response = await _unmask(dukcapil, case["id"], who, {
            "reason": "Telepon pemohon 081234567890 untuk konfirmasi"})
        assert response.status_code == 200, response.text
        assert response.headers["cache-control"] == "no-store"
        body = response.json()
        assert body["case_id"] == case["id"] and body["form"] == FORM
        assert body["revealed_at"].endswith("Z")
        row = (await _audit(dukcapil))[-1]
        assert row.id == body["audit_id"] and row.actor_id == subject
        assert row.target == f"case/{case['id']}"
        assert row.detail["fields"] == PERSONAL
        assert row.detail["reason"] == "Telepon pemohon [disamarkan] untuk konfirmasi"
        stored = str(row.detail)
        assert all(str(v) not in stored for k, v in FORM.items() if k in PERSONAL)
    assert len(await _audit(dukcapil)) == 2


@pytest.mark.parametrize(("who", "status", "code"), [
    (officer("dinkes", "operator"), 404, "case-not-found"),   # another agency: cannot read
    (OTHER_CITIZEN, 404, "case-not-found"),
    (officer("disdukcapil", "admin"), 403, "unmask-not-permitted"),  # the agency's admin
    (ADMIN, 403, "unmask-not-permitted"),                     # the platform admin
    (officer("disdukcapil", "bendahara"), 403, "unmask-not-permitted"),  # holds no step
    (OWNER, 403, "unmask-not-permitted"),                     # reads in full already
])
async def test_others_are_refused_and_nothing_is_audited(
        dukcapil: Service, who: dict[str, str], status: int, code: str) -> None:
    case = await open_kia(dukcapil)
    response = await _unmask(dukcapil, case["id"], who)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == code
    assert FORM["nik_anak"] not in response.text
    assert await _audit(dukcapil) == []


@pytest.mark.parametrize("body", [
    {}, {"reason": "cek"}, {"reason": "    cek    "}, {"reason": "x" * 501},
    {"reason": "cek data\u0000warga"}, {"reason": "cek data\u202ewarga"},
    {"reason": "cek data warga", "fields": ["nik_anak"]}])
async def test_a_reason_is_required(dukcapil: Service, body: dict[str, Any]) -> None:
    case = await open_kia(dukcapil)
    response = await _unmask(dukcapil, case["id"], DK_OPERATOR, body)
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "validation-error"
    assert response.json()["errors"][0]["message"]
    assert await _audit(dukcapil) == []


async def test_control_characters_are_named_in_the_callers_language(dukcapil: Service) -> None:
    case = await open_kia(dukcapil)
    response = await dukcapil.client.post(
        f"/cases/{case['id']}/unmask", headers={**DK_OPERATOR, "Accept-Language": "en"},
        json={"reason": "cek\tdata warga"})
    assert response.json()["errors"][0]["message"] == "Must not contain control characters."


async def test_reveals_are_limited_per_account(dukcapil: Service) -> None:
    runtime = runtime_of(dukcapil.app)
    original = runtime.settings
    runtime.settings = dataclasses.replace(original, unmask_rate=RateLimit(2, 600.0))
    try:
        case = await open_kia(dukcapil)
        for _ in range(2):
            assert (await _unmask(dukcapil, case["id"], DK_OPERATOR)).status_code == 200
        limited = await _unmask(dukcapil, case["id"], DK_OPERATOR)
        assert limited.status_code == 429, limited.text
        assert limited.json()["code"] == "rate-limited"
        assert 1 <= int(limited.headers["retry-after"]) <= 600
        assert limited.headers["cache-control"] == "no-store"
        # Another account keeps its own count.
        assert (await _unmask(dukcapil, case["id"], DK_KABID)).status_code == 200
        assert len(await _audit(dukcapil)) == 3
    finally:
        runtime.settings = original


def test_step_holders_include_steps_of_another_agency() -> None:
    def who(*roles: str) -> Principal:
        return Principal(subject="x", roles=frozenset(roles))

    assert holds_a_step(BANTUAN, who("damkar:operator"))
    assert holds_a_step(BANTUAN, who("bpkad:staf"))          # a step held by BPKAD
    assert not holds_a_step(BANTUAN, who("damkar:staf"))     # that role, the wrong agency
    assert not holds_a_step(BANTUAN, who("damkar:admin", "admin"))
