"""What a front end needs is in the case resource: each offered action says what it needs
(comment, deadline, what may be asked for, what must be brought), and a returned case says
what the applicant must fix. Dukcapil's KIA 0–5 through the ASGI transport, SQLite and (in
the integration tier) PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlmodel import col

from shared.db.tables import AuditRow, CaseRow, OutboxRow
from tests.services.security_harness import TOKENS
from tests.support.apps import rolled_back, runtime_of
from tests.support.kia import FORM, KIA, PDF

CITIZEN = TOKENS.headers("warga-a", "citizen")
OPERATOR = TOKENS.headers("op-1", "disdukcapil:operator")
KIA_DOCS = [{"key": "berkas_persyaratan", "label": "Berkas persyaratan (akta kelahiran, KK)",
             "required": False},
            {"key": "pas_foto", "label": "Pas foto anak (opsional di bawah 5 tahun)",
             "required": False}]


@pytest.fixture
async def client(dukcapil_app: tuple[FastAPI, httpx.AsyncClient]
                 ) -> AsyncIterator[httpx.AsyncClient]:
    """The shared Dukcapil app of ``tests/services/conftest.py``, one rollback per test."""
    app, http = dukcapil_app
    async with rolled_back(app):  # type: ignore[arg-type]
        yield http


async def _open(client: httpx.AsyncClient, headers: dict[str, str] = CITIZEN,
                **extra: Any) -> dict[str, Any]:
    response = await client.post("/cases", headers=headers, files={"berkas_persyaratan": PDF},
                                 data={"data": json.dumps({"sop_key": KIA, "form": FORM,
                                                           **extra})})
    assert response.status_code == 201, response.text
    return response.json()


async def _at_berkas(client: httpx.AsyncClient) -> dict[str, Any]:
    case = await _open(client)
    moved = await client.post(f"/cases/{case['id']}/actions", headers=OPERATOR,
                              json={"action": "teruskan", "step": "verifikasi_permohonan"})
    assert moved.status_code == 200, moved.text
    return moved.json()


def _action(case: dict[str, Any], name: str) -> dict[str, Any]:
    return next(a for a in case["actions"] if a["name"] == name)


async def test_a_return_action_says_its_deadline_reason_and_what_may_be_asked_for(
        client: httpx.AsyncClient) -> None:
    case = await _at_berkas(client)
    ret = _action(case, "tidak_lengkap")
    assert ret["kind"] == "return" and ret["comment_required"] is True
    assert ret["deadline"] == "3 hari kerja"
    assert ret["requestable"]["documents"] == KIA_DOCS
    assert [f["key"] for f in ret["requestable"]["fields"]] == [
        "nik_anak", "nama_anak", "tanggal_lahir_anak", "nomor_kk", "pengambilan"]
    assert ret["requestable"]["fields"][1]["label"] == "Nama anak"
    forward = _action(case, "lengkap")
    assert forward["comment_required"] is False and forward["deadline"] is None
    assert forward["requestable"] is None and forward["requires"] is None


async def test_resubmission_names_what_the_applicant_must_bring(
        client: httpx.AsyncClient) -> None:
    case = await _at_berkas(client)
    returned = await client.post(f"/cases/{case['id']}/actions", headers=OPERATOR, json={
        "action": "tidak_lengkap", "comment": "Akta kelahiran buram",
        "requested": {"documents": ["berkas_persyaratan"], "fields": ["nama_anak"]}})
    assert returned.status_code == 200, returned.text
    mine = (await client.get(f"/cases/{case['id']}", headers=CITIZEN)).json()
    resubmit = _action(mine, "lengkapi")
    assert resubmit["requires"] == {
        "documents": [{"key": "berkas_persyaratan",
                       "label": "Berkas persyaratan (akta kelahiran, KK)", "required": True}],
        "fields": [{"key": "nama_anak", "label": "Nama anak", "required": True}]}
    assert resubmit["accepts"]["documents"] == KIA_DOCS
    assert len(resubmit["accepts"]["fields"]) == 5
    assert _action(mine, "batalkan")["requires"] is None


async def test_a_returned_case_shows_the_applicants_task_not_the_officer_step(
        client: httpx.AsyncClient) -> None:
    case = await _at_berkas(client)
    officer_text = case["current_step"]["activity"]
    await client.post(f"/cases/{case['id']}/actions", headers=OPERATOR, json={
        "action": "tidak_lengkap", "comment": "Akta kelahiran buram",
        "requested": {"documents": ["berkas_persyaratan"], "fields": ["nama_anak"]}})
    mine = (await client.get(f"/cases/{case['id']}", headers=CITIZEN)).json()
    step = mine["current_step"]
    assert step["activity"] == (
        "Lengkapi berkas yang dikembalikan petugas sebelum batas waktu: unggah kembali "
        "Berkas persyaratan (akta kelahiran, KK), perbaiki isian Nama anak.")
    assert step["activity"] != officer_text and step["returned_from"] == officer_text
    assert step["role"] == "pemohon" and step["kind"] == "applicant"
    assert step["reason"] == "Akta kelahiran buram" == mine["return_reason"]
    assert step["requested"]["documents"][0]["key"] == "berkas_persyaratan"
    assert step["requested"]["fields"] == [
        {"key": "nama_anak", "label": "Nama anak", "required": True}]
    assert step["due_at"] == mine["applicant_due_at"] is not None
    assert mine["requested"] == {"documents": ["berkas_persyaratan"], "fields": ["nama_anak"]}


async def test_an_open_case_keeps_the_step_activity_and_no_return_details(
        client: httpx.AsyncClient) -> None:
    case = await _at_berkas(client)
    step = case["current_step"]
    assert step["activity"].startswith("Operator Halo Lamsel memverifikasi berkas")
    assert step["reason"] is None and step["requested"] is None
    assert step["returned_from"] is None


FRONT_OFFICE = TOKENS.headers("fo-1", "disdukcapil:front_office")
FOREIGN_OPERATOR = TOKENS.headers("op-9", "dpmptsp:operator")
KABID = TOKENS.headers("kabid-1", "disdukcapil:kabid")


async def test_an_officer_at_the_counter_submits_for_a_citizen_who_owns_the_case(
        dukcapil_app: tuple[FastAPI, httpx.AsyncClient], client: httpx.AsyncClient) -> None:
    case = await _open(client, FRONT_OFFICE, on_behalf_of="warga-a")
    mine = (await client.get("/cases?scope=mine", headers=CITIZEN)).json()
    assert case["id"] in {c["id"] for c in mine["items"]}
    assert (await client.get("/cases?scope=mine", headers=FRONT_OFFICE)).json()["total"] == 0
    owned = (await client.get(f"/cases/{case['id']}", headers=CITIZEN)).json()
    assert [a["name"] for a in owned["actions"]] == ["batalkan"]  # the owner may withdraw

    history = (await client.get(f"/cases/{case['id']}/history", headers=CITIZEN)).json()
    first = history[0]
    assert (first["event"], first["actor_role"]) == ("case.submitted", "pemohon")
    assert first["data"]["assisted_by"] == {"agency": "disdukcapil", "role": "front_office"}
    seen_by_officer = (await client.get(f"/cases/{case['id']}/history",
                                        headers=OPERATOR)).json()
    assert seen_by_officer[0]["data"]["assisted_by"] == {
        "agency": "disdukcapil", "role": "front_office", "actor_id": "fo-1"}

    runtime = runtime_of(dukcapil_app[0])
    async with runtime.sessions() as session:
        row = await session.get(CaseRow, case["id"])
        audit = (await session.scalars(select(AuditRow).where(
            col(AuditRow.action) == "case.assisted_submission"))).all()
        events = [json.loads(o.payload) for o in (await session.scalars(select(OutboxRow).where(
            col(OutboxRow.key) == case["id"]))).all()]
    assert row is not None and row.applicant_id == "warga-a"
    assert [(a.actor_id, a.target) for a in audit] == [("fo-1", f"case/{case['id']}")]
    assert audit[0].detail["applicant"] == "warga-a"
    assert events[0]["applicant"] == "warga-a"
    assert events[0]["data"]["assisted_by"] == {"agency": "disdukcapil", "role": "front_office"}
    assert "fo-1" not in json.dumps(events)


@pytest.mark.parametrize("who", [CITIZEN, FOREIGN_OPERATOR, KABID],
                         ids=["citizen", "other-agency", "non-counter-role"])
async def test_only_counter_officers_of_the_agency_submit_for_someone(
        client: httpx.AsyncClient, who: dict[str, str]) -> None:
    response = await client.post(
        "/cases", headers=who, files={"berkas_persyaratan": PDF},
        data={"data": json.dumps({"sop_key": KIA, "form": FORM, "on_behalf_of": "warga-b"})})
    assert response.status_code == 403, response.text
    body = response.json()
    assert body["code"] == "assist-not-permitted"
    assert "disdukcapil" in body["detail"]
    listed = (await client.get("/cases?scope=mine", headers=TOKENS.headers("warga-b",
                                                                            "citizen"))).json()
    assert listed["total"] == 0


async def test_without_on_behalf_of_the_submitter_owns_the_case(
        client: httpx.AsyncClient) -> None:
    case = await _open(client)
    history = (await client.get(f"/cases/{case['id']}/history", headers=CITIZEN)).json()
    assert "assisted_by" not in history[0]["data"]
