"""The gateway's problem responses default to Bahasa Indonesia (ARCHITECTURE.md §6), its own
(identity, routing, tracking) and those of a service it routes to, with
``Content-Language: id`` when the caller sends no ``Accept-Language``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from gateway.identity.part import make_part
from gateway.identity.tables import AccountRow
from tests.gateway.identity.support import SETTINGS as IDENTITY
from tests.gateway.routing.harness import Stack, gateway_parts, gateway_stack
from tests.support.problems import assert_indonesian


@pytest.fixture
async def stack(tmp_path: Path) -> AsyncIterator[Stack]:
    async with gateway_stack(tmp_path, parts=lambda: [make_part(IDENTITY), *gateway_parts()]
                             ) as running:
        yield running



async def test_the_gateways_own_refusals_are_in_indonesian(stack: Stack) -> None:
    client = stack.client
    login = await client.post("/api/v1/auth/login",
                              json={"login": "tidak.ada@contoh.id", "password": "Salah-12345"})
    assert_indonesian(login, 401, "login-failed", "Belum terautentikasi",
                      "NIK/e-mail/nomor WhatsApp atau kata sandi salah.")
    anonymous = await client.get("/api/v1/me/cases")
    assert_indonesian(anonymous, 401, "unauthenticated", "Belum terautentikasi",
                      "Token akses tidak ada, tidak valid, atau kedaluwarsa.")
    unknown = await client.get("/api/v1/layanan-fiktif/sops")
    assert_indonesian(unknown, 404, "service-not-found", "Tidak ditemukan",
                      "Layanan 'layanan-fiktif' tidak dikenal.")
    citizen = stack.headers("warga-gw", "citizen")
    inbox = await client.get("/api/v1/inbox", headers=citizen)
    assert_indonesian(inbox, 403, "forbidden", "Tidak berwenang",
                      "Anda tidak berwenang untuk tindakan ini.")
    tracking = await client.get("/api/v1/tracking/DK-0000-0000", headers=citizen)
    assert_indonesian(tracking, 404, "case-not-found", "Tidak ditemukan",
                      "Permohonan tidak ditemukan.")


async def test_registration_lists_every_bad_field_in_indonesian(stack: Stack) -> None:
    response = await stack.client.post("/api/v1/auth/register", json={
        "nik": "12", "name": "", "email": "bukan-email", "phone": "12", "password": "pendek"})
    problem = assert_indonesian(response, 422, "validation-error", "Data tidak dapat diproses",
                                "Permintaan tidak valid; periksa kolom yang disebutkan.")
    by_field: dict[str, list[str]] = {}
    for error in problem["errors"]:
        by_field.setdefault(error["field"], []).append(error["message"])
    assert set(by_field) == {"nik", "name", "email", "phone", "password"}
    assert by_field["nik"] == ["NIK harus terdiri dari 16 angka."]
    assert by_field["name"] == ["Wajib diisi."]
    assert by_field["email"] == ["Alamat e-mail tidak valid."]
    assert by_field["phone"][0].startswith("Nomor WhatsApp harus")
    assert "Kata sandi minimal 10 karakter." in by_field["password"]
    assert "bukan-email" not in response.text  # never the submitted value
    assert await stack_accounts(stack) == 0  # nothing written


async def stack_accounts(stack: Stack) -> int:
    async with stack.runtime.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(AccountRow)) or 0)


async def test_a_routed_service_problem_stays_indonesian(stack: Stack) -> None:
    response = await stack.client.get("/api/v1/dukcapil/sops/sop-tidak-ada")
    assert_indonesian(response, 404, "sop-not-found", "Tidak ditemukan",
                      "SOP 'sop-tidak-ada' tidak ditemukan pada layanan ini.")
    case = await stack.open_kia(stack.headers("warga-gw", "citizen"))
    refused = await stack.client.post(
        f"/api/v1/dukcapil/cases/{case['id']}/actions",
        headers=stack.headers("kabid-gw", "disdukcapil:kabid"), json={"action": "teruskan"})
    assert_indonesian(refused, 403, "role-not-permitted", "Tidak berwenang",
                      "Peran Anda tidak berwenang pada langkah ini "
                      "(dibutuhkan disdukcapil:operator).")
    # The caller's language reaches the service: English only when asked for.
    english = await stack.client.get("/api/v1/dukcapil/sops/sop-tidak-ada",
                                     headers={"Accept-Language": "en"})
    assert english.headers["content-language"] == "en"
    assert english.json()["detail"] == "SOP 'sop-tidak-ada' was not found in this service."
