"""Running the kepegawaian service for its tests (SQLite, or a fresh PostgreSQL database in
the integration tier), and walking a leave case through its SOP as the roles it names."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx

from services.kepegawaian.app import create_app
from tests.support.apps import running, service_settings, wiring
from tests.support.tokens import TestTokens

TOKENS = TestTokens()
NIP = "198507152010011002"
"""Born 15 July 1985, TMT CPNS January 2010 (16 years of service in 2026)."""
ASN = TOKENS.headers("asn-siti", "citizen")
OTHER = TOKENS.headers("asn-lain", "citizen")
ROLES = {"sekretaris": "bkd:sekretaris", "kabid": "bkd:kabid",
         "analis_sdm_aparatur": "bkd:analis_sdm_aparatur", "staf": "bkd:staf",
         "kepala_dinas": "bkd:kepala_dinas"}
BKD_ADMIN = TOKENS.headers("admin-bkd", "bkd:admin")
STAF = TOKENS.headers("staf-bkd", "bkd:staf")
PDF = b"%PDF-1.4 berkas uji cuti"


def officer(role: str) -> dict[str, str]:
    return TOKENS.headers(f"petugas-{role}", ROLES[role])


def leave_form(kind: str, start: str, end: str, **more: Any) -> dict[str, Any]:
    return {"nip": NIP, "nama": "Siti Aminah", "jabatan": "Analis Kebijakan Ahli Muda",
            "jenis_jabatan": "fungsional", "unit_kerja": "Bappeda", "jenis_cuti": kind,
            "tanggal_mulai": start, "tanggal_selesai": end, "di_luar_negeri": False,
            "alamat_selama_cuti": "Jl. Lintas Sumatera 1, Kalianda",
            "telepon": "+6281234567890", **more}


async def open_leave(client: httpx.AsyncClient, form: dict[str, Any],
                     who: dict[str, str] = ASN) -> httpx.Response:
    body = {"sop_key": "bkd-cuti-pegawai", "form": form}
    files = {k: (f"{k}.pdf", PDF, "application/pdf")
             for k in ("surat_permohonan", "persyaratan_usul_cuti")}
    return await client.post("/cases", headers=who, files=files,
                             data={"data": json.dumps(body)})


async def act(client: httpx.AsyncClient, case_id: str, role: str, action: str,
              comment: str | None = None) -> httpx.Response:
    who = ASN if role == "pemohon" else officer(role)
    body: dict[str, Any] = {"action": action}
    if comment:
        body["comment"] = comment
    return await client.post(f"/cases/{case_id}/actions", headers=who, json=body)


TO_SIGNING = [("sekretaris", "disposisikan"), ("kabid", "disposisikan"),
              ("analis_sdm_aparatur", "lengkap")]


@asynccontextmanager
async def kepegawaian(url: str, tmp: Path) -> AsyncIterator[tuple[Any, httpx.AsyncClient]]:
    app = create_app(service_settings("kepegawaian", url, tmp), wiring(TOKENS))
    async with running(app) as client:
        yield app, client
