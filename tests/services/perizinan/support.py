"""Helpers of the perizinan tests: a bidan's application walked to the issued permit."""

from __future__ import annotations

import json
from typing import Any

import httpx

from tests.support.kia import PDF
from tests.support.tokens import TestTokens

TOKENS = TestTokens()
BIDAN_SOP = "dpmptsp-izin-praktik-bidan"
HOLDER = TOKENS.headers("bidan-1", "citizen")
OTHER = TOKENS.headers("warga-b", "citizen")
FRONT = TOKENS.headers("fo-1", "dpmptsp:front_office")
BACK = TOKENS.headers("bo-1", "dpmptsp:back_office")
KASI = TOKENS.headers("kasi-1", "dpmptsp:kasi")
KABID = TOKENS.headers("kabid-1", "dpmptsp:kabid")
KADIS = TOKENS.headers("kadis-1", "dpmptsp:kepala_dinas")
DINSOS = TOKENS.headers("dinsos-1", "dinsos:kabid")
NIK = "1801015003900001"
NAME = "Siti Rahmawati"
STR_NO = "7712345678901234"


def bidan_form(place: str, nik: str = NIK, jenis: str = "baru") -> dict[str, Any]:
    return {"nama_lengkap": NAME, "nik": nik, "nomor_hp": "081234567890",
            "email": "bidan@example.org", "alamat_domisili": "Jl. Raya Natar No. 1",
            "nomor_str": STR_NO, "jenis_permohonan": jenis, "sip_ke": "1",
            "nama_tempat_praktik": place, "alamat_tempat_praktik": "Jl. Kesehatan No. 9 Natar"}


async def submit(client: httpx.AsyncClient, form: dict[str, Any],
                 who: dict[str, str] = HOLDER) -> httpx.Response:
    return await client.post("/cases", headers=who, files={"berkas_persyaratan": PDF},
                             data={"data": json.dumps({"sop_key": BIDAN_SOP, "form": form})})


STEPS = ((FRONT, "lengkap"), (FRONT, "teruskan"), (BACK, "teruskan"), (KASI, "sesuai"),
         (KABID, "sesuai"), (KADIS, "terbitkan"))


async def issue(client: httpx.AsyncClient, form: dict[str, Any],
                who: dict[str, str] = HOLDER) -> dict[str, Any]:
    """Submit and walk the case to the Kepala Dinas's ``terbitkan``; the case after it."""
    opened = await submit(client, form, who)
    assert opened.status_code == 201, opened.text
    case: dict[str, Any] = opened.json()
    for officer, action in STEPS:
        moved = await client.post(f"/cases/{case['id']}/actions", headers=officer,
                                  json={"action": action})
        assert moved.status_code == 200, moved.text
        case = moved.json()
    return case
