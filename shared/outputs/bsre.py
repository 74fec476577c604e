"""The BSrE adapter: signing through the national signing service (Balai Sertifikasi
Elektronik, BSSN) over its esign-client HTTP API.

What is assumed about the API (the shape of the esign-client service agencies run; see
``docs/outputs.md``): ``POST <base>/api/sign/pdf`` with HTTP Basic credentials of the
client application and a ``multipart/form-data`` body: ``file`` (the PDF), ``nik`` and
``passphrase`` of the signer's BSrE account, ``tampilan`` (``invisible``: our PDF already
carries the signer block and QR code), ``reason`` and ``location``. On success the answer
is the signed PDF (``application/pdf``); a JSON answer with ``id_dokumen`` means the
signed file is fetched from ``GET <base>/api/sign/download/<id>``. A refusal is a 4xx/5xx
JSON body ``{"error": ..., "status_code": ...}``.

The signer's NIK and passphrase come from :data:`Credentials` (in this code base: the
environment, per agency and role); they are never logged and never part of an error.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx

from shared.outputs.signing import SignerIdentity, SigningFailed

Credentials = Callable[[SignerIdentity], tuple[str, str]]
"""The BSrE account (NIK, passphrase) that signs for ``identity``."""
_DIGITS = re.compile(r"\d{6,}")


def _safe(text: object) -> str:
    return _DIGITS.sub("[angka]", str(text))[:200]


class BsreSigner:
    def __init__(self, base_url: str, username: str, password: str, credentials: Credentials,
                 *, transport: httpx.AsyncBaseTransport | None = None,
                 timeout_s: float = 30.0) -> None:
        self._client = httpx.AsyncClient(base_url=base_url.rstrip("/"), transport=transport,
                                         auth=httpx.BasicAuth(username, password),
                                         timeout=httpx.Timeout(timeout_s, connect=5.0))
        self._credentials = credentials

    async def aclose(self) -> None:
        await self._client.aclose()

    async def sign(self, pdf: bytes, signer: SignerIdentity) -> bytes:
        nik, passphrase = self._credentials(signer)
        data = {"nik": nik, "passphrase": passphrase, "tampilan": "invisible",
                "reason": f"Ditandatangani oleh {signer.jabatan}", "location": "Kalianda"}
        try:
            response = await self._client.post(
                "/api/sign/pdf", data=data,
                files={"file": ("dokumen.pdf", pdf, "application/pdf")})
            if response.headers.get("content-type", "").startswith("application/json") \
                    and response.is_success:
                document = response.json().get("id_dokumen")
                if not document:
                    raise SigningFailed("BSrE: jawaban tanpa dokumen")
                response = await self._client.get(f"/api/sign/download/{document}")
        except httpx.HTTPError as exc:
            raise SigningFailed(f"BSrE tidak dapat dihubungi: {type(exc).__name__}") from None
        if not response.is_success:
            raise SigningFailed(f"BSrE menolak ({response.status_code}): {_error(response)}")
        if not response.content.startswith(b"%PDF"):
            raise SigningFailed("BSrE: jawaban bukan PDF")
        return response.content


def _error(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return "-"
    if not isinstance(body, dict):
        return "-"
    return _safe(f"{body.get('status_code', '-')} {body.get('error') or body.get('message')}")
