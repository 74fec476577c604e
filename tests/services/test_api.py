"""The generic service API through the ASGI transport, on SQLite and on real PostgreSQL
(integration tier), with a rollback per test. Bad input answers problem+json 4xx and
writes nothing."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from services.dukcapil.app import create_app
from shared.db import migrate
from shared.db.tables import AuditRow, CaseRow, HistoryRow, OutboxRow
from tests.support.apps import rolled_back, running, runtime_of, service_settings, wiring
from tests.support.kia import FORM, KIA, PDF
from tests.support.tokens import TestTokens

TOKENS = TestTokens()
CITIZEN = TOKENS.headers("warga-a", "citizen")
OTHER_CITIZEN = TOKENS.headers("warga-b", "citizen")
OPERATOR = TOKENS.headers("op-1", "disdukcapil:operator")
KABID = TOKENS.headers("kabid-1", "disdukcapil:kabid")
FOREIGN_OFFICER = TOKENS.headers("op-9", "dpmptsp:operator")
AGENCY_ADMIN = TOKENS.headers("adm-1", "disdukcapil:admin")


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql",
                                                                 marks=pytest.mark.integration)])
async def app_client(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
                     ) -> AsyncIterator[tuple[object, httpx.AsyncClient]]:
    tmp = tmp_path_factory.mktemp("api")
    if request.param == "postgresql":
        url = request.getfixturevalue("pg_url")
        await asyncio.to_thread(migrate.downgrade, url, "base")
    else:
        url = f"sqlite+aiosqlite:///{tmp / 'dukcapil.db'}"
    app = create_app(service_settings("dukcapil", url, Path(tmp)), wiring(TOKENS))
    async with running(app) as client:
        yield app, client


@pytest.fixture
async def client(app_client: tuple[object, httpx.AsyncClient]) -> AsyncIterator[httpx.AsyncClient]:
    app, http = app_client
    async with rolled_back(app):  # type: ignore[arg-type]
        yield http


async def _counts(app: object) -> tuple[int, int, int]:
    runtime = runtime_of(app)  # type: ignore[arg-type]
    async with runtime.sessions() as s:
        return (await s.scalar(select(func.count()).select_from(CaseRow)) or 0,
                await s.scalar(select(func.count()).select_from(HistoryRow)) or 0,
                await s.scalar(select(func.count()).select_from(OutboxRow)) or 0)


async def _open(client: httpx.AsyncClient) -> dict:
    response = await client.post("/cases", headers=CITIZEN, files={"berkas_persyaratan": PDF},
                                 data={"data": json.dumps({"sop_key": KIA, "form": FORM})})
    assert response.status_code == 201, response.text
    return response.json()


async def test_open_act_and_history(client: httpx.AsyncClient) -> None:
    case = await _open(client)
    assert case["status"] == "open" and case["current_step"]["id"] == "verifikasi_permohonan"
    assert case["form"]["nik_anak"] == FORM["nik_anak"] and case["masked"] == []  # the owner
    assert case["documents"][0]["key"] == "berkas_persyaratan"
    assert [a["name"] for a in case["actions"]] == ["batalkan"]
    moved = await client.post(f"/cases/{case['id']}/actions", headers=OPERATOR,
                              json={"action": "teruskan", "step": "verifikasi_permohonan"})
    assert moved.status_code == 200
    assert moved.json()["current_step"]["id"] == "verifikasi_berkas"
    assert moved.json()["form"]["nik_anak"] == "1801********0001"  # an officer: masked
    assert "nik_anak" in moved.json()["masked"]
    history = (await client.get(f"/cases/{case['id']}/history", headers=CITIZEN)).json()
    assert [h["event"] for h in history] == ["case.submitted", "case.step_completed"]
    assert history[1]["actor_role"] == "operator" and history[1]["actor_agency"] == "disdukcapil"
    mine = (await client.get("/cases", headers=CITIZEN)).json()
    assert mine["total"] == 1 and mine["items"][0]["tracking_no"] == case["tracking_no"]
    inbox = (await client.get("/cases?scope=inbox", headers=OPERATOR)).json()
    assert [c["id"] for c in inbox["items"]] == [case["id"]]
    assert (await client.get("/cases?scope=inbox", headers=KABID)).json()["total"] == 0


async def test_return_and_resubmit_through_the_api(client: httpx.AsyncClient) -> None:
    case = await _open(client)
    url = f"/cases/{case['id']}/actions"
    await client.post(url, headers=OPERATOR, json={"action": "teruskan"})
    returned = await client.post(url, headers=OPERATOR,
                                 json={"action": "tidak_lengkap", "comment": "Foto buram"})
    assert returned.json()["status"] == "returned"
    assert returned.json()["current_step"]["role"] == "pemohon"
    assert {a["name"] for a in (await client.get(f"/cases/{case['id']}", headers=CITIZEN)
                                ).json()["actions"]} == {"lengkapi", "batalkan"}
    again = await client.post(url, headers=CITIZEN, files={"berkas_persyaratan": PDF},
                              data={"data": json.dumps({"action": "lengkapi"})})
    assert again.status_code == 200 and again.json()["status"] == "open"
    assert again.json()["current_step"]["id"] == "verifikasi_berkas"


@pytest.mark.parametrize(("who", "body", "status", "code"), [
    (KABID, {"action": "teruskan"}, 403, "role-not-permitted"),
    (FOREIGN_OFFICER, {"action": "teruskan"}, 404, "case-not-found"),
    (CITIZEN, {"action": "teruskan"}, 403, "role-not-permitted"),
    (OTHER_CITIZEN, {"action": "teruskan"}, 404, "case-not-found"),
    (OPERATOR, {"action": "terbang"}, 409, "action-not-available"),
    (OPERATOR, {"action": "teruskan", "step": "tte_kadis"}, 409, "wrong-step"),
    (OPERATOR, {"action": "teruskan", "role": "admin"}, 422, "validation-error"),
    (OPERATOR, {}, 422, "validation-error"),
    (OPERATOR, {"action": "teruskan", "form": {"nik_anak": "xx", "bogus": [1, 2]}}, 422,
     "form-not-accepted"),
    (CITIZEN, {"action": "batalkan", "form": {"nama_anak": "Lain"}}, 422, "form-not-accepted"),
])
async def test_bad_actions_are_refused_and_write_nothing(
        client: httpx.AsyncClient, app_client: tuple[object, httpx.AsyncClient], who: dict,
        body: dict, status: int, code: str) -> None:
    case = await _open(client)
    before = await _counts(app_client[0])
    response = await client.post(f"/cases/{case['id']}/actions", headers=who, json=body)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == code and response.json()["detail"]
    assert await _counts(app_client[0]) == before


async def test_acting_on_a_closed_case(client: httpx.AsyncClient,
                                       app_client: tuple[object, httpx.AsyncClient]) -> None:
    case = await _open(client)
    url = f"/cases/{case['id']}/actions"
    assert (await client.post(url, headers=CITIZEN, json={"action": "batalkan"})).json()[
        "status"] == "withdrawn"
    before = await _counts(app_client[0])
    for who, action in ((OPERATOR, "teruskan"), (CITIZEN, "batalkan")):
        response = await client.post(url, headers=who, json={"action": action})
        assert response.status_code == 409 and response.json()["code"] == "case-closed"
        assert "withdrawn" in response.json()["detail"]
    assert await _counts(app_client[0]) == before


@pytest.mark.parametrize(("body", "status", "code"), [
    ({"sop_key": "tidak-ada", "form": FORM}, 404, "sop-not-found"),
    ({"sop_key": KIA, "form": {**FORM, "nik_anak": "12"}}, 422, "invalid-submission"),
    ({"sop_key": KIA}, 422, "invalid-submission"),
    ({"form": FORM}, 422, "validation-error"),
    ("bukan json", 422, "validation-error"),
])
async def test_bad_submissions_write_nothing(client: httpx.AsyncClient,
                                             app_client: tuple[object, httpx.AsyncClient],
                                             body: object, status: int, code: str) -> None:
    before = await _counts(app_client[0])
    content = body if isinstance(body, str) else json.dumps(body)
    response = await client.post("/cases", headers={**CITIZEN, "content-type":
                                                    "application/json"}, content=content)
    assert response.status_code == status, response.text
    problem = response.json()
    assert problem["code"] == code and problem["status"] == status
    assert FORM["nik_anak"] not in response.text
    assert await _counts(app_client[0]) == before


def _codes(errors: list[dict] | None) -> list[dict] | None:
    """The errors without their messages (checked apart), for exact comparison."""
    if errors is None:
        return None
    assert all(e["message"] for e in errors)
    return [{k: v for k, v in e.items() if k != "message"} for e in errors]


@pytest.mark.parametrize(("content_type", "content", "status", "errors"), [
    ("application/json", "bukan json", 422,
     [{"field": "body", "problem": "invalid-json", "position": 0}]),
    ("application/x-www-form-urlencoded", "sop_key=x", 415, None),
    ("text/plain", "{}", 415, None),
])
async def test_an_unreadable_body_says_why(client: httpx.AsyncClient, content_type: str,
                                           content: str, status: int, errors: object) -> None:
    response = await client.post("/cases", headers={**CITIZEN, "content-type": content_type},
                                 content=content)
    assert response.status_code == status, response.text
    assert _codes(response.json().get("errors")) == errors
    assert response.json()["detail"] and response.headers["content-language"] == "id"
    if status == 415:
        assert content_type in response.json()["detail"]


async def test_a_multipart_body_without_its_data_part(client: httpx.AsyncClient) -> None:
    response = await client.post("/cases", headers=CITIZEN, files={"berkas_persyaratan": PDF})
    assert response.status_code == 422
    assert _codes(response.json()["errors"]) == [{"field": "data", "problem": "missing"}]
    assert response.json()["errors"][0]["message"] == "Wajib diisi."


async def test_invalid_submission_lists_every_field(client: httpx.AsyncClient) -> None:
    response = await client.post("/cases", headers={**CITIZEN, "Accept-Language": "en"},
                                 json={"sop_key": KIA, "form": {"nik_anak": "123"}})
    problem = response.json()
    assert problem["detail"] == "The form or documents do not meet the requirements."
    fields = {e["field"] for e in problem["errors"]}
    assert {"nik_anak", "nama_anak", "tanggal_lahir_anak", "nomor_kk", "pengambilan",
            "documents.berkas_persyaratan"} <= fields


async def test_unauthenticated_and_tampered(client: httpx.AsyncClient) -> None:
    assert (await client.get("/cases")).status_code == 401
    forged = TestTokens().headers("warga-a", "citizen")
    response = await client.get("/cases", headers=forged)
    assert response.status_code == 401 and response.json()["code"] == "unauthenticated"


async def test_catalog_and_service_standard(client: httpx.AsyncClient) -> None:
    sops = (await client.get("/sops")).json()
    assert len(sops) == len({s["key"] for s in sops}) and KIA in {s["key"] for s in sops}
    std = (await client.get(f"/sops/{KIA}/standard")).json()
    assert std["total_time"]["label"] == "1 jam 40 menit"
    assert std["cost"] == "Tidak dipungut biaya (gratis)"
    assert [s["nomor"] for s in std["procedure"]] == [1, 2, 3, 4, 5, 6]
    html = await client.get(f"/sops/{KIA}/standard", headers={"Accept": "text/html"})
    assert html.headers["content-type"].startswith("text/html")
    assert "KARTU IDENTITAS ANAK" in html.text and "1 jam 40 menit" in html.text
    missing = await client.get("/sops/tidak-ada/standard")
    assert missing.status_code == 404 and missing.json()["code"] == "sop-not-found"


async def test_publishing_a_new_version_keeps_running_cases(
        client: httpx.AsyncClient, app_client: tuple[object, httpx.AsyncClient]) -> None:
    case = await _open(client)
    definition = (await client.get(f"/sops/{KIA}")).json()
    definition["steps"][1]["time"] = "15 menit"
    assert (await client.post("/sops", headers=FOREIGN_OFFICER, json=definition)
            ).status_code == 403
    published = await client.post("/sops", headers=AGENCY_ADMIN, json=definition)
    assert published.status_code == 201, published.text
    assert published.json()["version"] == 2
    versions = (await client.get(f"/sops/{KIA}/versions")).json()
    assert [v["version"] for v in versions] == [1, 2]
    assert (await client.get(f"/cases/{case['id']}", headers=CITIZEN)).json()["sop_version"] == 1
    newer = await _open(client)
    assert newer["sop_version"] == 2
    runtime = runtime_of(app_client[0])  # type: ignore[arg-type]
    async with runtime.sessions() as s:
        audit = (await s.scalars(select(AuditRow).where(AuditRow.action == "sop.published"))
                 ).all()
    assert [a.target for a in audit] == [f"dukcapil/{KIA}@v2"]


async def test_an_invalid_definition_is_refused_with_every_problem(
        client: httpx.AsyncClient) -> None:
    definition = (await client.get(f"/sops/{KIA}")).json()
    definition["steps"][1]["actions"][0]["to"] = "tidak_ada"
    definition["steps"][2]["actor"] = "bupati"
    response = await client.post("/sops", headers=AGENCY_ADMIN, json=definition)
    assert response.status_code == 422 and response.json()["code"] == "sop-invalid"
    messages = " | ".join(e["message"] for e in response.json()["errors"])
    assert "tidak_ada" in messages and "bupati" in messages
    assert len((await client.get(f"/sops/{KIA}/versions")).json()) == 1


async def test_schema_and_flow_problems_are_listed_together(client: httpx.AsyncClient) -> None:
    """A definition failing the schema is still checked as a flow: the author sees all."""
    definition = (await client.get(f"/sops/{KIA}")).json()
    definition["steps"][1]["actions"][0]["to"] = "tidak_ada"  # flow: a dangling target
    definition["steps"][2]["actor"] = "bupati"                # flow: an unknown role
    flow_only = (await client.post("/sops", headers=AGENCY_ADMIN, json=definition)).json()
    definition["form"][0]["type"] = "warna"                   # schema: not a field type
    response = await client.post("/sops", headers=AGENCY_ADMIN, json=definition)
    assert response.status_code == 422 and response.json()["code"] == "sop-invalid"
    errors = response.json()["errors"]
    assert [e.get("field") for e in errors if e.get("field")] == ["form.0.type"]
    assert [e for e in errors if not e.get("field")] == flow_only["errors"]
    messages = " | ".join(e["message"] for e in errors)
    assert "tidak_ada" in messages and "bupati" in messages
    assert len((await client.get(f"/sops/{KIA}/versions")).json()) == 1


async def test_a_step_missing_its_actor_hides_no_other_problem(client: httpx.AsyncClient) -> None:
    definition = (await client.get(f"/sops/{KIA}")).json()
    del definition["steps"][2]["actor"]
    definition["steps"][1]["time"] = "sebentar"
    response = await client.post("/sops", headers=AGENCY_ADMIN, json=definition)
    errors = response.json()["errors"]
    step2, step1 = definition["steps"][2]["id"], definition["steps"][1]["id"]
    assert [(e["step"], e.get("field")) for e in errors] == [
        (step2, "steps.2.actor"), (step1, None)], errors
    assert "sebentar" in errors[1]["message"]


async def test_officers_read_personal_data_masked_and_unmask_it_audited(
        client: httpx.AsyncClient, app_client: tuple[object, httpx.AsyncClient]) -> None:
    case = await _open(client)
    assert case["form"]["nik_anak"] == FORM["nik_anak"]  # the applicant's own answer: in full
    inbox = await client.get("/cases", headers=OPERATOR, params={"scope": "inbox"})
    listed = next(c for c in inbox.json()["items"] if c["id"] == case["id"])
    assert listed["form"]["nik_anak"] != FORM["nik_anak"]
    assert listed["form"]["nama_anak"] != FORM["nama_anak"]
    assert listed["form"]["pengambilan"] == FORM["pengambilan"]  # not personal: as given
    runtime = runtime_of(app_client[0])  # type: ignore[arg-type]

    async def reads() -> list[str]:
        async with runtime.sessions() as s:
            rows = await s.scalars(select(AuditRow).where(AuditRow.action == "pii.unmask"))
            return [r.target for r in rows]

    shown = (await client.get(f"/cases/{case['id']}", headers=OPERATOR)).json()
    assert shown["form"]["nik_anak"] == "1801********0001" and "nik_anak" in shown["masked"]
    assert await reads() == []  # reading masked reveals nothing, so nothing to audit
    revealed = await client.post(f"/cases/{case['id']}/unmask", headers=OPERATOR,
                                 json={"reason": "Cocokkan NIK dengan KK"})
    assert revealed.status_code == 200, revealed.text
    assert revealed.json()["form"]["nik_anak"] == FORM["nik_anak"]
    assert await reads() == [f"case/{case['id']}"]


async def test_field_problems_are_explained_in_the_callers_language(
        client: httpx.AsyncClient) -> None:
    case = await _open(client)
    url = f"/cases/{case['id']}/actions"
    body = {"action": 5, "comment": "x" * 5000}
    indonesian = (await client.post(url, headers=OPERATOR, json=body)).json()
    english = (await client.post(url, headers={**OPERATOR, "Accept-Language": "en"},
                                 json=body)).json()
    by_field = {e["field"]: e for e in indonesian["errors"]}
    assert by_field["action"]["problem"] == "string_type"
    assert by_field["action"]["message"] == "Harus berupa teks."
    assert by_field["comment"]["message"].startswith("Terlalu panjang (maksimal")
    assert {e["field"]: e["message"] for e in english["errors"]}["action"] == "Must be text."
    # The engine's own form checks carry messages too.
    bad = await client.post("/cases", headers=CITIZEN,
                            json={"sop_key": KIA, "form": {**FORM, "nik_anak": "12"}})
    nik = next(e for e in bad.json()["errors"] if e["field"] == "nik_anak")
    assert nik["message"] == "NIK harus terdiri dari 16 angka."


@pytest.mark.parametrize("path", [
    "/cases?offset=99999999999999999999", "/cases?offset=-1", "/cases?status=bogus",
    "/cases?scope=inbox&status=selesai", f"/sops/{KIA}?version=99999999999999999999",
    f"/sops/{KIA}/standard?version=0", f"/sops/{KIA}/standard?version=99999999999999999999",
])
async def test_out_of_range_query_parameters_are_a_422_not_a_500(
        client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path, headers=OPERATOR if "inbox" in path else CITIZEN)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["code"] == "validation-error"
    assert problem["errors"] and all(e["message"] for e in problem["errors"])
