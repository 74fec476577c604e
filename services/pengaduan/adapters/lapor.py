"""SP4N-LAPOR!, the national complaint channel: the reports it assigns to the regency come in,
the regency's follow-ups and closings go back.

The protocol (JSON over HTTPS, ``Authorization: Bearer <token>``, the regency's integration
account):

``GET {url}/api/v1/laporan?status=diteruskan&sejak=<ISO-8601>&halaman=<n>&per_halaman=<k>``
lists the reports assigned (``diteruskan``) to the regency since a moment (``sejak``,
inclusive; absent: all), oldest first: ``200 {"data": [<laporan>...], "halaman": n,
"total_halaman": m}``. A ``laporan`` is ``{"id", "judul", "isi", "kategori", "instansi",
"lokasi", "tanggal_kejadian" (date|null), "tanggal_laporan", "diteruskan_pada",
"kerahasiaan": "biasa"|"rahasia"|"anonim", "pelapor": {"id", "nama", "nik", "telepon",
"alamat"} | null}`` (``pelapor`` is null for an anonymous report; any of its fields may be
null). Page numbers start at 1; ``per_halaman`` is at most 100.

``POST {url}/api/v1/laporan/{id}/terima`` (the regency took the report in, with our tracking
number), ``.../tindak-lanjut`` (a follow-up) and ``.../selesai`` (the closing, with its
outcome), each with ``Idempotency-Key: <our push id>`` and ``{"isi", "waktu", "referensi"}``:
``201 {"id"}``; the same key again answers ``200`` with the same ``id`` (a resend after a
lost answer records nothing twice).

Errors: ``{"kode", "pesan"}``. 401/403, 408, 429, 5xx and network errors are
:class:`LaporUnavailable` (retry later); any other 4xx :class:`LaporRefused` (retrying will
not help). Error texts name the HTTP status or LAPOR!'s code only, never a value sent or
received (reports carry personal data).

Settings: ``HALO_PENGADUAN_LAPOR_URL`` (none: LAPOR! is not used),
``HALO_PENGADUAN_LAPOR_TOKEN`` (required with the URL), ``HALO_PENGADUAN_LAPOR_TIMEOUT_S`` (5).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal, Protocol
from urllib.parse import quote

import httpx

from shared.settings import SettingsError, env

RETRY_STATUSES = frozenset({401, 403, 408, 429})
PushKind = Literal["terima", "tindak_lanjut", "selesai"]
PATHS: dict[str, str] = {"terima": "terima", "tindak_lanjut": "tindak-lanjut",
                         "selesai": "selesai"}
LEVELS = ("biasa", "rahasia", "anonim")
PAGE_SIZE = 50
MAX_PAGES = 200


class LaporUnavailable(Exception):
    """LAPOR! could not answer now (network, timeout, overload, token): try again later."""


class LaporRefused(Exception):
    """LAPOR! refused the request as such (a 4xx other than the retryable ones)."""


@dataclass(frozen=True)
class Reporter:
    id: str | None = None
    nama: str | None = None
    nik: str | None = None
    telepon: str | None = None
    alamat: str | None = None

    def as_data(self) -> dict[str, str | None]:
        return {"id": self.id, "nama": self.nama, "nik": self.nik, "telepon": self.telepon,
                "alamat": self.alamat}


@dataclass(frozen=True)
class LaporReport:
    id: str
    judul: str
    isi: str
    kategori: str | None
    instansi: str | None
    lokasi: str | None
    tanggal_kejadian: date | None
    tanggal_laporan: datetime
    diteruskan_pada: datetime
    kerahasiaan: str = "biasa"
    pelapor: Reporter | None = field(default=None, repr=False)


class LaporClient(Protocol):
    async def pull_assigned(self, since: datetime | None) -> list[LaporReport]:
        """Every report assigned to the regency since ``since`` (all pages), oldest first."""
        ...

    async def push(self, kind: PushKind, ref: str, text: str, at: datetime, key: str,
                   reference: str | None = None) -> str:
        """Send a ``terima``/``tindak_lanjut``/``selesai`` for report ``ref``; LAPOR!'s id."""
        ...

    async def aclose(self) -> None: ...


@dataclass(frozen=True)
class LaporSettings:
    url: str
    token: str = field(repr=False)
    timeout_s: float = 5.0


def lapor_settings_from_env() -> LaporSettings | None:
    """The LAPOR! settings, or None when no URL is set; a URL without a token stops the start."""
    url = (env("HALO_PENGADUAN_LAPOR_URL") or "").strip()
    if not url:
        return None
    token = (env("HALO_PENGADUAN_LAPOR_TOKEN") or "").strip()
    if not token:
        raise SettingsError("HALO_PENGADUAN_LAPOR_TOKEN wajib diisi bila "
                            "HALO_PENGADUAN_LAPOR_URL diisi")
    try:
        timeout = float(env("HALO_PENGADUAN_LAPOR_TIMEOUT_S") or "5")
    except ValueError:
        raise SettingsError("HALO_PENGADUAN_LAPOR_TIMEOUT_S harus berupa angka detik") from None
    return LaporSettings(url=url.rstrip("/"), token=token, timeout_s=timeout)


def _error_class(response: httpx.Response) -> str:
    try:
        code = response.json().get("kode")
    except (ValueError, AttributeError):
        code = None
    return f"lapor-{code}"[:60] if isinstance(code, str) and code.isascii() \
        else f"http-{response.status_code}"


def _text(value: Any, limit: int) -> str | None:
    return value.strip()[:limit] if isinstance(value, str) and value.strip() else None


def _moment(value: Any) -> datetime:
    if not isinstance(value, str):
        raise LaporRefused("bad-report")
    try:
        at = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise LaporRefused("bad-report") from None
    if at.tzinfo is None:
        raise LaporRefused("bad-report")
    return at


def report_of(item: Any) -> LaporReport:
    """One ``laporan`` of a page (:class:`LaporRefused` ``bad-report`` when it is malformed)."""
    if not isinstance(item, dict) or not _text(item.get("id"), 60):
        raise LaporRefused("bad-report")
    who = item.get("pelapor")
    reporter = Reporter(**{k: _text(who.get(k), 200) for k in
                           ("id", "nama", "nik", "telepon", "alamat")}) \
        if isinstance(who, dict) else None
    happened = item.get("tanggal_kejadian")
    try:
        day = date.fromisoformat(happened) if isinstance(happened, str) else None
    except ValueError:
        day = None
    level = item.get("kerahasiaan")
    return LaporReport(
        id=str(_text(item["id"], 60)), judul=_text(item.get("judul"), 200) or "(tanpa judul)",
        isi=_text(item.get("isi"), 5000) or "(tanpa isi)",
        kategori=_text(item.get("kategori"), 60), instansi=_text(item.get("instansi"), 60),
        lokasi=_text(item.get("lokasi"), 200), tanggal_kejadian=day,
        tanggal_laporan=_moment(item.get("tanggal_laporan")),
        diteruskan_pada=_moment(item.get("diteruskan_pada")),
        kerahasiaan=level if level in LEVELS else "biasa", pelapor=reporter)


class HttpLapor:
    """The real adapter (httpx); ``transport`` lets tests speak to a stand-in in process."""

    def __init__(self, settings: LaporSettings,
                 transport: httpx.AsyncBaseTransport | None = None,
                 page_size: int = PAGE_SIZE) -> None:
        self._page_size = page_size
        self._client = httpx.AsyncClient(
            base_url=settings.url, transport=transport,
            timeout=httpx.Timeout(settings.timeout_s, connect=min(settings.timeout_s, 5.0)),
            headers={"Authorization": f"Bearer {settings.token}",
                     "Accept": "application/json"})

    async def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        try:
            response = await self._client.request(method, path, **kwargs)
        except httpx.TimeoutException:
            raise LaporUnavailable("timeout") from None
        except httpx.TransportError as exc:
            raise LaporUnavailable(f"transport-{type(exc).__name__}") from None
        status = response.status_code
        if status in RETRY_STATUSES or status >= 500:
            raise LaporUnavailable(_error_class(response))
        if status >= 400:
            raise LaporRefused(_error_class(response))
        try:
            answer = response.json()
        except ValueError:
            raise LaporUnavailable("bad-json") from None
        if not isinstance(answer, dict):
            raise LaporUnavailable("bad-json")
        return answer

    async def pull_assigned(self, since: datetime | None) -> list[LaporReport]:
        found: list[LaporReport] = []
        page, pages = 1, 1
        while page <= min(pages, MAX_PAGES):
            params: dict[str, Any] = {"status": "diteruskan", "halaman": page,
                                      "per_halaman": self._page_size}
            if since is not None:
                params["sejak"] = since.isoformat()
            answer = await self._call("GET", "/api/v1/laporan", params=params)
            items = answer.get("data")
            total = answer.get("total_halaman")
            if not isinstance(items, list) or not isinstance(total, int):
                raise LaporUnavailable("bad-page")
            found += [report_of(item) for item in items]
            pages, page = total, page + 1
        return found

    async def push(self, kind: PushKind, ref: str, text: str, at: datetime, key: str,
                   reference: str | None = None) -> str:
        answer = await self._call(
            "POST", f"/api/v1/laporan/{quote(ref, safe='')}/{PATHS[kind]}",
            json={"isi": text, "waktu": at.isoformat(), "referensi": reference},
            headers={"Idempotency-Key": key})
        got = answer.get("id")
        if not isinstance(got, str) or not got:
            raise LaporUnavailable("no-id")
        return got[:80]

    async def aclose(self) -> None:
        await self._client.aclose()
