"""A local stand-in for BSrE's esign-client API (:mod:`shared.outputs.bsre` documents the
protocol), for development and the adapter's tests.

A small Starlette app: ``POST /api/sign/pdf`` checks the client's Basic credentials and
the signer account's NIK and passphrase, then signs the uploaded PDF with pyHanko and a
certificate of the local test CA issued to that account, answering ``application/pdf``.
Refusals answer JSON ``{"error", "status_code"}`` like the service: 401 for the client, 400
for a missing file or field, 401 with ``status_code`` 2031 for a wrong passphrase, 404 for
an unknown account.

``python -m shared.outputs.bsre_standin`` serves it (the compose file runs it for a local trial
of the production images): client credentials ``HALO_BSRE_USER``/``HALO_BSRE_PASSWORD``, one
signing account ``HALO_BSRE_NIK``/``HALO_BSRE_PASSPHRASE``, its CA under
``HALO_BSRE_STANDIN_DIR`` (default ``var/bsre-standin``). Never point production at it.
"""

from __future__ import annotations

import argparse
import base64
import secrets
from dataclasses import dataclass
from pathlib import Path

from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from shared.outputs.ca import LocalCa
from shared.outputs.signing import pades_sign
from shared.settings import SettingsError, env, var_dir


@dataclass(frozen=True)
class Account:
    """A BSrE signing account: its passphrase and the name on its certificate."""

    passphrase: str
    name: str
    organisation: str


def _refuse(status: int, code: int, error: str) -> JSONResponse:
    return JSONResponse({"error": error, "status_code": code}, status_code=status)


def _client_ok(request: Request, username: str, password: str) -> bool:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return False
    try:
        user, _, secret = base64.b64decode(value).decode().partition(":")
    except ValueError:
        return False
    return secrets.compare_digest(user, username) and secrets.compare_digest(secret, password)


def create_standin(ca: LocalCa, accounts: dict[str, Account], username: str,
                   password: str) -> Starlette:
    async def sign_pdf(request: Request) -> Response:
        if not _client_ok(request, username, password):
            return _refuse(401, 1001, "Unauthorized client")
        form = await request.form()
        upload, nik, passphrase = form.get("file"), form.get("nik"), form.get("passphrase")
        if not isinstance(upload, UploadFile) or not isinstance(nik, str) \
                or not isinstance(passphrase, str):
            return _refuse(400, 1002, "file, nik and passphrase are required")
        pdf = await upload.read()
        if not pdf.startswith(b"%PDF"):
            return _refuse(400, 2001, "file is not a PDF")
        account = accounts.get(nik)
        if account is None:
            return _refuse(404, 1111, "user not registered")
        if not secrets.compare_digest(account.passphrase, passphrase):
            return _refuse(401, 2031, "passphrase salah")
        reason = str(form.get("reason") or "Ditandatangani secara elektronik")
        signed = await pades_sign(pdf, ca, f"bsre:{nik}", account.name, account.organisation,
                                  reason=reason, location=str(form.get("location") or ""))
        return Response(signed, media_type="application/pdf")

    return Starlette(routes=[Route("/api/sign/pdf", sign_pdf, methods=["POST"])])


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description="BSrE esign-client stand-in (tests, trials)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8090)
    args = parser.parse_args()
    values = {name: env(name) for name in ("HALO_BSRE_USER", "HALO_BSRE_PASSWORD",
                                           "HALO_BSRE_NIK", "HALO_BSRE_PASSPHRASE")}
    missing = [name for name, value in values.items() if not value]
    if missing:
        raise SettingsError(f"stand-in BSrE membutuhkan {', '.join(missing)}")
    folder = Path(env("HALO_BSRE_STANDIN_DIR") or var_dir() / "bsre-standin")
    account = Account(str(values["HALO_BSRE_PASSPHRASE"]), "Penandatangan Uji Halo Lamsel",
                      "Pemerintah Kabupaten Lampung Selatan")
    app = create_standin(LocalCa(folder), {str(values["HALO_BSRE_NIK"]): account},
                         str(values["HALO_BSRE_USER"]), str(values["HALO_BSRE_PASSWORD"]))
    uvicorn.run(app, host=args.host, port=args.port)


if __name__ == "__main__":
    main()
