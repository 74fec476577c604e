"""SIAK (Sistem Informasi Administrasi Kependudukan), Disdukcapil's civil registry.

Two uses: the verification step asks whether the applicant's NIK exists and agrees with the
KK number, the name and the birth date; the completion records the number of the document
issued. The protocol (JSON over HTTPS, ``Authorization: Bearer <token>``):

``POST {url}/api/v1/penduduk/verifikasi`` with ``{"nik", "nomor_kk", "nama",
"tanggal_lahir"}`` (every field but ``nik`` may be null: not compared). The answer never
carries population data, only the comparison: ``200 {"ditemukan": bool, "status":
"aktif"|"meninggal"|"pindah"|null, "cocok": {"nomor_kk": bool|null, "nama": bool|null,
"tanggal_lahir": bool|null}}`` (null: not asked). The NIK travels in the body, never in a
URL (which access logs keep).

``POST {url}/api/v1/dokumen`` with ``Idempotency-Key: <our record id>`` and ``{"jenis",
"nomor_dokumen", "nik", "kode_verifikasi", "tanggal_terbit", "referensi"}``: ``201 {"id",
"diterima_pada"}``; the same key again answers ``200`` with the same ``id`` (a retry after a
lost answer records nothing twice).

Errors: ``{"kode", "pesan"}``. 401/403 (a token to renew), 408, 429, 5xx and network errors
are :class:`SiakUnavailable` (retry later); any other 4xx is :class:`SiakRefused` (the
request itself is wrong: retrying will not help). Error texts name the HTTP status or the
SIAK code only, never a value sent.

Settings: ``HALO_DUKCAPIL_SIAK_URL`` (none: SIAK is not used, see docs/departments.md),
``HALO_DUKCAPIL_SIAK_TOKEN`` (required with the URL), ``HALO_DUKCAPIL_SIAK_TIMEOUT_S`` (5).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

import httpx

from shared.settings import SettingsError, env

RETRY_STATUSES = frozenset({401, 403, 408, 429})


class SiakUnavailable(Exception):
    """SIAK could not answer now (network, timeout, overload, token): try again later."""


class SiakRefused(Exception):
    """SIAK refused the request as such (a 4xx other than the retryable ones)."""


@dataclass(frozen=True)
class SiakQuery:
    nik: str
    nomor_kk: str | None = None
    nama: str | None = None
    tanggal_lahir: date | None = None


@dataclass(frozen=True)
class SiakAnswer:
    found: bool
    status: str | None = None
    matches: dict[str, bool | None] = field(default_factory=dict)

    @property
    def mismatched(self) -> list[str]:
        """The compared fields that do not agree (``nik`` when the NIK is unknown)."""
        if not self.found:
            return ["nik"]
        return [k for k, v in self.matches.items() if v is False]

    def as_data(self) -> dict[str, Any]:
        """For the history entry and the event: comparisons only, no value."""
        return {"ditemukan": self.found, "status": self.status, "cocok": dict(self.matches)}


@dataclass(frozen=True)
class SiakDocument:
    kind: str
    number: str
    nik: str
    verify_code: str | None
    issued_on: date
    reference: str


class SiakClient(Protocol):
    async def verify(self, query: SiakQuery) -> SiakAnswer: ...

    async def record(self, document: SiakDocument, key: str) -> str:
        """Record an issued document; returns SIAK's id of the record."""
        ...

    async def aclose(self) -> None: ...


@dataclass(frozen=True)
class SiakSettings:
    url: str
    token: str = field(repr=False)
    timeout_s: float = 5.0


def siak_settings_from_env() -> SiakSettings | None:
    """The SIAK settings, or None when no URL is set; a URL without a token stops the start."""
    url = (env("HALO_DUKCAPIL_SIAK_URL") or "").strip()
    if not url:
        return None
    token = (env("HALO_DUKCAPIL_SIAK_TOKEN") or "").strip()
    if not token:
        raise SettingsError("HALO_DUKCAPIL_SIAK_TOKEN wajib diisi bila HALO_DUKCAPIL_SIAK_URL "
                            "diisi")
    try:
        timeout = float(env("HALO_DUKCAPIL_SIAK_TIMEOUT_S") or "5")
    except ValueError:
        raise SettingsError("HALO_DUKCAPIL_SIAK_TIMEOUT_S harus berupa angka detik") from None
    return SiakSettings(url=url.rstrip("/"), token=token, timeout_s=timeout)


def _error_class(response: httpx.Response) -> str:
    try:
        code = response.json().get("kode")
    except (ValueError, AttributeError):
        code = None
    return f"siak-{code}"[:60] if isinstance(code, str) and code.isascii() \
        else f"http-{response.status_code}"


class HttpSiak:
    """The real adapter (httpx); ``transport`` lets tests speak to the local stand-in."""

    def __init__(self, settings: SiakSettings,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self._client = httpx.AsyncClient(
            base_url=settings.url, transport=transport,
            timeout=httpx.Timeout(settings.timeout_s, connect=min(settings.timeout_s, 5.0)),
            headers={"Authorization": f"Bearer {settings.token}",
                     "Accept": "application/json"})

    async def _post(self, path: str, body: dict[str, Any],
                    headers: dict[str, str] | None = None) -> dict[str, Any]:
        try:
            response = await self._client.post(path, json=body, headers=headers)
        except httpx.TimeoutException:
            raise SiakUnavailable("timeout") from None
        except httpx.TransportError as exc:
            raise SiakUnavailable(f"transport-{type(exc).__name__}") from None
        status = response.status_code
        if status in RETRY_STATUSES or status >= 500:
            raise SiakUnavailable(_error_class(response))
        if status >= 400:
            raise SiakRefused(_error_class(response))
        try:
            answer = response.json()
        except ValueError:
            raise SiakUnavailable("bad-json") from None
        if not isinstance(answer, dict):
            raise SiakUnavailable("bad-json")
        return answer

    async def verify(self, query: SiakQuery) -> SiakAnswer:
        answer = await self._post("/api/v1/penduduk/verifikasi", {
            "nik": query.nik, "nomor_kk": query.nomor_kk, "nama": query.nama,
            "tanggal_lahir": query.tanggal_lahir.isoformat() if query.tanggal_lahir else None})
        cocok = answer.get("cocok")
        matches: dict[str, Any] = cocok if isinstance(cocok, dict) else {}
        status = answer.get("status")
        return SiakAnswer(
            found=answer.get("ditemukan") is True,
            status=status if isinstance(status, str) else None,
            matches={k: v for k, v in matches.items()
                     if k in ("nomor_kk", "nama", "tanggal_lahir")
                     and (v is None or isinstance(v, bool))})

    async def record(self, document: SiakDocument, key: str) -> str:
        answer = await self._post("/api/v1/dokumen", {
            "jenis": document.kind, "nomor_dokumen": document.number, "nik": document.nik,
            "kode_verifikasi": document.verify_code,
            "tanggal_terbit": document.issued_on.isoformat(), "referensi": document.reference,
        }, headers={"Idempotency-Key": key})
        ref = answer.get("id")
        if not isinstance(ref, str) or not ref:
            raise SiakUnavailable("no-id")
        return ref[:80]

    async def aclose(self) -> None:
        await self._client.aclose()
