"""Case documents through a service's HTTP API (no gateway): the list and download routes
under the case's read rule for every kind of caller, the download headers, the content
checks that refuse a whole request (nothing stored, in the database or on disk), the size
limit, and the database store shared by two replicas of a service.

Fixtures (``dukcapil``: SQLite and, in the integration tier, PostgreSQL) in ``conftest.py``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlmodel import col

from services.dukcapil.app import create_app as create_dukcapil
from shared.db import migrate
from shared.db.tables import AuditRow
from shared.documents.storage import CHUNK
from shared.documents.tables import DocumentBlobRow
from tests.services.security_harness import (
    ADMIN,
    DK_OPERATOR,
    KIA,
    KIA_FORM,
    OTHER_CITIZEN,
    OWNER,
    PDF,
    TOKENS,
    Service,
    officer,
    open_kia,
)
from tests.shared.documents.samples import ELF, HTML, PE_EXE, SVG_SCRIPT, image, pdf
from tests.support.apps import running, runtime_of, service_settings, wiring

DOC = "berkas_persyaratan"


def stored_files(svc: Service) -> set[str]:
    root = runtime_of(svc.app).settings.documents_dir
    return {p.name for p in root.iterdir()} if root.exists() else set()


async def submit(svc: Service, files: dict[str, tuple[str, bytes, str]],
                 who: dict[str, str] = OWNER) -> httpx.Response:
    return await svc.client.post("/cases", headers=who, files=files,
                                 data={"data": json.dumps({"sop_key": KIA, "form": KIA_FORM})})


def doc_url(case: dict[str, Any]) -> str:
    return f"/cases/{case['id']}/documents/{case['documents'][0]['id']}"


# --- who may read ---------------------------------------------------------------------------

@pytest.mark.parametrize(("who", "status"), [
    (OWNER, 200), (OTHER_CITIZEN, 404), (DK_OPERATOR, 200), (officer("bpkad", "kabid"), 404),
    (officer("damkar", "operator"), 404), (ADMIN, 200), ({}, 401),
])
async def test_download_and_list_follow_the_cases_read_rule(
        dukcapil: Service, who: dict[str, str], status: int) -> None:
    case = await open_kia(dukcapil)
    download = await dukcapil.client.get(doc_url(case), headers=who)
    listing = await dukcapil.client.get(f"/cases/{case['id']}/documents", headers=who)
    assert download.status_code == listing.status_code == status, download.text
    if status == 200:
        assert download.content == PDF
        [doc] = listing.json()
        assert doc["key"] == DOC and doc["url"] == case["documents"][0]["url"]
    else:
        assert download.headers["content-type"] == "application/problem+json"
        assert download.json()["code"] == ("case-not-found" if status == 404
                                           else "unauthenticated")
        assert PDF not in download.content and "berkas" not in download.text


async def test_an_officers_download_is_audited_the_applicants_is_not(dukcapil: Service) -> None:
    case = await open_kia(dukcapil)
    assert (await dukcapil.client.get(doc_url(case), headers=OWNER)).status_code == 200
    assert (await dukcapil.client.get(doc_url(case), headers=DK_OPERATOR)).status_code == 200
    async with runtime_of(dukcapil.app).sessions() as s:
        rows = list(await s.scalars(select(AuditRow).where(
            col(AuditRow.action) == "document.read")))
    assert [(r.actor_id, r.detail) for r in rows] == [("op-dk", {"key": DOC})]
    assert rows[0].target == f"case/{case['id']}/document/{case['documents'][0]['id']}"


async def test_an_unknown_document_of_a_visible_case_has_its_own_code(dukcapil: Service) -> None:
    case = await open_kia(dukcapil)
    for lang, text in (("id", "Dokumen tidak ditemukan"), ("en", "document was not found")):
        missing = await dukcapil.client.get(
            f"/cases/{case['id']}/documents/00000000-0000-4000-8000-000000000000",
            headers={**OWNER, "Accept-Language": lang})
        assert missing.status_code == 404
        assert missing.json()["code"] == "document-not-found" and text in missing.json()["detail"]


# --- what the download looks like ----------------------------------------------------------

async def test_download_headers(dukcapil: Service) -> None:
    body = pdf()
    name = "Akta kelahiran \u00e9 (asli) \u540d.pdf"
    opened = await submit(dukcapil, {DOC: (name, body, "application/pdf")})
    assert opened.status_code == 201, opened.text
    case = opened.json()
    [doc] = case["documents"]
    assert doc["content_type"] == "application/pdf" and doc["filename"] == name
    got = await dukcapil.client.get(doc_url(case), headers=OWNER)
    assert got.status_code == 200 and got.content == body
    assert got.headers["content-type"] == "application/pdf"
    assert got.headers["content-length"] == str(len(body))
    assert got.headers["x-content-type-options"] == "nosniff"
    assert got.headers["cache-control"] == "private, no-store"
    assert got.headers["content-disposition"] == (
        'attachment; filename="Akta kelahiran e (asli) _.pdf"; '
        "filename*=UTF-8''Akta%20kelahiran%20%C3%A9%20%28asli%29%20%E5%90%8D.pdf")
    [listed] = (await dukcapil.client.get(f"/cases/{case['id']}/documents",
                                          headers=OWNER)).json()
    assert listed == {"id": doc["id"], "key": DOC, "label": "Berkas persyaratan (akta kelahiran,"
                      " KK)", "filename": name, "content_type": "application/pdf",
                      "size": len(body), "sha256": doc["sha256"],
                      "uploaded_at": listed["uploaded_at"], "url": doc["url"]}


async def test_an_altered_stored_file_is_a_500_never_its_bytes(dukcapil: Service) -> None:
    case = await open_kia(dukcapil)
    runtime = runtime_of(dukcapil.app)
    async with runtime.sessions() as session:
        [row] = await runtime.store.documents(session, case["id"])
    path = runtime.settings.documents_dir / row.storage_path
    raw = bytearray(path.read_bytes())
    raw[-3] ^= 0x01
    path.write_bytes(bytes(raw))
    got = await dukcapil.client.get(doc_url(case), headers=OWNER)
    assert got.status_code == 500
    assert got.headers["content-type"] == "application/problem+json"
    assert got.json()["code"] == "document-unreadable" and PDF not in got.content
    path.unlink()
    gone = await dukcapil.client.get(doc_url(case), headers=OWNER)
    assert gone.status_code == 500 and gone.json()["code"] == "document-unreadable"


async def test_a_multi_chunk_document_streams_back_whole(dukcapil: Service) -> None:
    body = b"%PDF-1.7\n" + bytes(range(256)) * (3 * CHUNK // 256)
    case = (await submit(dukcapil, {DOC: ("besar.pdf", body, "application/pdf")})).json()
    got = await dukcapil.client.get(doc_url(case), headers=DK_OPERATOR)
    assert got.status_code == 200 and got.content == body


@pytest.mark.parametrize(("sent", "declared", "stored_type", "name"), [
    (pdf(), "application/pdf", "application/pdf", "akta.pdf"),
    (image("PNG"), "image/png", "image/png", "foto.png"),
    (image("JPEG"), "image/jpeg", "image/jpeg", "foto.jpg"),
    (image("JPEG"), "application/octet-stream", "image/jpeg", "foto.jpg"),
    (pdf(), "application/pdf", "application/pdf", "..\\..\\C:\\x\\akta.pdf"),
    (pdf(), "application/pdf", "application/pdf", "evil\u202egpj.exe"),
])
async def test_real_files_are_accepted_with_the_sniffed_type_and_a_safe_name(
        dukcapil: Service, sent: bytes, declared: str, stored_type: str, name: str) -> None:
    opened = await submit(dukcapil, {DOC: (name, sent, declared)})
    assert opened.status_code == 201, opened.text
    [doc] = opened.json()["documents"]
    assert doc["content_type"] == stored_type
    assert doc["filename"] == {"..\\..\\C:\\x\\akta.pdf": "akta.pdf",
                               "evil\u202egpj.exe": "evilgpj.exe"}.get(name, name)
    got = await dukcapil.client.get(doc_url(opened.json()), headers=OWNER)
    assert got.content == sent and got.headers["content-type"] == stored_type


async def test_the_readme_walk_through_upload_still_works(dukcapil: Service) -> None:
    opened = await submit(dukcapil, {DOC: ("akta.pdf", b"%PDF-1.4 contoh", "application/pdf")})
    assert opened.status_code == 201, opened.text


# --- what is refused -----------------------------------------------------------------------

@pytest.mark.parametrize(("sent", "declared", "problem"), [
    (PE_EXE, "application/pdf", "document-type-mismatch"),
    (ELF, "application/pdf", "document-type-mismatch"),
    (HTML, "application/pdf", "document-type-mismatch"),
    (SVG_SCRIPT, "image/png", "document-type-mismatch"),
    (b"", "application/pdf", "document-empty"),
    (PE_EXE, "application/octet-stream", "document-type-not-allowed"),
    (image("GIF"), "image/gif", "document-type-not-allowed"),
    (HTML, "text/html", "document-type-not-allowed"),
])
async def test_a_refused_file_refuses_the_request_and_stores_nothing(
        dukcapil: Service, sent: bytes, declared: str, problem: str) -> None:
    before = (await dukcapil.counts(), stored_files(dukcapil))
    refused = await submit(dukcapil, {DOC: ("akta.pdf", sent, declared)})
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    body = refused.json()
    assert body["code"] == "document-refused"
    assert "tidak dapat diterima" in body["detail"]  # Indonesian by default
    [error] = body["errors"]
    assert error["field"] == f"documents.{DOC}" and error["problem"] == problem
    assert error["message"]
    assert (await dukcapil.counts(), stored_files(dukcapil)) == before


async def test_one_bad_file_refuses_every_file_of_the_request(dukcapil: Service) -> None:
    before = (await dukcapil.counts(), stored_files(dukcapil))
    refused = await submit(dukcapil, {DOC: ("akta.pdf", pdf(), "application/pdf"),
                                      "pas_foto": ("foto.png", SVG_SCRIPT, "image/png")})
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["documents.pas_foto"]
    assert (await dukcapil.counts(), stored_files(dukcapil)) == before


async def test_a_resubmission_with_a_refused_file_changes_nothing(dukcapil: Service) -> None:
    case = await open_kia(dukcapil)
    await dukcapil.act(case["id"], DK_OPERATOR, "teruskan")
    await dukcapil.act(case["id"], DK_OPERATOR, "tidak_lengkap", comment="Berkas buram")
    before = (await dukcapil.counts(), await dukcapil.snapshot(case["id"]),
              stored_files(dukcapil))
    url = f"/cases/{case['id']}/actions"
    refused = await dukcapil.client.post(url, headers=OWNER,
                                         files={DOC: ("akta.pdf", PE_EXE, "application/pdf")},
                                         data={"data": json.dumps({"action": "lengkapi"})})
    assert refused.status_code == 422 and refused.json()["code"] == "document-refused"
    assert (await dukcapil.counts(), await dukcapil.snapshot(case["id"]),
            stored_files(dukcapil)) == before
    again = await dukcapil.client.post(url, headers=OWNER,
                                       files={DOC: ("akta.jpg", image("JPEG"), "image/jpeg")},
                                       data={"data": json.dumps({"action": "lengkapi"})})
    assert again.status_code == 200, again.text
    assert [d["content_type"] for d in again.json()["documents"]] == ["application/pdf",
                                                                      "image/jpeg"]


async def test_refusal_messages_in_english(dukcapil: Service) -> None:
    refused = await dukcapil.client.post(
        "/cases", headers={**OWNER, "Accept-Language": "en"},
        files={DOC: ("akta.pdf", HTML, "application/pdf")},
        data={"data": json.dumps({"sop_key": KIA, "form": KIA_FORM})})
    body = refused.json()
    assert body["detail"].startswith("The documents sent cannot be accepted")
    assert body["errors"][0]["message"] == (
        "The file's content does not match its declared type (application/pdf).")


async def test_too_large_is_413_and_leaves_nothing(dukcapil: Service) -> None:
    storage = runtime_of(dukcapil.app).cases.storage
    limit = storage.max_bytes  # type: ignore[attr-defined]
    storage.max_bytes = CHUNK  # type: ignore[attr-defined]
    try:
        before = (await dukcapil.counts(), stored_files(dukcapil))
        refused = await submit(dukcapil, {DOC: ("akta.pdf", pdf(), "application/pdf"),
                                          "pas_foto": ("b.pdf", b"%PDF-1.4" + b"0" * CHUNK,
                                                       "application/pdf")})
        assert refused.status_code == 413
        assert refused.json()["code"] == "file-too-large"
        assert (await dukcapil.counts(), stored_files(dukcapil)) == before
    finally:
        storage.max_bytes = limit  # type: ignore[attr-defined]
    assert limit == 20 * 1024 * 1024


# --- the database store, shared by replicas ------------------------------------------------

@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)])
def shared_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgresql":
        return str(request.getfixturevalue("fresh_pg_url"))
    return f"sqlite+aiosqlite:///{tmp_path / 'dukcapil.db'}"


async def test_an_upload_through_one_replica_downloads_through_another(
        shared_url: str, tmp_path: Path) -> None:
    await asyncio.to_thread(migrate.upgrade, shared_url)

    def replica(name: str) -> Any:
        settings = service_settings("dukcapil", shared_url, tmp_path / name, migrate=False)
        return create_dukcapil(dataclasses.replace(settings, document_store="database"),
                               wiring(TOKENS))

    one, other = replica("a"), replica("b")
    async with running(one) as first, running(other) as second:
        body = pdf()
        opened = await first.post("/cases", headers=OWNER, files={DOC: ("akta.pdf", body,
                                                                        "application/pdf")},
                                  data={"data": json.dumps({"sop_key": KIA, "form": KIA_FORM})})
        assert opened.status_code == 201, opened.text
        got = await second.get(doc_url(opened.json()), headers=DK_OPERATOR)
        assert got.status_code == 200 and got.content == body
        assert got.headers["content-type"] == "application/pdf"
        big = b"%PDF-1.7\n" + bytes(range(256)) * (2 * CHUNK // 256)  # three chunks
        opened = await second.post("/cases", headers=OWNER,
                                   files={DOC: ("besar.pdf", big, "application/pdf")},
                                   data={"data": json.dumps({"sop_key": KIA, "form": KIA_FORM})})
        assert opened.status_code == 201, opened.text
        got = await first.get(doc_url(opened.json()), headers=OWNER)
        assert got.status_code == 200 and got.content == big
        refused = await second.post("/cases", headers=OWNER,
                                    files={DOC: ("akta.pdf", HTML, "application/pdf")},
                                    data={"data": json.dumps({"sop_key": KIA,
                                                              "form": KIA_FORM})})
        assert refused.status_code == 422
        async with runtime_of(one).sessions() as s:
            rows = list(await s.scalars(select(DocumentBlobRow)))
            assert await s.scalar(select(func.count()).select_from(DocumentBlobRow)) == 1 + 3
        assert all(b"/Type /Catalog" not in r.data for r in rows)
    for name in ("a", "b"):  # nothing on any replica's disk
        folder = tmp_path / name / "documents" / "dukcapil"
        assert not folder.exists() or not any(folder.iterdir())
