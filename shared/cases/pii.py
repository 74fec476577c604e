"""Personal data in case forms: encrypted at rest, masked in responses.

Fields an SOP marks personal (and every ``nik``/``phone`` field) are stored encrypted with
AES-GCM under the service's PII key; the database never holds them in clear. Responses show
them masked (``3201********0001``) unless the caller needs them in full (an officer acting
on the case), and that access is written to the audit log by the caller.
"""

from __future__ import annotations

import base64
import os
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_PREFIX = "enc:v1:"


class PiiCipher:
    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("PII key must be 32 bytes")
        self._aead = AESGCM(key)

    def encrypt(self, value: str) -> str:
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, value.encode(), None)
        return _PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode()

    def decrypt(self, value: str) -> str:
        if not value.startswith(_PREFIX):
            return value
        raw = base64.urlsafe_b64decode(value[len(_PREFIX):])
        return self._aead.decrypt(raw[:12], raw[12:], None).decode()

    def seal_form(self, form: dict[str, Any], personal: frozenset[str]) -> dict[str, Any]:
        return {k: self.encrypt(str(v)) if k in personal and v is not None else v
                for k, v in form.items()}

    def open_form(self, form: dict[str, Any], personal: frozenset[str]) -> dict[str, Any]:
        return {k: self.decrypt(v) if k in personal and isinstance(v, str) else v
                for k, v in form.items()}


def mask(value: str) -> str:
    """Keep the first four and last four characters of long values, the first of short ones."""
    if len(value) >= 12:
        return value[:4] + "*" * (len(value) - 8) + value[-4:]
    if len(value) <= 1:
        return "*"
    return value[0] + "*" * (len(value) - 1)


def masked_form(form: dict[str, Any], personal: frozenset[str], cipher: PiiCipher
                ) -> dict[str, Any]:
    clear = cipher.open_form(form, personal)
    return {k: mask(str(v)) if k in personal and v is not None else v for k, v in clear.items()}
