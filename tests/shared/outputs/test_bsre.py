"""The BSrE adapter against the local stand-in over real HTTP (uvicorn on 127.0.0.1, a
random port): the signed PDF validates; a wrong passphrase, an unknown account or wrong
client credentials are a :class:`SigningFailed` that names no NIK or passphrase."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import httpx
import pytest
import uvicorn

from shared.outputs.bsre import BsreSigner
from shared.outputs.bsre_standin import Account, create_standin
from shared.outputs.ca import LocalCa
from shared.outputs.render import render_pdf
from shared.outputs.settings import env_credentials
from shared.outputs.signing import SignerIdentity, SigningFailed
from tests.shared.outputs.support import validate
from tests.shared.outputs.test_pdf_and_signature import document

NIK = "1801010101700009"
PASSPHRASE = "rahasia-kadis"
IDENTITY = SignerIdentity(subject="kadis-1", name="Kepala Dinas Disdukcapil",
                          role="kepala_dinas", jabatan="Kepala Dinas", agency="disdukcapil",
                          agency_name="Dinas Kependudukan dan Pencatatan Sipil")
CA = LocalCa()


@pytest.fixture(scope="module")
async def bsre_url() -> AsyncIterator[str]:
    app = create_standin(CA, {NIK: Account(PASSPHRASE, "Kepala Dinas Uji", "Disdukcapil")},
                         "halo-lamsel", "client-secret")
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)  # connections wait in the backlog until the server accepts them
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
        sock.close()


def signer(url: str, *, user: str = "halo-lamsel", password: str = "client-secret",
           passphrase: str = PASSPHRASE, nik: str = NIK) -> BsreSigner:
    return BsreSigner(url, user, password, lambda _identity: (nik, passphrase))


PDF = render_pdf(document())


async def test_the_adapter_gets_a_signed_pdf_that_validates(bsre_url: str) -> None:
    bsre = signer(bsre_url)
    try:
        signed = await bsre.sign(PDF, IDENTITY)
    finally:
        await bsre.aclose()
    status = await validate(signed, CA)
    assert status.intact and status.trusted
    assert "Kepala Dinas Uji" in status.signing_cert.subject.human_friendly
    assert signed.startswith(PDF[:8]) and len(signed) > len(PDF)


@pytest.mark.parametrize(("kwargs", "expected"), [
    ({"passphrase": "salah"}, "BSrE menolak (401): 2031 passphrase salah"),
    ({"nik": "1801010101700001"}, "BSrE menolak (404): 1111 user not registered"),
    ({"password": "bukan"}, "BSrE menolak (401): 1001 Unauthorized client"),
])
async def test_refusals_say_why_without_the_credentials(bsre_url: str, kwargs: dict[str, str],
                                                       expected: str) -> None:
    bsre = signer(bsre_url, **kwargs)
    try:
        with pytest.raises(SigningFailed) as failure:
            await bsre.sign(PDF, IDENTITY)
    finally:
        await bsre.aclose()
    assert str(failure.value) == expected
    assert NIK not in str(failure.value) and PASSPHRASE not in str(failure.value)


async def test_an_unreachable_service_is_a_signing_failure() -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    bsre = signer(f"http://127.0.0.1:{port}")
    try:
        with pytest.raises(SigningFailed, match="tidak dapat dihubungi: ConnectError"):
            await bsre.sign(PDF, IDENTITY)
    finally:
        await bsre.aclose()


async def test_a_download_answer_is_followed() -> None:
    """A service answering ``{"id_dokumen"}`` gives the file at ``/api/sign/download/<id>``."""
    signed = b"%PDF-1.3 signed"

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/sign/pdf":
            assert b'name="nik"' in request.content and b'name="file"' in request.content
            assert request.headers["authorization"].startswith("Basic ")
            return httpx.Response(200, json={"id_dokumen": "abc123"})
        assert request.url.path == "/api/sign/download/abc123"
        return httpx.Response(200, content=signed, headers={"content-type": "application/pdf"})

    bsre = BsreSigner("http://bsre.test", "u", "p", lambda _i: (NIK, PASSPHRASE),
                      transport=httpx.MockTransport(handler))
    try:
        assert await bsre.sign(PDF, IDENTITY) == signed
    finally:
        await bsre.aclose()


def test_credentials_come_from_the_environment_per_office(monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    for name in ("HALO_BSRE_NIK", "HALO_BSRE_PASSPHRASE"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(SigningFailed, match="akun BSrE untuk disdukcapil:kepala_dinas"):
        env_credentials(IDENTITY)
    monkeypatch.setenv("HALO_BSRE_NIK", "0")
    monkeypatch.setenv("HALO_BSRE_PASSPHRASE", "z")
    assert env_credentials(IDENTITY) == ("0", "z")
    monkeypatch.setenv("HALO_BSRE_NIK_DISDUKCAPIL", "1")
    monkeypatch.setenv("HALO_BSRE_PASSPHRASE_DISDUKCAPIL", "a")
    assert env_credentials(IDENTITY) == ("1", "a")
    monkeypatch.setenv("HALO_BSRE_NIK_DISDUKCAPIL_KEPALA_DINAS", "2")
    monkeypatch.setenv("HALO_BSRE_PASSPHRASE_DISDUKCAPIL_KEPALA_DINAS", "b")
    assert env_credentials(IDENTITY) == ("2", "b")
