"""The KIA 0–5 tahun SOP of Disdukcapil, the case most service tests walk: its key, a valid
applicant form and a document that passes the upload checks; one such case opened."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from services.dukcapil.app import create_app
from tests.support.apps import running, service_settings, wiring
from tests.support.tokens import TestTokens

KIA = "dukcapil-kia-0-5-tahun"
FORM = {"nik_anak": "1801014505240001", "nama_anak": "Siti Aminah",
        "tanggal_lahir_anak": "2024-05-05", "nomor_kk": "1801012202200003",
        "pengambilan": "ambil_di_mpp"}
PDF = ("berkas.pdf", b"%PDF-1.4 contoh", "application/pdf")


async def open_kia(client: Any, headers: dict[str, str]) -> dict[str, Any]:
    """Submit a KIA case with :data:`FORM` and :data:`PDF` through ``client`` (an
    ``httpx.AsyncClient`` on a dukcapil service) as ``headers``' citizen; its answer (201)."""
    opened = await client.post("/cases", headers=headers,
                               data={"data": json.dumps({"sop_key": KIA, "form": FORM})},
                               files={"berkas_persyaratan": PDF})
    assert opened.status_code == 201, opened.text
    answer: dict[str, Any] = opened.json()
    return answer


async def one_kia_case(url: str, tmp_path: Path, subject: str) -> str:
    """One KIA case opened by citizen ``subject`` on a dukcapil service over ``url`` (migrated
    by the app's start); its id."""
    tokens = TestTokens()
    app = create_app(service_settings("dukcapil", url, tmp_path), wiring(tokens))
    async with running(app) as client:
        return str((await open_kia(client, tokens.headers(subject, "citizen")))["id"])
