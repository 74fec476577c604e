"""The pengaduan app for the Open311 facade's tests: run in-process (ASGI) or served by a real
uvicorn server on a free port (the ``georeport`` client speaks ``requests``), API keys made
through the key routes, and valid GeoReport submissions for the shipped complaint SOPs."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI

from services.pengaduan.app import create_app
from tests.support.apps import running, service_settings, wiring
from tests.support.tokens import TestTokens

TOKENS = TestTokens()
KOMINFO_ADMIN = TOKENS.headers("adm-kominfo", "diskominfo:admin")
PDAM_ADMIN = TOKENS.headers("adm-pdam", "pdam:admin")
PDAM_OFFICER = TOKENS.headers("cs-pdam", "pdam:front_office")
CITIZEN = TOKENS.headers("warga-1", "citizen")
BASE = "/open311/v2"
PDAM = "pdam-pengaduan-pelanggan"
RSUD = "rsud-bob-bazar-pengaduan-bpjs-jkn"
PPPA = "pppa-pengaduan-kekerasan-perempuan-anak"
INSPEKTORAT = "inspektorat-pengaduan-masyarakat"
OFFERED = [INSPEKTORAT, PDAM, PPPA, RSUD]
"""The shipped complaint SOPs without a required document (sorted by key)."""
NOT_OFFERED = ["dinkes-pengaduan-bidang-kesehatan", "dlh-pengaduan", "satpolpp-pengaduan",
               "setwan-pendampingan-masyarakat-ke-dprd"]

PDAM_POST: dict[str, str] = {
    "service_code": PDAM, "lat": "-5.7283", "long": "105.5923",
    "address_string": "Jl. Lintas Sumatera No. 12, Kalianda",
    "first_name": "Siti", "last_name": "Aminah", "phone": "081234567890",
    "email": "siti@example.id", "device_id": "dev-77", "account_id": "acc-9",
    "description": "Air tidak mengalir sejak tiga hari di Blok C.",
    "media_url": "https://foto.example.id/pipa.jpg",
    "attribute[jenis_permasalahan]": "teknis",
    "attribute[perihal]": "Air mati",
    "attribute[alamat_sambungan]": "Jl. Lintas Sumatera No. 12, Kalianda",
    "attribute[tanggal_kejadian]": "2026-11-30T08:00:00+07:00",
}
"""A valid POST for the PDAM complaint (the reporter's name, phone, e-mail are personal)."""

INSPEKTORAT_POST: dict[str, str] = {
    "service_code": INSPEKTORAT, "address_string": "Kantor Kecamatan Sidomulyo",
    "description": "Pungutan liar pada pengurusan surat pengantar.",
    "attribute[perihal]": "Pungutan liar", "attribute[anonim]": "true",
}
"""A secret (anonymous) report: its text must not be shown in GET requests."""


def pengaduan_app(url: str, tmp: Path) -> FastAPI:
    return create_app(service_settings("pengaduan", url, tmp), wiring(TOKENS))


@asynccontextmanager
async def pengaduan(url: str, tmp: Path) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    app = pengaduan_app(url, tmp)
    async with running(app) as client:
        yield app, client


async def new_key(client: httpx.AsyncClient, headers: dict[str, str] | None = None,
                  **body: Any) -> dict[str, Any]:
    """A key made through ``POST /open311/kunci`` (default: a partner key by Diskominfo)."""
    payload = body or {"label": "Aplikasi mitra", "partner": "Mitra Lapor Cepat"}
    made = await client.post("/open311/kunci", json=payload, headers=headers or KOMINFO_ADMIN)
    assert made.status_code == 201, made.text
    created: dict[str, Any] = made.json()
    return created


@asynccontextmanager
async def served(app: FastAPI) -> AsyncIterator[str]:
    """``app`` (its lifespan already running) behind a real uvicorn server; its base URL."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, lifespan="off",
                                           log_level="warning"))
    task = asyncio.create_task(server.serve())
    for _ in range(500):  # uvicorn offers no start event: poll for up to 5 s
        if server.started:
            break
        await asyncio.sleep(0.01)
    else:
        raise TimeoutError("uvicorn did not start")
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
