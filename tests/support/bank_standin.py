"""A local stand-in for the bank's billing API (services/pajak/adapters/bank.py), and the
bank's client of our confirmation route.

The stand-in checks the bearer token and the body shapes as the protocol says, keeps the
registered codes in memory, and is told by the test that a customer paid a code
(:meth:`BankStandin.pay`); it can also be told to fail with a status. :class:`BankClient`
is the bank's side calling ``POST /bank/konfirmasi`` with its integration account's token."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

REGISTER_KEYS = {"kode": str, "jumlah": int, "berlaku_sampai": str, "nop": str, "tahun": int}


@dataclass
class BankStandin:
    token: str = "rahasia-bank-uji"
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    payments: dict[str, dict[str, Any]] = field(default_factory=dict)
    fail_with: int | None = None
    requests: int = 0

    def pay(self, kode: str, referensi: str, at: datetime) -> None:
        code = self.codes[kode]
        self.payments[kode] = {"referensi": referensi, "jumlah": code["jumlah"],
                               "dibayar_pada": at.isoformat()}

    def _refusal(self, request: Request) -> JSONResponse | None:
        self.requests += 1
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return JSONResponse({"error": "unauthorized"}, status_code=401)
        if self.fail_with is not None:
            return JSONResponse({"error": "unavailable"}, status_code=self.fail_with)
        return None

    async def register(self, request: Request) -> JSONResponse:
        refused = self._refusal(request)
        if refused is not None:
            return refused
        body = await request.json()
        if not isinstance(body, dict) or any(not isinstance(body.get(k), t)
                                             for k, t in REGISTER_KEYS.items()):
            return JSONResponse({"error": "bad body"}, status_code=400)
        datetime.fromisoformat(body["berlaku_sampai"])
        known = self.codes.get(body["kode"])
        if known is not None:
            return JSONResponse({"kode": body["kode"], "status": "terdaftar"},
                                status_code=200) if known == body else JSONResponse(
                {"error": "kode sudah terdaftar dengan isi lain"}, status_code=409)
        self.codes[body["kode"]] = body
        return JSONResponse({"kode": body["kode"], "status": "terdaftar"}, status_code=201)

    async def status(self, request: Request) -> JSONResponse:
        refused = self._refusal(request)
        if refused is not None:
            return refused
        kode = request.path_params["kode"]
        if kode not in self.codes:
            return JSONResponse({"error": "tidak dikenal"}, status_code=404)
        paid = self.payments.get(kode)
        if paid is None:
            return JSONResponse({"kode": kode, "status": "belum_dibayar", "referensi": None,
                                 "jumlah": None, "dibayar_pada": None})
        return JSONResponse({"kode": kode, "status": "dibayar", **paid})

    def app(self) -> Starlette:
        return Starlette(routes=[
            Route("/v1/kode-bayar", self.register, methods=["POST"]),
            Route("/v1/kode-bayar/{kode}", self.status, methods=["GET"])])

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app()),
                                 base_url="http://bank")


@dataclass
class BankClient:
    """The bank calling our confirmation route as its integration account."""

    service: httpx.AsyncClient
    headers: dict[str, str]

    async def confirm(self, kode: str, jumlah: int, referensi: str, at: datetime
                      ) -> httpx.Response:
        return await self.service.post("/bank/konfirmasi", headers=self.headers, json={
            "kode": kode, "jumlah": jumlah, "referensi": referensi,
            "dibayar_pada": at.isoformat()})
