"""Personal data in case forms: encrypted at rest, masked in responses.

Fields an SOP marks personal (and every ``nik``/``phone`` field) are stored encrypted with
AES-GCM under the service's PII key; the database never holds them in clear. The applicant
reads their own answers in full; everyone else (officers, admins) reads them masked
(``3201********0001``) with the masked names listed, and an officer working on the case
reveals them on purpose, with a reason, audited (:mod:`shared.cases.unmask`; a platform admin
or the agency's kepala dinas by break-glass, audited apart).
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
    """Text with letters (a name, an address, an e-mail): each word's first character and
    three stars (``Siti Aminah`` -> ``S*** A***``). Numbers (NIK, KK, phone): the first
    four and last four characters of long values, the first of short ones."""
    if any(ch.isalpha() for ch in value):
        return " ".join(w[0] + "***" for w in value.split()) or "*"
    if len(value) >= 12:
        return value[:4] + "*" * (len(value) - 8) + value[-4:]
    if len(value) <= 1:
        return "*"
    return value[0] + "*" * (len(value) - 1)


def masked_view(form: dict[str, Any], personal: frozenset[str], cipher: PiiCipher
                ) -> tuple[dict[str, Any], list[str]]:
    """The stored ``form`` with its personal values masked, and the names masked (in form
    order; an empty value is shown as it is and not listed)."""
    clear = cipher.open_form(form, personal)
    names = [k for k, v in clear.items() if k in personal and v is not None]
    return {k: mask(str(v)) if k in names else v for k, v in clear.items()}, names
