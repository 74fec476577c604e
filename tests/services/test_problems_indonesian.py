"""Problem responses speak Bahasa Indonesia by default (ARCHITECTURE.md §6): a caller that
sends no ``Accept-Language`` (or one naming neither ``id`` nor ``en``) gets the Indonesian
title, detail and field messages, and ``Content-Language: id``. Each refusal writes nothing."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from services.dukcapil.app import create_app
from shared.db.tables import CaseRow, HistoryRow, OutboxRow, SopVersionRow
from tests.support.apps import rolled_back, running, runtime_of, service_settings, wiring
from tests.support.kia import FORM, KIA, PDF
from tests.support.problems import assert_indonesian
from tests.support.tokens import TestTokens

TOKENS = TestTokens()
CITIZEN = TOKENS.headers("warga-id", "citizen")
KABID = TOKENS.headers("kabid-id", "disdukcapil:kabid")
OPERATOR = TOKENS.headers("op-id", "disdukcapil:operator")
AGENCY_ADMIN = TOKENS.headers("adm-id", "disdukcapil:admin")
ENGLISH_WORDS = ("should", "required", "valid", "field", "input", "must", "the ")


@pytest.fixture(scope="module")
async def app_client(tmp_path_factory: pytest.TempPathFactory
                     ) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    tmp = Path(tmp_path_factory.mktemp("bahasa"))
    app = create_app(service_settings("dukcapil", f"sqlite+aiosqlite:///{tmp / 'd.db'}", tmp),
                     wiring(TOKENS))
    async with running(app) as client:
        yield app, client


@pytest.fixture
async def client(app_client: tuple[FastAPI, httpx.AsyncClient]
                 ) -> AsyncIterator[httpx.AsyncClient]:
    app, http = app_client
    async with rolled_back(app):
        yield http


async def _counts(app: FastAPI) -> tuple[int, ...]:
    async with runtime_of(app).sessions() as s:
        return tuple([await s.scalar(select(func.count()).select_from(t)) or 0
                      for t in (CaseRow, HistoryRow, OutboxRow, SopVersionRow)])


async def _open(client: httpx.AsyncClient) -> dict[str, Any]:
    response = await client.post("/cases", headers=CITIZEN, files={"berkas_persyaratan": PDF},
                                 data={"data": json.dumps({"sop_key": KIA, "form": FORM})})
    assert response.status_code == 201, response.text
    return dict(response.json())



@pytest.mark.parametrize("accept", [None, "fr-FR, de;q=0.8", "id-ID,id;q=0.9,en;q=0.5", "*"])
async def test_unknown_sop_is_explained_in_indonesian(
        client: httpx.AsyncClient, app_client: tuple[FastAPI, httpx.AsyncClient],
        accept: str | None) -> None:
    before = await _counts(app_client[0])
    headers = {**CITIZEN, **({"Accept-Language": accept} if accept else {})}
    opened = await client.post("/cases", headers=headers,
                               json={"sop_key": "sop-tidak-ada", "form": {}})
    assert_indonesian(opened, 404, "sop-not-found", "Tidak ditemukan",
                      "SOP 'sop-tidak-ada' tidak ditemukan pada layanan ini.")
    shown = await client.get("/sops/sop-tidak-ada/standard", headers=headers)
    assert_indonesian(shown, 404, "sop-not-found", "Tidak ditemukan",
                      "SOP 'sop-tidak-ada' tidak ditemukan pada layanan ini.")
    assert await _counts(app_client[0]) == before


async def test_the_wrong_role_is_refused_in_indonesian(
        client: httpx.AsyncClient, app_client: tuple[FastAPI, httpx.AsyncClient]) -> None:
    case = await _open(client)
    before = await _counts(app_client[0])
    response = await client.post(f"/cases/{case['id']}/actions", headers=KABID,
                                 json={"action": "teruskan"})
    assert_indonesian(response, 403, "role-not-permitted", "Tidak berwenang",
                      "Peran Anda tidak berwenang pada langkah ini "
                      "(dibutuhkan disdukcapil:operator).")
    wrong_step = await client.post(f"/cases/{case['id']}/actions", headers=OPERATOR,
                                   json={"action": "teruskan", "step": "tte_kadis"})
    assert_indonesian(wrong_step, 409, "wrong-step", "Konflik keadaan",
                      "Permohonan sudah berada di langkah 'verifikasi_permohonan', bukan "
                      "'tte_kadis'. Muat ulang lalu coba lagi.")
    assert await _counts(app_client[0]) == before


async def test_a_malformed_body_is_explained_in_indonesian(
        client: httpx.AsyncClient, app_client: tuple[FastAPI, httpx.AsyncClient]) -> None:
    before = await _counts(app_client[0])
    response = await client.post("/cases", content="{bukan json",
                                 headers={**CITIZEN, "content-type": "application/json"})
    problem = assert_indonesian(response, 422, "validation-error", "Data tidak dapat diproses",
                                "Permintaan tidak valid; periksa kolom yang disebutkan.")
    assert problem["errors"] == [{"field": "body", "problem": "invalid-json", "position": 1,
                                  "message": "Isi bukan JSON yang valid."}]
    wrong_type = await client.post("/cases", content="sop_key=x",
                                   headers={**CITIZEN, "content-type": "text/csv"})
    assert_indonesian(wrong_type, 415, "unsupported-body", "Jenis berkas tidak didukung",
                      "Isi permintaan 'text/csv' tidak diterima: kirim application/json, atau "
                      "multipart/form-data dengan bagian 'data' (JSON) dan berkasnya.")
    assert await _counts(app_client[0]) == before


async def test_every_bad_field_has_an_indonesian_message(
        client: httpx.AsyncClient, app_client: tuple[FastAPI, httpx.AsyncClient]) -> None:
    case = await _open(client)
    before = await _counts(app_client[0])
    acted = await client.post(f"/cases/{case['id']}/actions", headers=OPERATOR, json={
        "action": 5, "step": ["x"], "comment": "x" * 4001, "role": "admin", "form": "isian"})
    problem = assert_indonesian(acted, 422, "validation-error", "Data tidak dapat diproses",
                                "Permintaan tidak valid; periksa kolom yang disebutkan.")
    assert {e["field"]: e["message"] for e in problem["errors"]} == {
        "action": "Harus berupa teks.",
        "step": "Harus berupa teks.",
        "comment": "Terlalu panjang (maksimal 4000 karakter).",
        "role": "Kolom ini tidak dikenal.",
        "form": "Harus berupa objek.",
    }
    opened = await client.post("/cases", headers=CITIZEN, json={"sop_key": "", "form": []})
    problem = assert_indonesian(opened, 422, "validation-error", "Data tidak dapat diproses",
                                "Permintaan tidak valid; periksa kolom yang disebutkan.")
    assert {e["field"]: e["message"] for e in problem["errors"]} == {
        "sop_key": "Terlalu pendek (minimal 1 karakter).", "form": "Harus berupa objek."}
    # The engine's own form check: every field of the SOP's form, each in Indonesian.
    invalid = await client.post("/cases", headers=CITIZEN, json={
        "sop_key": KIA, "form": {"nik_anak": "12", "tanggal_lahir_anak": "kemarin",
                                 "pengambilan": "drone", "hobi": "catur"}})
    problem = assert_indonesian(invalid, 422, "invalid-submission", "Data tidak dapat diproses",
                                "Isian atau dokumen permohonan belum memenuhi persyaratan.")
    messages = {e["field"]: e["message"] for e in problem["errors"]}
    assert messages == {
        "nik_anak": "NIK harus terdiri dari 16 angka.",
        "nama_anak": "Wajib diisi.",
        "tanggal_lahir_anak": "Harus berupa tanggal (TTTT-BB-HH).",
        "nomor_kk": "Wajib diisi.",
        "pengambilan": "Pilih salah satu pilihan yang tersedia.",
        "hobi": "Kolom ini tidak dikenal pada formulir layanan.",
        "documents.berkas_persyaratan": "Wajib diisi.",
    }
    assert await _counts(app_client[0]) == before


async def test_an_invalid_sop_definition_lists_its_fields_in_indonesian(
        client: httpx.AsyncClient, app_client: tuple[FastAPI, httpx.AsyncClient]) -> None:
    definition = (await client.get(f"/sops/{KIA}")).json()
    definition["title"] = 5
    del definition["steps"][1]["actor"]
    before = await _counts(app_client[0])
    response = await client.post("/sops", headers=AGENCY_ADMIN, json=definition)
    problem = assert_indonesian(response, 422, "sop-invalid", "Data tidak dapat diproses",
                                "Definisi SOP tidak valid; lihat daftar masalah.")
    assert await _counts(app_client[0]) == before
    assert len(problem["errors"]) == 2
    text = " | ".join(e["message"] for e in problem["errors"])
    assert "title" in text and "actor" in text  # each bad field is named ...
    for error in problem["errors"]:  # ... with an Indonesian message
        lowered = error["message"].lower()
        assert not [w for w in ENGLISH_WORDS if w in lowered], error["message"]


async def test_english_only_when_asked(client: httpx.AsyncClient) -> None:
    """The contrast: the same refusal in English carries ``Content-Language: en``."""
    response = await client.post("/cases", headers={**CITIZEN, "Accept-Language": "en-GB"},
                                 json={"sop_key": "sop-tidak-ada", "form": {}})
    assert response.status_code == 404 and response.headers["content-language"] == "en"
    assert response.json()["detail"] == "SOP 'sop-tidak-ada' was not found in this service."
    assert response.json()["title"] == "Not found"
