"""A local stand-in for SP4N-LAPOR!, speaking the protocol of
:mod:`services.pengaduan.adapters.lapor`: the paged list of reports assigned to the regency
and the idempotent pushes (``terima``, ``tindak-lanjut``, ``selesai``). It checks the bearer
token and the body shape, keeps every push so tests assert what LAPOR! received, and can be
told to fail the next requests (an outage). :func:`serving` runs it as a real HTTP server
(uvicorn in a thread, on a free local port)."""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

KINDS = {"terima": "terima", "tindak-lanjut": "tindak_lanjut", "selesai": "selesai"}


def error(status: int, kode: str, pesan: str) -> JSONResponse:
    return JSONResponse({"kode": kode, "pesan": pesan}, status_code=status)


def laporan(ref: str, assigned: datetime, *, judul: str = "Jalan rusak di depan sekolah",
            isi: str = "Jalan berlubang sejak sebulan, membahayakan murid.",
            kategori: str | None = "infrastruktur", instansi: str | None = None,
            lokasi: str | None = "Kalianda", kerahasiaan: str = "biasa",
            pelapor: dict[str, Any] | None = None) -> dict[str, Any]:
    """A report as LAPOR! lists it (``pelapor`` None: anonymous)."""
    return {"id": ref, "judul": judul, "isi": isi, "kategori": kategori, "instansi": instansi,
            "lokasi": lokasi, "tanggal_kejadian": None,
            "tanggal_laporan": assigned.isoformat(), "diteruskan_pada": assigned.isoformat(),
            "kerahasiaan": kerahasiaan, "pelapor": pelapor}


@dataclass
class LaporStandIn:
    token: str = "uji-token-lapor"
    reports: list[dict[str, Any]] = field(default_factory=list)
    """Reports assigned to the regency (as listed), any order."""
    pushes: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Received pushes by idempotency key: ``{"id", "laporan", "jenis", "isi", "waktu",
    "referensi"}``."""
    calls: list[str] = field(default_factory=list)
    """``METHOD path?query`` of every authorised request, in order."""
    fail_next: deque[int] = field(default_factory=deque)

    def fail(self, *statuses: int) -> None:
        """Answer the next requests with these statuses, one each (503: an outage)."""
        self.fail_next.extend(statuses)

    def reset(self) -> None:
        self.reports.clear()
        self.pushes.clear()
        self.calls.clear()
        self.fail_next.clear()

    def pushed(self, kind: str | None = None) -> list[dict[str, Any]]:
        return [p for p in self.pushes.values() if kind is None or p["jenis"] == kind]

    def _refusal(self, request: Request) -> JSONResponse | None:
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return error(401, "TOKEN", "Token tidak sah")
        self.calls.append(f"{request.method} {request.url.path}?{request.url.query}")
        if self.fail_next:
            return error(self.fail_next.popleft(), "GANGGUAN", "Layanan LAPOR! sedang gangguan")
        return None

    async def list_reports(self, request: Request) -> JSONResponse:
        refused = self._refusal(request)
        if refused is not None:
            return refused
        query = request.query_params
        if query.get("status") != "diteruskan":
            return error(422, "STATUS", "status harus diteruskan")
        try:
            page, size = int(query.get("halaman", "1")), int(query.get("per_halaman", "20"))
            since = datetime.fromisoformat(query["sejak"]) if "sejak" in query else None
        except ValueError:
            return error(422, "PARAMETER", "halaman, per_halaman atau sejak tidak sah")
        if page < 1 or not 1 <= size <= 100:
            return error(422, "PARAMETER", "halaman >= 1, per_halaman 1..100")
        chosen = sorted((r for r in self.reports if since is None
                         or datetime.fromisoformat(r["diteruskan_pada"]) >= since),
                        key=lambda r: (datetime.fromisoformat(r["diteruskan_pada"]), r["id"]))
        pages = max(1, -(-len(chosen) // size))
        return JSONResponse({"data": chosen[(page - 1) * size: page * size], "halaman": page,
                             "total_halaman": pages})

    async def push(self, request: Request) -> JSONResponse:
        refused = self._refusal(request)
        if refused is not None:
            return refused
        ref, kind = request.path_params["ref"], KINDS.get(request.path_params["kind"])
        if kind is None:
            return error(404, "JALUR", "Jalur tidak dikenal")
        if not any(r["id"] == ref for r in self.reports):
            return error(404, "LAPORAN", "Laporan tidak ditemukan")
        key = request.headers.get("idempotency-key")
        if not key:
            return error(400, "KUNCI", "Idempotency-Key wajib")
        if key in self.pushes:
            return JSONResponse({"id": self.pushes[key]["id"]})
        try:
            body = await request.json()
        except ValueError:
            return error(400, "JSON", "Badan permintaan bukan JSON")
        if not isinstance(body, dict) or not isinstance(body.get("isi"), str) \
                or not body["isi"].strip() or not isinstance(body.get("waktu"), str):
            return error(422, "ISIAN", "isi dan waktu wajib")
        self.pushes[key] = {"id": f"TL-{uuid.uuid4().hex[:10].upper()}", "laporan": ref,
                            "jenis": kind, "isi": body["isi"], "waktu": body["waktu"],
                            "referensi": body.get("referensi")}
        return JSONResponse({"id": self.pushes[key]["id"]}, status_code=201)

    def app(self) -> Starlette:
        return Starlette(routes=[
            Route("/api/v1/laporan", self.list_reports, methods=["GET"]),
            Route("/api/v1/laporan/{ref}/{kind}", self.push, methods=["POST"]),
        ])


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def serving(standin: LaporStandIn) -> Iterator[str]:
    """Serve ``standin`` over real HTTP on 127.0.0.1 (uvicorn in a thread); yields its URL."""
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(standin.app(), host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(500):
        if server.started:
            break
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
