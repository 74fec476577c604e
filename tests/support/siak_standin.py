"""A local stand-in for SIAK, Disdukcapil's civil registry, speaking the protocol of
:mod:`services.dukcapil.adapters.siak`: ``POST /api/v1/penduduk/verifikasi`` (compares, never
returns population data) and ``POST /api/v1/dokumen`` (records an issued document,
idempotent on ``Idempotency-Key``). It checks the bearer token and the body shape, keeps a
small population register, and can be told to fail the next requests (an outage)."""

from __future__ import annotations

import re
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


@dataclass(frozen=True)
class Resident:
    nomor_kk: str
    nama: str
    tanggal_lahir: str
    status: str = "aktif"


def _same_name(a: str, b: str) -> bool:
    return " ".join(a.upper().split()) == " ".join(b.upper().split())


def error(status: int, kode: str, pesan: str) -> JSONResponse:
    return JSONResponse({"kode": kode, "pesan": pesan}, status_code=status)


@dataclass
class SiakStandIn:
    token: str = "uji-token-siak"
    residents: dict[str, Resident] = field(default_factory=dict)
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Recorded documents by idempotency key (with SIAK's ``id``)."""
    requests: int = 0
    fail_next: deque[int] = field(default_factory=deque)

    def fail(self, *statuses: int) -> None:
        """Answer the next requests with these statuses, one each (503: an outage)."""
        self.fail_next.extend(statuses)

    def _refusal(self, request: Request) -> JSONResponse | None:
        self.requests += 1
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return error(401, "TOKEN", "Token tidak sah")
        if self.fail_next:
            status = self.fail_next.popleft()
            return error(status, "GANGGUAN", "Layanan SIAK sedang gangguan")
        return None

    async def verify(self, request: Request) -> JSONResponse:
        refused = self._refusal(request)
        if refused is not None:
            return refused
        try:
            body = await request.json()
        except ValueError:
            return error(400, "JSON", "Badan permintaan bukan JSON")
        nik = body.get("nik") if isinstance(body, dict) else None
        if not isinstance(nik, str) or not re.fullmatch(r"[0-9]{16}", nik):
            return error(422, "NIK", "NIK harus 16 angka")
        person = self.residents.get(nik)
        if person is None:
            return JSONResponse({"ditemukan": False, "status": None,
                                 "cocok": {"nomor_kk": None, "nama": None,
                                           "tanggal_lahir": None}})
        asked = {k: body.get(k) for k in ("nomor_kk", "nama", "tanggal_lahir")}
        cocok = {
            "nomor_kk": None if asked["nomor_kk"] is None
            else asked["nomor_kk"] == person.nomor_kk,
            "nama": None if asked["nama"] is None else _same_name(str(asked["nama"]),
                                                                  person.nama),
            "tanggal_lahir": None if asked["tanggal_lahir"] is None
            else asked["tanggal_lahir"] == person.tanggal_lahir,
        }
        return JSONResponse({"ditemukan": True, "status": person.status, "cocok": cocok})

    async def record(self, request: Request) -> JSONResponse:
        refused = self._refusal(request)
        if refused is not None:
            return refused
        key = request.headers.get("idempotency-key")
        if not key:
            return error(400, "KUNCI", "Idempotency-Key wajib")
        if key in self.documents:
            return JSONResponse({"id": self.documents[key]["id"],
                                 "diterima_pada": self.documents[key]["diterima_pada"]})
        try:
            body = await request.json()
        except ValueError:
            return error(400, "JSON", "Badan permintaan bukan JSON")
        needed = ("jenis", "nomor_dokumen", "nik", "tanggal_terbit", "referensi")
        if not isinstance(body, dict) or any(not isinstance(body.get(k), str) or not body[k]
                                             for k in needed):
            return error(422, "ISIAN", "jenis, nomor_dokumen, nik, tanggal_terbit dan "
                                       "referensi wajib")
        if body["nik"] not in self.residents:
            return error(422, "NIK_TIDAK_ADA", "NIK tidak terdaftar")
        record = {**body, "id": f"SIAK-{uuid.uuid4().hex[:12].upper()}",
                  "diterima_pada": "2026-12-03T02:00:00Z"}
        self.documents[key] = record
        return JSONResponse({"id": record["id"], "diterima_pada": record["diterima_pada"]},
                            status_code=201)

    def app(self) -> Starlette:
        return Starlette(routes=[
            Route("/api/v1/penduduk/verifikasi", self.verify, methods=["POST"]),
            Route("/api/v1/dokumen", self.record, methods=["POST"]),
        ])
