"""A local test certificate authority: a root CA and one signing certificate per officer.

Development and tests only (production signs through BSrE, :mod:`shared.outputs.bsre`).
Keys are EC P-256, made with ``cryptography``; with a folder (``var/signing`` in
development) they are kept there with mode 0600 and reused, never committed; without one
they live in memory. The root certificate is what a validator must trust.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

_PEM = serialization.Encoding.PEM


@dataclass(frozen=True)
class Issued:
    cert: x509.Certificate
    key: ec.EllipticCurvePrivateKey


def _name(common: str, org: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, org[:64]),
                      x509.NameAttribute(NameOID.COMMON_NAME, common[:64])])


class LocalCa:
    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder
        self._lock = threading.Lock()
        self._signers: dict[str, Issued] = {}
        self.root = self._load("root") or self._store("root", self._make_root())

    @property
    def root_pem(self) -> bytes:
        return self.root.cert.public_bytes(_PEM)

    def signer(self, key: str, name: str, organisation: str) -> Issued:
        """The signing certificate of ``key`` (an officer or signing account), made once."""
        with self._lock:
            ref = "signer-" + hashlib.sha256(key.encode()).hexdigest()[:24]
            found = self._signers.get(ref) or self._load(ref)
            if found is None:
                found = self._store(ref, self._make_signer(name, organisation))
            self._signers[ref] = found
            return found

    def _make_root(self) -> Issued:
        key = ec.generate_private_key(ec.SECP256R1())
        name = _name("Halo Lamsel Local Test Root CA", "Pemerintah Kabupaten Lampung Selatan")
        now = datetime.now(UTC)
        cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                .public_key(key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(now - timedelta(days=1))
                .not_valid_after(now + timedelta(days=3650))
                .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
                .add_extension(x509.KeyUsage(False, False, False, False, False, True, True,
                                             False, False), critical=True)
                .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                               critical=False)
                .sign(key, hashes.SHA256()))
        return Issued(cert, key)

    def _make_signer(self, name: str, organisation: str) -> Issued:
        key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.now(UTC)
        root = self.root
        cert = (x509.CertificateBuilder().subject_name(_name(name, organisation))
                .issuer_name(root.cert.subject).public_key(key.public_key())
                .serial_number(x509.random_serial_number())
                .not_valid_before(now - timedelta(days=1))
                .not_valid_after(now + timedelta(days=730))
                .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                .add_extension(x509.KeyUsage(True, True, False, False, False, False, False,
                                             False, False), critical=True)
                .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]),
                               critical=False)
                .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                    root.key.public_key()), critical=False)
                .sign(root.key, hashes.SHA256()))
        return Issued(cert, key)

    def _load(self, ref: str) -> Issued | None:
        if self.folder is None:
            return None
        path = self.folder / f"{ref}.pem"
        if not path.exists():
            return None
        data = path.read_bytes()
        key = serialization.load_pem_private_key(data, password=None)
        assert isinstance(key, ec.EllipticCurvePrivateKey)
        return Issued(x509.load_pem_x509_certificate(data), key)

    def _store(self, ref: str, issued: Issued) -> Issued:
        """Keep ``issued`` (key and certificate in one file, mode 0600). Processes starting
        together (a service and its worker) may race: the file appears at once, whole, and
        the loser reads the winner's."""
        if self.folder is None:
            return issued
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.folder / f".{ref}.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(issued.key.private_bytes(_PEM, serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
            out.write(issued.cert.public_bytes(_PEM))
        try:
            os.link(tmp, self.folder / f"{ref}.pem")
        except FileExistsError:
            found = self._load(ref)
            assert found is not None
            return found
        finally:
            tmp.unlink()
        return issued
