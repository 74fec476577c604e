"""SIASN (Sistem Informasi ASN, BKN): an employee's data and the record of a granted leave.

The interface (:class:`Siasn`) is what the service needs: ``employee(nip)`` (position, unit,
kind of employee, TMT CPNS) and ``record_leave(...)``. :class:`HttpSiasn` speaks a JSON API
in the manner of BKN's API gateway for instances: an OAuth2 client-credentials token from
``POST {url}/oauth2/token`` (``grant_type=client_credentials``, HTTP Basic client id and
secret; ``{"access_token", "token_type": "Bearer", "expires_in"}``), then

- ``GET {url}/api/v1/pns/{nip}`` -> 200 ``{"data": {"nip", "nama", "jabatan", "jenisJabatan",
  "unorNama", "kedudukanHukum", "tmtCpns"}}`` or 404 ``{"code": "NOT_FOUND"}``;
- ``POST {url}/api/v1/riwayat-cuti`` with ``Idempotency-Key: <case id>`` and ``{"nip",
  "jenisCuti", "tanggalMulai", "tanggalSelesai", "lamaHariKerja", "nomorReferensi"}`` -> 201
  (or 200 for a repeated key) ``{"data": {"id"}}``.

A 401 refreshes the token once. Chosen by settings: ``HALO_KEPEGAWAIAN_SIASN_URL``,
``HALO_KEPEGAWAIAN_SIASN_CLIENT_ID``, ``HALO_KEPEGAWAIAN_SIASN_CLIENT_SECRET`` (none set:
no adapter, the routes that need SIASN answer 503 and records stay queued). The local
stand-in is tests/support/siasn_standin.py.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

import httpx

KINDS = {"PNS": "pns", "CPNS": "cpns", "PPPK": "pppk"}


class SiasnUnavailable(RuntimeError):
    """SIASN did not answer usefully (network, 5xx, refused token, unexpected body)."""


@dataclass(frozen=True)
class SiasnEmployee:
    nip: str
    name: str
    jabatan: str
    position: str
    unit: str
    kind: str
    tmt_cpns: date


@dataclass(frozen=True)
class LeaveRecord:
    case_id: str
    nip: str
    kind: str
    start: date
    end: date
    working_days: int
    reference: str


class Siasn(Protocol):
    async def employee(self, nip: str) -> SiasnEmployee | None: ...

    async def record_leave(self, record: LeaveRecord) -> str: ...


@dataclass(frozen=True)
class SiasnSettings:
    url: str
    client_id: str
    client_secret: str
    timeout_s: float = 10.0

    @classmethod
    def from_env(cls) -> SiasnSettings | None:
        url = os.environ.get("HALO_KEPEGAWAIAN_SIASN_URL", "").strip()
        if not url:
            return None
        return cls(url.rstrip("/"), os.environ.get("HALO_KEPEGAWAIAN_SIASN_CLIENT_ID", ""),
                   os.environ.get("HALO_KEPEGAWAIAN_SIASN_CLIENT_SECRET", ""))


class HttpSiasn:
    def __init__(self, conf: SiasnSettings,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.conf = conf
        self._transport = transport
        self._token: str | None = None
        self._expires = 0.0

    def _client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.conf.url, transport=self._transport,
                                 timeout=httpx.Timeout(self.conf.timeout_s))

    async def _get_token(self, client: httpx.AsyncClient) -> str:
        if self._token and time.monotonic() < self._expires:
            return self._token
        try:
            answer = await client.post("/oauth2/token", data={"grant_type": "client_credentials"},
                                       auth=(self.conf.client_id, self.conf.client_secret))
            body = answer.json() if answer.status_code == 200 else None
        except (httpx.HTTPError, ValueError) as exc:
            raise SiasnUnavailable(type(exc).__name__) from None
        if not isinstance(body, dict) or not isinstance(body.get("access_token"), str):
            raise SiasnUnavailable(f"token {answer.status_code}")
        self._token = body["access_token"]
        self._expires = time.monotonic() + max(0, int(body.get("expires_in", 60)) - 30)
        return self._token

    async def _call(self, method: str, path: str, **kw: Any) -> httpx.Response:
        async with self._client() as client:
            for attempt in (1, 2):
                token = await self._get_token(client)
                headers = {"Authorization": f"Bearer {token}", "Accept": "application/json",
                           **kw.pop("headers", {})}
                try:
                    answer = await client.request(method, path, headers=headers, **kw)
                except httpx.HTTPError as exc:
                    raise SiasnUnavailable(type(exc).__name__) from None
                if answer.status_code == 401 and attempt == 1:
                    self._token = None
                    kw["headers"] = {k: v for k, v in headers.items()
                                     if k not in ("Authorization", "Accept")}
                    continue
                if answer.status_code >= 500 or answer.status_code == 401:
                    raise SiasnUnavailable(f"status {answer.status_code}")
                return answer
        raise SiasnUnavailable("unreachable")  # pragma: no cover

    async def employee(self, nip: str) -> SiasnEmployee | None:
        answer = await self._call("GET", f"/api/v1/pns/{nip}")
        if answer.status_code == 404:
            return None
        try:
            data = answer.json()["data"]
            return SiasnEmployee(
                nip=str(data["nip"]), name=str(data["nama"]), jabatan=str(data["jabatan"]),
                position=str(data["jenisJabatan"]), unit=str(data["unorNama"]),
                kind=KINDS[str(data["kedudukanHukum"]).upper()],
                tmt_cpns=date.fromisoformat(str(data["tmtCpns"])))
        except (ValueError, KeyError, TypeError) as exc:
            raise SiasnUnavailable(f"body {type(exc).__name__}") from None

    async def record_leave(self, record: LeaveRecord) -> str:
        answer = await self._call(
            "POST", "/api/v1/riwayat-cuti", headers={"Idempotency-Key": record.case_id},
            json={"nip": record.nip, "jenisCuti": record.kind,
                  "tanggalMulai": record.start.isoformat(),
                  "tanggalSelesai": record.end.isoformat(),
                  "lamaHariKerja": record.working_days, "nomorReferensi": record.reference})
        if answer.status_code not in (200, 201):
            raise SiasnUnavailable(f"status {answer.status_code}")
        try:
            return str(answer.json()["data"]["id"])
        except (ValueError, KeyError, TypeError) as exc:
            raise SiasnUnavailable(f"body {type(exc).__name__}") from None


def siasn_from_env() -> Siasn | None:
    conf = SiasnSettings.from_env()
    return HttpSiasn(conf) if conf is not None else None
