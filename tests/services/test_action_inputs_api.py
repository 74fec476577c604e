"""Officer actions with declared inputs through a service's HTTP API (umum): the case
view offers them (``accepts``); the action is refused with a 422 problem naming each missing
field and document and writes nothing; taken with them, the values are stored per step apart
from the applicant's form (personal ones encrypted at rest), the documents in the case's
document store under the officer's account, the history names both without values, officers
read them (personal values masked) and download the documents, and the applicant sees only
the documents the SOP makes visible to them. On SQLite and, in the integration tier, on a
fresh PostgreSQL database."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlmodel import col

from services.umum.app import create_app
from shared.db.tables import CaseRow, DocumentRow, HistoryRow, OutboxRow
from tests.shared.documents.samples import image
from tests.support.apps import running, runtime_of, service_settings, wiring
from tests.support.tokens import TestTokens

TOKENS = TestTokens()
KEY = "umum-uji-peninjauan"
CITIZEN = TOKENS.headers("warga-a", "citizen")
ADMIN = TOKENS.headers("adm-pdam", "pdam:admin")
SURVEYOR = TOKENS.headers("petugas-survei", "pdam:bagian_perencanaan_distribusi")
HUBLANG = TOKENS.headers("petugas-hublang", "pdam:bagian_hublang")
PDF = b"%PDF-1.4 berita acara peninjauan lapangan"
WITNESS = "Budi Santoso"
DEFINITION: dict[str, Any] = {
    "key": KEY, "title": "UJI PENINJAUAN LAPANGAN", "agency": "pdam",
    "form": [{"name": "alamat", "label": "Alamat", "type": "text", "personal": True}],
    "documents": [{"key": "surat_permohonan", "label": "Surat permohonan"}],
    "steps": [
        {"id": "pengajuan", "actor": "pemohon", "kind": "applicant", "activity": "Ajukan",
         "actions": [{"name": "ajukan", "to": "peninjauan"}]},
        {"id": "peninjauan", "actor": "bagian_perencanaan_distribusi", "time": "1 hari kerja",
         "activity": "Peninjauan lokasi", "actions": [
             {"name": "ditinjau", "label": "Lokasi ditinjau", "to": "pengesahan",
              "fields": [{"name": "hasil", "label": "Hasil peninjauan", "type": "choice",
                          "choices": ["layak", "tidak_layak"]},
                         {"name": "jarak_pipa", "label": "Jarak ke pipa (m)",
                          "type": "number"},
                         {"name": "saksi", "label": "Nama saksi", "personal": True,
                          "required": False}],
              "documents": [{"key": "berita_acara", "label": "Berita Acara Peninjauan"},
                            {"key": "denah_lokasi", "label": "Gambar Denah Lokasi",
                             "required": False, "applicant_visible": True}]},
             {"name": "kembalikan", "kind": "return", "deadline": "3 hari kerja"}]},
        {"id": "pengesahan", "actor": "bagian_hublang", "time": "1 hari kerja",
         "activity": "Pengesahan", "actions": [{"name": "sahkan", "to": "@completed"}]},
    ]}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgresql":
        return str(request.getfixturevalue("fresh_pg_url"))
    return f"sqlite+aiosqlite:///{tmp_path / 'umum.db'}"


@pytest.fixture
async def umum_app(url: str, tmp_path: Path) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    """The umum service on a fresh database (SQLite, or in the integration tier a new
    PostgreSQL database), with the test SOP published by the agency's admin."""
    app = create_app(service_settings("umum", url, tmp_path), wiring(TOKENS))
    async with running(app) as http:
        published = await http.post("/sops", headers=ADMIN, json=DEFINITION)
        assert published.status_code == 201, published.text
        yield app, http


@pytest.fixture
def client(umum_app: tuple[FastAPI, httpx.AsyncClient]) -> httpx.AsyncClient:
    return umum_app[1]


async def _opened(client: httpx.AsyncClient) -> dict[str, Any]:
    response = await client.post(
        "/cases", headers=CITIZEN, files={"surat_permohonan": ("surat.pdf", PDF,
                                                              "application/pdf")},
        data={"data": json.dumps({"sop_key": KEY, "form": {"alamat": "Jl. Lintas 1"}})})
    assert response.status_code == 201, response.text
    case = response.json()
    assert case["current_step"]["id"] == "peninjauan"
    return case


async def _written(app: FastAPI, case_id: str) -> tuple[Any, ...]:
    """Everything an action writes about the case: state, history, outbox, documents."""
    async with runtime_of(app).sessions() as session:
        row = await session.get(CaseRow, case_id)
        assert row is not None
        await session.refresh(row)
        count = [await session.scalar(select(func.count()).select_from(t).where(c == case_id))
                 for t, c in ((HistoryRow, col(HistoryRow.case_id)),
                              (DocumentRow, col(DocumentRow.case_id)),
                              (OutboxRow, col(OutboxRow.key)))]
        return (row.status, row.step_id, row.seq, dict(row.form), dict(row.officer_data),
                *count)


def _multipart(action: str, form: dict[str, Any] | None, **files: tuple[str, bytes, str]
               ) -> dict[str, Any]:
    body = {"action": action, "step": "peninjauan", **({"form": form} if form else {})}
    return {"data": {"data": json.dumps(body)}, "files": files}


async def test_the_case_view_offers_what_the_officer_action_takes(
        client: httpx.AsyncClient) -> None:
    case = await _opened(client)
    shown = (await client.get(f"/cases/{case['id']}", headers=SURVEYOR)).json()
    ditinjau = next(a for a in shown["actions"] if a["name"] == "ditinjau")
    assert ditinjau["accepts"]["fields"] == [
        {"key": "hasil", "label": "Hasil peninjauan", "required": True, "type": "choice",
         "choices": ["layak", "tidak_layak"]},
        {"key": "jarak_pipa", "label": "Jarak ke pipa (m)", "required": True,
         "type": "number"},
        {"key": "saksi", "label": "Nama saksi", "required": False, "type": "string"}]
    assert [(d["key"], d["required"], d["types"][0]) for d in ditinjau["accepts"]["documents"]
            ] == [("berita_acara", True, "application/pdf"),
                  ("denah_lokasi", False, "application/pdf")]
    kembalikan = next(a for a in shown["actions"] if a["name"] == "kembalikan")
    assert kembalikan["accepts"] is None
    assert shown["officer_inputs"] == []


async def test_without_what_it_needs_the_action_is_refused_and_nothing_is_written(
        client: httpx.AsyncClient, umum_app: tuple[FastAPI, httpx.AsyncClient]) -> None:
    app = umum_app[0]
    case = await _opened(client)
    before = await _written(app, case["id"])
    url = f"/cases/{case['id']}/actions"
    bare = await client.post(url, headers=SURVEYOR, json={"action": "ditinjau"})
    assert bare.status_code == 422
    assert bare.headers["content-type"].startswith("application/problem+json")
    problem = bare.json()
    assert problem["code"] == "action-inputs-invalid"
    assert [(e["field"], e["problem"]) for e in problem["errors"]] == [
        ("hasil", "required"), ("jarak_pipa", "required"), ("documents.berita_acara", "required")]
    assert problem["errors"][0]["message"] == "Wajib diisi."
    with_document = await client.post(url, headers=SURVEYOR, **_multipart(
        "ditinjau", {"hasil": "layak"}, berita_acara=("ba.pdf", PDF, "application/pdf")))
    assert with_document.status_code == 422
    assert [(e["field"], e["problem"]) for e in with_document.json()["errors"]] == [
        ("jarak_pipa", "required")]
    not_a_pdf = await client.post(url, headers=SURVEYOR, **_multipart(
        "ditinjau", {"hasil": "layak", "jarak_pipa": 4},
        berita_acara=("ba.pdf", b"<html>bukan pdf</html>", "application/pdf")))
    assert not_a_pdf.status_code == 422 and not_a_pdf.json()["code"] == "document-refused"
    assert await _written(app, case["id"]) == before


async def test_taken_with_its_inputs_they_are_kept_recorded_and_shown_to_officers(
        client: httpx.AsyncClient, umum_app: tuple[FastAPI, httpx.AsyncClient]) -> None:
    app = umum_app[0]
    case = await _opened(client)
    png = image("PNG")
    done = await client.post(f"/cases/{case['id']}/actions", headers=SURVEYOR, **_multipart(
        "ditinjau", {"hasil": "layak", "jarak_pipa": 12.5, "saksi": WITNESS},
        berita_acara=("ba.pdf", PDF, "application/pdf"),
        denah_lokasi=("denah.png", png, "image/png")))
    assert done.status_code == 200, done.text
    assert done.json()["current_step"]["id"] == "pengesahan"

    async with runtime_of(app).sessions() as session:
        row = await session.get(CaseRow, case["id"])
        assert row is not None
        record = row.officer_data["peninjauan"]
        docs = list(await session.scalars(select(DocumentRow).where(
            col(DocumentRow.case_id) == case["id"])))
        outbox = " ".join(await session.scalars(select(col(OutboxRow.payload)).where(
            col(OutboxRow.key) == case["id"])))
    assert (record["action"], record["seq"]) == ("ditinjau", 2)
    assert record["values"]["hasil"] == "layak" and record["values"]["jarak_pipa"] == 12.5
    assert record["values"]["saksi"].startswith("enc:v1:") and WITNESS not in json.dumps(record)
    assert set(row.form) == {"alamat"}  # the applicant's form is untouched
    assert {(d.key, d.uploaded_by, d.content_type) for d in docs} == {
        ("surat_permohonan", "warga-a", "application/pdf"),
        ("berita_acara", "petugas-survei", "application/pdf"),
        ("denah_lokasi", "petugas-survei", "image/png")}
    assert WITNESS not in outbox and '"inputs"' in outbox

    history = (await client.get(f"/cases/{case['id']}/history", headers=HUBLANG)).json()
    assert history[-1]["action"] == "ditinjau"
    assert sorted(history[-1]["documents"]) == ["berita_acara", "denah_lokasi"]
    assert history[-1]["data"]["inputs"] == {"fields": ["hasil", "jarak_pipa", "saksi"],
                                             "documents": ["berita_acara", "denah_lokasi"]}
    assert WITNESS not in json.dumps(history)

    officer = (await client.get(f"/cases/{case['id']}", headers=HUBLANG)).json()
    (inputs,) = officer["officer_inputs"]
    assert (inputs["step"], inputs["action"], inputs["seq"]) == ("peninjauan", "ditinjau", 2)
    values = {f["name"]: (f["label"], f["value"], f["masked"]) for f in inputs["fields"]}
    assert values["hasil"] == ("Hasil peninjauan", "layak", False)
    assert values["jarak_pipa"] == ("Jarak ke pipa (m)", 12.5, False)
    assert values["saksi"][0] == "Nama saksi" and values["saksi"][2] is True
    assert values["saksi"][1] != WITNESS and values["saksi"][1].startswith("B")
    listed = {d["key"]: d for d in officer["documents"]}
    assert set(listed) == {"surat_permohonan", "berita_acara", "denah_lokasi"}
    got = await client.get(listed["berita_acara"]["url"], headers=HUBLANG)
    assert got.status_code == 200 and got.content == PDF
    labelled = (await client.get(f"/cases/{case['id']}/documents", headers=HUBLANG)).json()
    assert {d["key"]: d["label"] for d in labelled}["berita_acara"] == "Berita Acara Peninjauan"

    mine = (await client.get(f"/cases/{case['id']}", headers=CITIZEN)).json()
    assert mine["officer_inputs"] == []
    assert {d["key"] for d in mine["documents"]} == {"surat_permohonan", "denah_lokasi"}
    mine_listed = (await client.get(f"/cases/{case['id']}/documents", headers=CITIZEN)).json()
    assert {d["key"] for d in mine_listed} == {"surat_permohonan", "denah_lokasi"}
    hidden = await client.get(listed["berita_acara"]["url"], headers=CITIZEN)
    assert hidden.status_code == 404 and hidden.json()["code"] == "document-not-found"
    shown = await client.get(listed["denah_lokasi"]["url"], headers=CITIZEN)
    assert shown.status_code == 200 and shown.content == png
