"""Case documents through the gateway (``/api/v1/<service>/cases/{id}/documents/...``):
proxied as a stream with the service's headers, under the case's read rule for every kind
of caller; in-process behind the routing harness and in the all-in-one process (demo
accounts, the folder store under HALO_VAR_DIR, encrypted, 0700/0600)."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from gateway.allinone_app import DEMO_FORM, DEMO_SOP
from tests.gateway.routing.harness import KIA, KIA_FORM, gateway_stack
from tests.gateway.test_allinone import DEMO_PASSWORDS, allinone, login  # noqa: F401
from tests.shared.documents.samples import HTML, image, pdf

DOC = "berkas_persyaratan"


@pytest.mark.parametrize(("roles", "subject", "status"), [
    (("citizen",), "warga-1", 200), (("citizen",), "warga-2", 404),
    (("disdukcapil:operator",), "op-dk", 200), (("bpkad:kabid",), "kabid-bpkad", 404),
    (("admin",), "admin-1", 200), ((), None, 401),
])
async def test_download_through_the_gateway_follows_the_read_rule(
        tmp_path: Path, roles: tuple[str, ...], subject: str | None, status: int) -> None:
    body = image("PNG")
    async with gateway_stack(tmp_path) as stack:
        owner = stack.headers("warga-1", "citizen")
        opened = await stack.client.post(
            "/api/v1/dukcapil/cases", headers=owner,
            data={"data": json.dumps({"sop_key": KIA, "form": KIA_FORM})},
            files={DOC: ("../foto\u202eanak.png", body, "image/png")})
        assert opened.status_code == 201, opened.text
        case = opened.json()
        [doc] = case["documents"]
        who = stack.headers(subject, *roles) if subject else {}
        got = await stack.client.get(f"/api/v1/dukcapil{doc['url']}", headers=who)
        listed = await stack.client.get(f"/api/v1/dukcapil/cases/{case['id']}/documents",
                                        headers=who)
    assert got.status_code == listed.status_code == status, got.text
    if status != 200:
        assert got.headers["content-type"] == "application/problem+json"
        assert got.json()["code"] == ("unauthenticated" if status == 401 else "case-not-found")
        assert body not in got.content
        return
    assert got.content == body
    assert got.headers["content-type"] == "image/png"
    assert got.headers["content-length"] == str(len(body))
    assert got.headers["content-disposition"] == (
        "attachment; filename=\"fotoanak.png\"; filename*=UTF-8''fotoanak.png")
    assert got.headers["x-content-type-options"] == "nosniff"
    assert got.headers["cache-control"] == "private, no-store"
    assert got.headers["x-request-id"]
    assert [d["id"] for d in listed.json()] == [doc["id"]]


async def test_a_refused_upload_through_the_gateway_is_indonesian_422(tmp_path: Path) -> None:
    async with gateway_stack(tmp_path) as stack:
        refused = await stack.client.post(
            "/api/v1/dukcapil/cases", headers=stack.headers("warga-1", "citizen"),
            data={"data": json.dumps({"sop_key": KIA, "form": KIA_FORM})},
            files={DOC: ("akta.pdf", HTML, "application/pdf")})
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    body = refused.json()
    assert body["code"] == "document-refused" and "tidak dapat diterima" in body["detail"]
    assert body["errors"][0]["field"] == f"documents.{DOC}"


async def test_allinone_documents_round_trip(
        allinone: tuple[FastAPI, httpx.AsyncClient, str],  # noqa: F811 (the fixture)
        tmp_path: Path) -> None:
    _, client, _ = allinone
    citizen = await login(client, "warga2@demo.halo.lamsel", DEMO_PASSWORDS["citizen"])
    body = pdf()
    opened = await client.post(
        "/api/v1/dukcapil/cases", headers=citizen,
        data={"data": json.dumps({"sop_key": DEMO_SOP, "form": DEMO_FORM})},
        files={DOC: ("akta.pdf", body, "application/pdf")})
    assert opened.status_code == 201, opened.text
    case: dict[str, Any] = opened.json()
    url = f"/api/v1/dukcapil{case['documents'][0]['url']}"
    readers = {
        "citizen": (citizen, 200),
        "other citizen": (await login(client, "warga1@demo.halo.lamsel",
                                      DEMO_PASSWORDS["citizen"]), 404),
        "operator": (await login(client, "operator.disdukcapil@demo.halo.lamsel",
                                 DEMO_PASSWORDS["officer"]), 200),
        "other agency": (await login(client, "operator.damkar@demo.halo.lamsel",
                                     DEMO_PASSWORDS["officer"]), 404),
        "admin": (await login(client, "admin@demo.halo.lamsel", "Demo-Admin-2026"), 200),
        "anonymous": ({}, 401),
    }
    for name, (who, status) in readers.items():
        got = await client.get(url, headers=who)
        assert got.status_code == status, (name, got.text)
        if status == 200:
            assert got.content == body and got.headers["content-type"] == "application/pdf"
            assert got.headers["content-disposition"].startswith('attachment; filename="akta.pdf"')
    folder = tmp_path / "documents" / "dukcapil"
    files = [p for p in folder.iterdir() if p.is_file()]
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert files and all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in files)
    assert all(b"/Type /Catalog" not in p.read_bytes() for p in files)
    assert case["documents"][0]["sha256"] not in {p.name for p in files}
