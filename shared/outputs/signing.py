"""Signing an output: the :class:`Signer` interface and the local PAdES signer.

Production signs through the national signing service, BSrE (:class:`BsreSigner` in
:mod:`shared.outputs.bsre`); development, the all-in-one default and the tests sign with
:class:`LocalSigner`: pyHanko, PAdES baseline (``ETSI.CAdES.detached``), with a certificate
of the local test CA (:mod:`shared.outputs.ca`). The BSrE stand-in uses the same signer.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Protocol

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization

from shared.outputs.ca import LocalCa

_DER = serialization.Encoding.DER
FIELD_NAME = "TTE"


@dataclass(frozen=True)
class SignerIdentity:
    """Who signs: the officer's account, office and agency (no personal number)."""

    subject: str
    name: str
    role: str
    jabatan: str
    agency: str
    agency_name: str


class SigningFailed(RuntimeError):
    """The signing service refused or failed; the message carries no personal data."""


class Signer(Protocol):
    async def sign(self, pdf: bytes, signer: SignerIdentity) -> bytes: ...


def asn1_cert(cert: object) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(_DER))  # type: ignore[attr-defined]


async def pades_sign(pdf: bytes, ca: LocalCa, key: str, name: str, organisation: str,
                     reason: str, location: str = "Kalianda") -> bytes:
    """``pdf`` with an invisible PAdES signature by ``key``'s certificate of ``ca``."""
    # pyHanko takes seconds to import: only a process that signs pays for it.
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    issued = ca.signer(key, name, organisation)
    signing_key = asn1_keys.PrivateKeyInfo.load(issued.key.private_bytes(
        _DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    root = asn1_cert(ca.root.cert)
    simple = signers.SimpleSigner(signing_cert=asn1_cert(issued.cert), signing_key=signing_key,
                                  cert_registry=SimpleCertificateStore.from_certs([root]))
    meta = signers.PdfSignatureMetadata(field_name=FIELD_NAME, md_algorithm="sha256",
                                        subfilter=fields.SigSeedSubFilter.PADES,
                                        reason=reason, location=location, name=name)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    out = io.BytesIO()
    await signers.PdfSigner(meta, simple).async_sign_pdf(writer, output=out)
    return out.getvalue()


class LocalSigner:
    """Signs in-process with the local test CA (never in production)."""

    def __init__(self, ca: LocalCa) -> None:
        self.ca = ca

    async def sign(self, pdf: bytes, signer: SignerIdentity) -> bytes:
        return await pades_sign(pdf, self.ca, f"{signer.agency}:{signer.subject}",
                                f"{signer.jabatan} {signer.agency_name}"[:64],
                                signer.agency_name,
                                reason=f"Ditandatangani oleh {signer.jabatan}")
