"""The KIA 0–5 tahun SOP of Disdukcapil, the case most service tests walk: its key, a valid
applicant form and a document that passes the upload checks."""

from __future__ import annotations

import json
from typing import Any

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
