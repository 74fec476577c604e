"""A local stand-in for the SIASN API the BKD adapter speaks
(services/kepegawaian/adapters/siasn.py): OAuth2 client credentials at ``/oauth2/token``
(HTTP Basic), ``GET /api/v1/pns/{nip}`` and ``POST /api/v1/riwayat-cuti`` with an
``Idempotency-Key``. It checks the token and the body shape, keeps what it was sent, can
revoke the tokens it issued (the next call answers 401) and fail the next calls."""

from __future__ import annotations

import base64
import re
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

LEAVE_KINDS = {"tahunan", "besar", "sakit", "bersalin", "alasan_penting"}
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass
class SiasnStandIn:
    client_id: str = "bkd-lamsel"
    client_secret: str = "rahasia-uji-siasn"
    employees: dict[str, dict[str, Any]] = field(default_factory=dict)
    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Recorded leave by idempotency key."""
    tokens: set[str] = field(default_factory=set)
    token_requests: int = 0
    fail_next: deque[int] = field(default_factory=deque)

    def add(self, nip: str, **data: Any) -> None:
        self.employees[nip] = {"nip": nip, **data}

    def revoke_tokens(self) -> None:
        self.tokens.clear()

    def fail(self, *statuses: int) -> None:
        self.fail_next.extend(statuses)

    async def token(self, request: Request) -> JSONResponse:
        self.token_requests += 1
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        expected = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        form = await request.form()
        if scheme != "Basic" or value != expected:
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        if form.get("grant_type") != "client_credentials":
            return JSONResponse({"error": "unsupported_grant_type"}, status_code=400)
        token = uuid.uuid4().hex
        self.tokens.add(token)
        return JSONResponse({"access_token": token, "token_type": "Bearer",
                             "expires_in": 3600})

    def _refused(self, request: Request) -> JSONResponse | None:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme != "Bearer" or token not in self.tokens:
            return JSONResponse({"code": "UNAUTHORIZED"}, status_code=401)
        if self.fail_next:
            return JSONResponse({"code": "ERROR"}, status_code=self.fail_next.popleft())
        return None

    async def employee(self, request: Request) -> JSONResponse:
        if (refused := self._refused(request)) is not None:
            return refused
        found = self.employees.get(request.path_params["nip"])
        if found is None:
            return JSONResponse({"code": "NOT_FOUND"}, status_code=404)
        return JSONResponse({"data": found})

    async def record(self, request: Request) -> JSONResponse:
        if (refused := self._refused(request)) is not None:
            return refused
        key = request.headers.get("idempotency-key", "")
        if not key:
            return JSONResponse({"code": "IDEMPOTENCY_KEY_REQUIRED"}, status_code=400)
        if key in self.records:
            return JSONResponse({"data": self.records[key]}, status_code=200)
        body = await request.json()
        if not isinstance(body, dict) or body.get("nip") not in self.employees \
                or body.get("jenisCuti") not in LEAVE_KINDS \
                or not all(DATE.fullmatch(str(body.get(k, "")))
                           for k in ("tanggalMulai", "tanggalSelesai")) \
                or not isinstance(body.get("lamaHariKerja"), int):
            return JSONResponse({"code": "VALIDATION_ERROR"}, status_code=422)
        self.records[key] = {"id": f"CUTI-{len(self.records) + 1:06d}", **body}
        return JSONResponse({"data": self.records[key]}, status_code=201)

    def app(self) -> Starlette:
        return Starlette(routes=[
            Route("/oauth2/token", self.token, methods=["POST"]),
            Route("/api/v1/pns/{nip}", self.employee, methods=["GET"]),
            Route("/api/v1/riwayat-cuti", self.record, methods=["POST"]),
        ])
