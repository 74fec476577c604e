"""Authorisation straight against a service app (no gateway in front), issue 3:

* object level: a citizen neither reads nor acts on another citizen's case, on any route
  under ``/cases/{case_id}`` (the services have no document download route: a case's
  documents are only listed in the case itself);
* function level: an officer of one agency cannot act on another agency's step, even when
  the SOP involves both agencies so that the officer may *read* the case
  (``damkar-bantuan-kebakaran``: Damkar steps, then BPKAD steps, then the applicant's);
  a citizen cannot act on an officer step; no officer acts on an applicant step;
* tampered tokens (``tests.support.forgeries``) are refused with an opaque 401.

Every refusal writes nothing. Dukcapil runs on SQLite and, in the integration tier, on
PostgreSQL (row locks on the action route); Damkar on SQLite.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from services.damkar.app import create_app as create_damkar
from services.dukcapil.app import create_app as create_dukcapil
from shared.db import migrate
from shared.db.tables import CaseRow, DocumentRow, HistoryRow, OutboxRow
from tests.support.apps import rolled_back, running, runtime_of, service_settings, wiring
from tests.support.forgeries import FORGERIES, assert_refused_without_leak
from tests.support.sops import required_documents, route_to, sample_form, spot_sop
from tests.support.tokens import TestTokens

TOKENS = TestTokens()
KIA = "dukcapil-kia-0-5-tahun"
KIA_FORM = {"nik_anak": "1801014505240001", "nama_anak": "Siti Aminah",
            "tanggal_lahir_anak": "2024-05-05", "nomor_kk": "1801012202200003",
            "pengambilan": "ambil_di_mpp"}
BANTUAN = spot_sop("damkar", "damkar-bantuan-kebakaran")
PDF = b"%PDF-1.4 berkas rahasia warga A"

OWNER = TOKENS.headers("warga-a", "citizen")
OTHER_CITIZEN = TOKENS.headers("warga-b", "citizen")
ADMIN = TOKENS.headers("admin-1", "admin")
DK_OPERATOR = TOKENS.headers("op-dk", "disdukcapil:operator")
DK_KABID = TOKENS.headers("kabid-dk", "disdukcapil:kabid")


def officer(agency: str, role: str) -> dict[str, str]:
    return TOKENS.headers(f"petugas-{agency}-{role}", f"{agency}:{role}")


@dataclass
class Service:
    app: FastAPI
    client: httpx.AsyncClient

    async def counts(self) -> tuple[int, int, int, int]:
        async with runtime_of(self.app).sessions() as s:
            cases, history, outbox, documents = [
                await s.scalar(select(func.count()).select_from(t)) or 0
                for t in (CaseRow, HistoryRow, OutboxRow, DocumentRow)]
        return cases, history, outbox, documents

    async def snapshot(self, case_id: str) -> tuple[Any, ...]:
        async with runtime_of(self.app).sessions() as s:
            row = await s.get(CaseRow, case_id)
            assert row is not None
            return (row.status, row.step_id, row.seq, row.updated_at, row.form)

    async def open(self, sop_key: str, form: dict[str, Any], documents: list[str],
                   who: dict[str, str] = OWNER) -> dict[str, Any]:
        files = {k: (f"{k}.pdf", PDF, "application/pdf") for k in documents}
        response = await self.client.post(
            "/cases", headers=who, files=files,
            data={"data": json.dumps({"sop_key": sop_key, "form": form})})
        assert response.status_code == 201, response.text
        return dict(response.json())

    async def act(self, case_id: str, who: dict[str, str], action: str, *,
                  expect: int = 200, code: str | None = None, **extra: Any) -> dict[str, Any]:
        response = await self.client.post(f"/cases/{case_id}/actions", headers=who,
                                          json={"action": action, **extra})
        assert response.status_code == expect, (action, response.text)
        body = dict(response.json())
        if expect >= 400:
            assert response.headers["content-type"] == "application/problem+json"
        if code is not None:
            assert body["code"] == code, body
        return body

    async def refused(self, case_id: str, who: dict[str, str], action: str, expect: int,
                      code: str, **extra: Any) -> dict[str, Any]:
        """The attempt is refused and changes nothing at all."""
        before = (await self.counts(), await self.snapshot(case_id))
        body = await self.act(case_id, who, action, expect=expect, code=code, **extra)
        assert (await self.counts(), await self.snapshot(case_id)) == before
        return body


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql",
                                                                 marks=pytest.mark.integration)])
async def dukcapil_app(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
                       ) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    tmp = tmp_path_factory.mktemp("security-dk")
    if request.param == "postgresql":
        url = request.getfixturevalue("pg_url")
        await asyncio.to_thread(migrate.downgrade, url, "base")
    else:
        url = f"sqlite+aiosqlite:///{tmp / 'dukcapil.db'}"
    app = create_dukcapil(service_settings("dukcapil", url, Path(tmp)), wiring(TOKENS))
    async with running(app) as client:
        yield app, client


@pytest.fixture(scope="module")
async def damkar_app(tmp_path_factory: pytest.TempPathFactory
                     ) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    tmp = tmp_path_factory.mktemp("security-dm")
    app = create_damkar(service_settings("damkar", f"sqlite+aiosqlite:///{tmp / 'damkar.db'}",
                                         Path(tmp)), wiring(TOKENS))
    async with running(app) as client:
        yield app, client


@pytest.fixture
async def dukcapil(dukcapil_app: tuple[FastAPI, httpx.AsyncClient]) -> AsyncIterator[Service]:
    app, client = dukcapil_app
    async with rolled_back(app):
        yield Service(app, client)


@pytest.fixture
async def damkar(damkar_app: tuple[FastAPI, httpx.AsyncClient]) -> AsyncIterator[Service]:
    app, client = damkar_app
    async with rolled_back(app):
        yield Service(app, client)


async def open_kia(svc: Service) -> dict[str, Any]:
    return await svc.open(KIA, KIA_FORM, ["berkas_persyaratan"])


async def open_bantuan(svc: Service) -> dict[str, Any]:
    return await svc.open(BANTUAN.key, sample_form(BANTUAN), required_documents(BANTUAN))


def _without_request(problem: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in problem.items() if k not in ("request_id", "instance")}


# --- object level ------------------------------------------------------------------------------

def case_routes(app: FastAPI) -> list[tuple[str, str]]:
    """(method, path) of every route that names one case, read from the OpenAPI document
    rather than listed by hand, so a route added later (a document download, say) is
    covered too."""
    paths: dict[str, dict[str, Any]] = app.openapi()["paths"]
    return sorted((method.upper(), path) for path, ops in paths.items()
                  if "{case_id}" in path for method in ops)


def fill(path: str, case: dict[str, Any]) -> str:
    doc = case["documents"][0]["id"] if case["documents"] else "x"
    return (path.replace("{case_id}", case["id"]).replace("{document_id}", doc)
            .replace("{doc_id}", doc))


async def test_every_case_route_answers_another_citizen_as_if_the_case_did_not_exist(
        dukcapil: Service) -> None:
    case = await open_kia(dukcapil)
    routes = case_routes(dukcapil.app)
    assert ("GET", "/cases/{case_id}") in routes
    assert ("GET", "/cases/{case_id}/history") in routes
    assert ("POST", "/cases/{case_id}/actions") in routes
    missing = {**case, "id": "00000000-0000-4000-8000-000000000000"}
    before = (await dukcapil.counts(), await dukcapil.snapshot(case["id"]))
    for method, path in routes:
        body = {"action": "batalkan"} if method == "POST" else None
        theirs = await dukcapil.client.request(method, fill(path, case), headers=OTHER_CITIZEN,
                                               json=body)
        nothing = await dukcapil.client.request(method, fill(path, missing),
                                                headers=OTHER_CITIZEN, json=body)
        assert theirs.status_code == 404, (method, path, theirs.text)
        assert theirs.headers["content-type"] == "application/problem+json"
        assert theirs.json()["code"] == "case-not-found"
        # Indistinguishable from a case that does not exist: no existence oracle.
        assert _without_request(theirs.json()) == _without_request(nothing.json())
        for secret in (case["tracking_no"], KIA, KIA_FORM["nama_anak"], "berkas"):
            assert secret not in theirs.text
    assert (await dukcapil.counts(), await dukcapil.snapshot(case["id"])) == before
    for method, path in routes:
        if method == "GET":  # the owner reads the very same URLs
            mine = await dukcapil.client.get(fill(path, case), headers=OWNER)
            assert mine.status_code == 200, (path, mine.text)


async def test_another_citizen_sees_none_of_the_case_in_lists(dukcapil: Service) -> None:
    case = await open_kia(dukcapil)
    for scope in ("mine", "inbox"):
        listed = await dukcapil.client.get("/cases", headers=OTHER_CITIZEN,
                                           params={"scope": scope})
        assert listed.status_code == 200
        assert listed.json()["total"] == 0 and listed.json()["items"] == []
        assert case["tracking_no"] not in listed.text
    for params in ({"status": "open"}, {"sop_key": KIA}, {"scope": "inbox", "status": "open"}):
        assert (await dukcapil.client.get("/cases", headers=OTHER_CITIZEN, params=params)
                ).json()["total"] == 0
    assert (await dukcapil.client.get("/cases", headers=OWNER)).json()["total"] == 1


async def test_another_citizen_cannot_act_on_a_returned_case(dukcapil: Service) -> None:
    """While the case waits for its applicant, "the applicant" is still only its owner:
    another citizen can neither complete it (with an upload) nor withdraw it."""
    case = await open_kia(dukcapil)
    await dukcapil.act(case["id"], DK_OPERATOR, "teruskan")
    await dukcapil.act(case["id"], DK_OPERATOR, "tidak_lengkap", comment="KK tidak terbaca")
    before = (await dukcapil.counts(), await dukcapil.snapshot(case["id"]))
    completed = await dukcapil.client.post(
        f"/cases/{case['id']}/actions", headers=OTHER_CITIZEN,
        files={"berkas_persyaratan": ("lain.pdf", b"%PDF-1.4 milik B", "application/pdf")},
        data={"data": json.dumps({"action": "lengkapi"})})
    assert completed.status_code == 404 and completed.json()["code"] == "case-not-found"
    await dukcapil.refused(case["id"], OTHER_CITIZEN, "batalkan", 404, "case-not-found")
    assert (await dukcapil.counts(), await dukcapil.snapshot(case["id"])) == before
    shown = (await dukcapil.client.get(f"/cases/{case['id']}", headers=OWNER)).json()
    assert shown["status"] == "returned" and len(shown["documents"]) == 1


# --- function level: two agencies in one flow -----------------------------------------------

async def test_officer_of_the_second_agency_sees_the_case_only_once_it_arrives(
        damkar: Service) -> None:
    assert BANTUAN.agency == "damkar"
    assert {s.agency for s in BANTUAN.steps if s.agency} == {"bpkad"}
    case = await open_bantuan(damkar)
    assert case["current_step"]["id"] == "verifikasi_dokumen"
    assert case["current_step"]["agency"] == "damkar"
    bpkad_kabid = officer("bpkad", "kabid")

    # BPKAD's steps lie ahead: until the case reaches BPKAD, its officers cannot tell it
    # exists (need to know; the gateway's tracking view answers the same) ...
    for path in (f"/cases/{case['id']}", f"/cases/{case['id']}/history"):
        assert (await damkar.client.get(path, headers=bpkad_kabid)).status_code == 404
    # ... nor act on Damkar's step, not even with an action name its own step has later
    # (``terverifikasi`` is also the action of ``verifikasi_bpkad``), nor naming the step.
    assert "terverifikasi" in {a.name for a in BANTUAN.step("verifikasi_bpkad").actions}
    await damkar.refused(case["id"], bpkad_kabid, "terverifikasi", 404, "case-not-found")
    await damkar.refused(case["id"], bpkad_kabid, "terverifikasi", 404, "case-not-found",
                         step="verifikasi_dokumen")
    inbox = await damkar.client.get("/cases", headers=bpkad_kabid, params={"scope": "inbox"})
    assert inbox.json()["total"] == 0
    # An agency with no step in the flow cannot see it either.
    assert (await damkar.client.get(f"/cases/{case['id']}", headers=DK_OPERATOR)
            ).status_code == 404
    await damkar.refused(case["id"], DK_OPERATOR, "terverifikasi", 404, "case-not-found")

    # Once BPKAD holds the case, and after it has acted, BPKAD reads it; a later Damkar step
    # is still not BPKAD's to act on.
    for step_id, action in route_to(BANTUAN, "ttd_sekda")[1:]:
        step = BANTUAN.step(step_id)
        if step.agency == "bpkad" and step_id == "tinjau_bpkad":
            shown = await damkar.client.get(f"/cases/{case['id']}", headers=bpkad_kabid)
            assert shown.status_code == 200
            assert [a["name"] for a in shown.json()["actions"]] == ["ditinjau"]
        await damkar.act(case["id"], officer(step.agency or "damkar", step.actor), action)
    shown = await damkar.client.get(f"/cases/{case['id']}", headers=bpkad_kabid)
    assert shown.status_code == 200 and shown.json()["actions"] == []
    assert shown.json()["current_step"]["agency"] == "damkar"
    action = BANTUAN.step("ttd_sekda").actions[0].name
    refused = await damkar.refused(case["id"], bpkad_kabid, action, 403, "role-not-permitted")
    assert "damkar:operator" in refused["detail"]
    await damkar.refused(case["id"], officer("bpkad", "operator"), action, 403,
                         "role-not-permitted")  # Damkar's role name, BPKAD's agency


async def test_officer_of_the_first_agency_cannot_act_on_the_second_agencys_step(
        damkar: Service) -> None:
    case = await open_bantuan(damkar)
    for step_id, action in route_to(BANTUAN, "tinjau_bpkad")[1:]:
        step = BANTUAN.step(step_id)
        await damkar.act(case["id"], officer(step.agency or "damkar", step.actor), action)
    at = (await damkar.client.get(f"/cases/{case['id']}", headers=OWNER)).json()
    assert at["current_step"]["id"] == "tinjau_bpkad"
    assert at["current_step"]["agency"] == "bpkad"
    damkar_operator = officer("damkar", "operator")
    assert (await damkar.client.get(f"/cases/{case['id']}", headers=damkar_operator)
            ).json()["actions"] == []
    for who in (damkar_operator, officer("damkar", "kepala_dinas"), officer("damkar", "kabid"),
                officer("bpkad", "staf"), OWNER, ADMIN):
        await damkar.refused(case["id"], who, "ditinjau", 403, "role-not-permitted")
    inbox = await damkar.client.get("/cases", headers=officer("bpkad", "kabid"),
                                    params={"scope": "inbox"})
    assert [c["id"] for c in inbox.json()["items"]] == [case["id"]]
    moved = await damkar.act(case["id"], officer("bpkad", "kabid"), "ditinjau")
    assert moved["current_step"]["id"] == "ajukan_pencairan"


def wrong_principals(step_agency: str, actor: str, kind: str, touched: set[str]
                     ) -> list[tuple[str, dict[str, str], int, str]]:
    """Everyone who must not act at an officer or external step of ``BANTUAN``; an agency the
    case has not ``touched`` yet does not see it at all."""
    other = "bpkad" if step_agency == "damkar" else "damkar"
    unseen = (404, "case-not-found")
    seen = (403, "role-not-permitted") if other in touched else unseen
    other_role = "kabid" if other == "bpkad" else "operator"
    same_agency_roles = {"damkar": ("operator", "kepala_dinas", "kabid"),
                         "bpkad": ("kabid", "staf")}[step_agency]
    out = [("owner", OWNER, 403, "role-not-permitted"),
           ("other citizen", OTHER_CITIZEN, 404, "case-not-found"),
           ("admin", ADMIN, 403, "role-not-permitted"),
           ("same role, other agency", officer(other, actor), *seen),
           ("other agency", officer(other, other_role), *seen),
           ("agency outside the flow", officer("disdukcapil", actor), 404, "case-not-found")]
    out += [(f"{step_agency}:{r}", officer(step_agency, r), 403, "role-not-permitted")
            for r in same_agency_roles if r != actor]
    if kind == "external":
        out.append(("other agency's integration", officer(other, "integrasi"), *seen))
    return out


async def test_each_step_of_a_two_agency_flow_accepts_only_its_own_actor(
        damkar: Service) -> None:
    case = await open_bantuan(damkar)
    path = route_to(BANTUAN, "tanda_terima")
    assert path[0] == ("kirim_dokumen", "kirim")  # done by opening the case
    acted: set[str] = set()
    for step_id, action in path[1:]:
        step = BANTUAN.step(step_id)
        agency = step.agency or BANTUAN.agency
        assert (await damkar.snapshot(case["id"]))[1] == step_id
        touched = {BANTUAN.agency, agency} | acted
        for label, who, status, code in wrong_principals(agency, step.actor, step.kind,
                                                         touched):
            response = await damkar.client.post(f"/cases/{case['id']}/actions", headers=who,
                                                json={"action": action})
            assert (response.status_code, response.json()["code"]) == (status, code), (
                step_id, label, response.text)
        await damkar.act(case["id"], officer(agency, step.actor), action)
        acted.add(agency)

    # The applicant's step at the end of the flow: no officer signs for the applicant.
    assert (await damkar.snapshot(case["id"]))[:2] == ("open", "tanda_terima")
    for who in (officer("damkar", "operator"), officer("bpkad", "staf"),
                officer("bpkad", "kabid"), officer("damkar", "kepala_dinas"), ADMIN):
        await damkar.refused(case["id"], who, "tandatangani_tanda_terima", 403,
                             "not-case-owner")
        await damkar.refused(case["id"], who, "batalkan", 403, "not-case-owner")
    await damkar.refused(case["id"], OTHER_CITIZEN, "tandatangani_tanda_terima", 404,
                         "case-not-found")
    done = await damkar.act(case["id"], OWNER, "tandatangani_tanda_terima")
    assert done["status"] == "completed"


# --- function level: citizen on an officer step, officer on an applicant step ---------------

async def test_citizen_cannot_act_on_any_officer_action(dukcapil: Service) -> None:
    case = await open_kia(dukcapil)
    step = (await dukcapil.client.get(f"/cases/{case['id']}", headers=DK_OPERATOR)).json()
    names = [a["name"] for a in step["actions"]]
    assert names and "batalkan" not in names
    for action in names:
        await dukcapil.refused(case["id"], OWNER, action, 403, "role-not-permitted",
                               comment="saya setujui sendiri")


async def test_no_officer_acts_on_the_applicants_step_of_a_returned_case(
        dukcapil: Service) -> None:
    case = await open_kia(dukcapil)
    await dukcapil.act(case["id"], DK_OPERATOR, "teruskan")
    returned = await dukcapil.act(case["id"], DK_OPERATOR, "tidak_lengkap",
                                  comment="KK tidak terbaca")
    assert returned["status"] == "returned"
    assert returned["current_step"]["role"] == "pemohon"
    for who in (DK_OPERATOR, DK_KABID, officer("disdukcapil", "kadis"), ADMIN):
        assert (await dukcapil.client.get(f"/cases/{case['id']}", headers=who)
                ).json()["actions"] == []
        for action in ("lengkapi", "batalkan"):
            await dukcapil.refused(case["id"], who, action, 403, "not-case-owner")
        await dukcapil.refused(case["id"], who, "teruskan", 409, "action-not-available")
    resumed = await dukcapil.act(case["id"], OWNER, "lengkapi")
    assert resumed["status"] == "open"


async def test_no_officer_withdraws_a_citizens_open_case(dukcapil: Service) -> None:
    case = await open_kia(dukcapil)
    for who in (DK_OPERATOR, DK_KABID, ADMIN):
        await dukcapil.refused(case["id"], who, "batalkan", 403, "not-case-owner")
    assert (await dukcapil.act(case["id"], OWNER, "batalkan"))["status"] == "withdrawn"


# --- tampered tokens ----------------------------------------------------------------------------

@pytest.mark.parametrize("kind", sorted(FORGERIES))
async def test_forged_tokens_cannot_list_read_or_act(dukcapil: Service, kind: str) -> None:
    case = await open_kia(dukcapil)
    forge = FORGERIES[kind]
    before = (await dukcapil.counts(), await dukcapil.snapshot(case["id"]))
    attempts = [
        # The owner's own list, as the owner.
        ("GET", "/cases", forge(TOKENS, "warga-a", ["citizen"], "citizen"), None),
        # Anyone's case, as a platform admin.
        ("GET", f"/cases/{case['id']}", forge(TOKENS, "intruder"), None),
        # The operator's step, as an operator.
        ("POST", f"/cases/{case['id']}/actions",
         forge(TOKENS, "intruder", ["disdukcapil:operator"], "officer"), {"action": "teruskan"}),
    ]
    for method, path, token, body in attempts:
        response = await dukcapil.client.request(
            method, path, headers={"Authorization": f"Bearer {token}"}, json=body)
        assert_refused_without_leak(response, token, TOKENS)
        assert case["tracking_no"] not in response.text
    assert (await dukcapil.counts(), await dukcapil.snapshot(case["id"])) == before

    # The same claims, genuinely signed, are accepted: the forgery is what was refused.
    genuine = TOKENS.issuer.issue("warga-a", ["citizen"], "citizen")
    listed = await dukcapil.client.get("/cases", headers={"Authorization": f"Bearer {genuine}"})
    assert listed.status_code == 200 and listed.json()["total"] == 1
    real_operator = TOKENS.issuer.issue("intruder", ["disdukcapil:operator"], "officer")
    moved = await dukcapil.client.post(f"/cases/{case['id']}/actions",
                                       headers={"Authorization": f"Bearer {real_operator}"},
                                       json={"action": "teruskan"})
    assert moved.status_code == 200, moved.text
