"""The bank where PBB-P2 is paid (Bank Lampung), the side we call OUT to.

The bank's inbound confirmation is our route (``POST /bank/konfirmasi``). Out of the service
go: registering a payment code so mobile banking can scan and pay it, and asking the status of
a code, for a confirmation the bank's callback never delivered. The protocol is HTTP JSON with a
bearer token (the host-to-host billing API banks offer regional governments):

* ``POST {base}/v1/kode-bayar`` ``{kode, jumlah, berlaku_sampai, nop, tahun}`` -> 201
  ``{kode, status: "terdaftar"}`` (200 when already registered with the same content,
  409 ``{error}`` with other content);
* ``GET {base}/v1/kode-bayar/{kode}`` -> 200 ``{kode, status: "belum_dibayar"|"dibayar",
  referensi, jumlah, dibayar_pada}``, 404 when unknown.

Chosen by settings: ``HALO_PAJAK_BANK_URL`` (none: no bank to call, the sync loop idles),
``HALO_PAJAK_BANK_TOKEN``, ``HALO_PAJAK_BANK_NAME`` (the bank's integration account, under
whose name a payment found by the sync is recorded, so its late callback is a replay).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

import httpx

from shared.settings import env


class BankUnavailable(Exception):
    """The bank did not answer as its protocol says (network, 5xx, a body out of shape)."""


@dataclass(frozen=True)
class CodeToRegister:
    kode: str
    jumlah: int
    berlaku_sampai: datetime
    nop: str
    tahun: int


@dataclass(frozen=True)
class CodeStatus:
    kode: str
    dibayar: bool
    referensi: str | None = None
    jumlah: int | None = None
    dibayar_pada: datetime | None = None


class BankGateway(Protocol):
    name: str

    async def register(self, code: CodeToRegister) -> None: ...

    async def status(self, kode: str) -> CodeStatus | None: ...


@dataclass(frozen=True)
class BankSettings:
    url: str
    token: str
    name: str

    @classmethod
    def from_env(cls) -> BankSettings | None:
        url = env("HALO_PAJAK_BANK_URL")
        if not url:
            return None
        return cls(url=url.rstrip("/"), token=env("HALO_PAJAK_BANK_TOKEN", "") or "",
                   name=env("HALO_PAJAK_BANK_NAME", "integrasi.banklampung")
                   or "integrasi.banklampung")


class HttpBank:
    """The bank's billing API over HTTP (httpx); ``client`` may be handed in (tests)."""

    def __init__(self, settings: BankSettings, client: httpx.AsyncClient | None = None) -> None:
        self.name = settings.name
        self._base = settings.url
        self._headers = {"Authorization": f"Bearer {settings.token}",
                         "Accept": "application/json"}
        self._client = client or httpx.AsyncClient(timeout=httpx.Timeout(10.0))

    async def aclose(self) -> None:
        await self._client.aclose()

    async def register(self, code: CodeToRegister) -> None:
        body = {"kode": code.kode, "jumlah": code.jumlah,
                "berlaku_sampai": code.berlaku_sampai.isoformat(), "nop": code.nop,
                "tahun": code.tahun}
        try:
            answer = await self._client.post(f"{self._base}/v1/kode-bayar", json=body,
                                             headers=self._headers)
        except httpx.HTTPError as exc:
            raise BankUnavailable(type(exc).__name__) from exc
        if answer.status_code not in (200, 201):
            raise BankUnavailable(f"register: HTTP {answer.status_code}")

    async def status(self, kode: str) -> CodeStatus | None:
        try:
            answer = await self._client.get(f"{self._base}/v1/kode-bayar/{kode}",
                                            headers=self._headers)
        except httpx.HTTPError as exc:
            raise BankUnavailable(type(exc).__name__) from exc
        if answer.status_code == 404:
            return None
        if answer.status_code != 200:
            raise BankUnavailable(f"status: HTTP {answer.status_code}")
        try:
            data = answer.json()
            paid = data["status"] == "dibayar"
            return CodeStatus(
                kode=str(data["kode"]), dibayar=paid,
                referensi=str(data["referensi"]) if paid else None,
                jumlah=int(data["jumlah"]) if paid else None,
                dibayar_pada=datetime.fromisoformat(data["dibayar_pada"]) if paid else None)
        except (ValueError, KeyError, TypeError) as exc:
            raise BankUnavailable("status: body out of shape") from exc
