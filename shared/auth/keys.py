"""Signing keys and the public key set (JWKS).

Access tokens are signed with Ed25519 (JWS ``EdDSA``), each key with a ``kid``. Rotation adds
a new active key and keeps the old public keys in the JWKS until the tokens they signed have
expired. Private keys are kept as PEM files in the key folder (mode 0600).
"""

from __future__ import annotations

import base64
import json
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private: Ed25519PrivateKey

    def public_jwk(self) -> dict[str, Any]:
        raw = self.private.public_key().public_bytes(serialization.Encoding.Raw,
                                                     serialization.PublicFormat.Raw)
        return {"kty": "OKP", "crv": "Ed25519", "x": _b64(raw), "kid": self.kid,
                "use": "sig", "alg": "EdDSA"}

    def pem(self) -> bytes:
        return self.private.private_bytes(serialization.Encoding.PEM,
                                          serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption())


def new_key() -> SigningKey:
    return SigningKey(kid=f"k{secrets.token_hex(6)}", private=Ed25519PrivateKey.generate())


class KeySet:
    """The active signing key plus retired keys still published for verification."""

    def __init__(self, keys: list[SigningKey]) -> None:
        if not keys:
            raise ValueError("a key set needs at least one key")
        self._keys = list(keys)

    @property
    def active(self) -> SigningKey:
        return self._keys[-1]

    def rotate(self, keep: int = 2) -> SigningKey:
        """Add a new active key; keep the last ``keep`` older keys in the JWKS."""
        self._keys.append(new_key())
        self._keys = self._keys[-(keep + 1):]
        return self.active

    def jwks(self) -> dict[str, Any]:
        return {"keys": [k.public_jwk() for k in self._keys]}

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        order = []
        for key in self._keys:
            path = folder / f"{key.kid}.pem"
            path.write_bytes(key.pem())
            path.chmod(0o600)
            order.append(key.kid)
        (folder / "keys.json").write_text(json.dumps({"order": order}))

    @classmethod
    def load_or_create(cls, folder: Path) -> KeySet:
        index = folder / "keys.json"
        if index.exists():
            order = json.loads(index.read_text())["order"]
            keys = []
            for kid in order:
                private = serialization.load_pem_private_key((folder / f"{kid}.pem").read_bytes(),
                                                             password=None)
                assert isinstance(private, Ed25519PrivateKey)
                keys.append(SigningKey(kid=kid, private=private))
            return cls(keys)
        keyset = cls([new_key()])
        keyset.save(folder)
        return keyset
