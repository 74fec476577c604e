"""Documents encrypted at rest: AES-256-GCM, one sealed record per chunk.

The key comes from the service's PII key through HKDF (``info=b"halo-documents-v1"``): no
new secret, and no built-in value (the PII key has none). Each chunk gets its own random
nonce; its associated data binds the storage key, the chunk's index and a final-chunk flag,
so chunks cannot be reordered, swapped between files or cut off at the end unnoticed. A
record is ``flag (1) | nonce (12) | ciphertext + tag``.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

INFO = b"halo-documents-v1"
NONCE = 12
TAG = 16
OVERHEAD = 1 + NONCE + TAG
"""Bytes a record adds to its chunk."""
_FINAL, _MORE = b"\x01", b"\x00"


class DocumentCorrupt(ValueError):
    """A stored document failed its integrity check: altered, reordered, swapped or cut."""


class DocumentMissing(LookupError):
    """No stored document has this key."""


def document_key(pii_key: bytes) -> bytes:
    """The 256-bit document key derived from the service's PII key."""
    if len(pii_key) != 32:
        raise ValueError("PII key must be 32 bytes")
    return HKDF(algorithm=SHA256(), length=32, salt=None, info=INFO).derive(pii_key)


def _aad(storage_key: str, index: int, flag: bytes) -> bytes:
    return b"".join((INFO, b"\x00", storage_key.encode(), b"\x00",
                     index.to_bytes(8, "big"), flag))


class ChunkCipher:
    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("document key must be 32 bytes")
        self._aead = AESGCM(key)

    def seal(self, storage_key: str, index: int, chunk: bytes, final: bool) -> bytes:
        flag = _FINAL if final else _MORE
        nonce = os.urandom(NONCE)
        return flag + nonce + self._aead.encrypt(nonce, chunk, _aad(storage_key, index, flag))

    def open(self, storage_key: str, index: int, record: bytes) -> tuple[bytes, bool]:
        """The chunk sealed in ``record`` and whether it is the last; else DocumentCorrupt."""
        flag = record[:1]
        if len(record) < OVERHEAD or flag not in (_FINAL, _MORE):
            raise DocumentCorrupt(f"chunk {index}: malformed record")
        nonce = record[1:1 + NONCE]
        try:
            chunk = self._aead.decrypt(nonce, record[1 + NONCE:],
                                       _aad(storage_key, index, flag))
        except InvalidTag:
            raise DocumentCorrupt(f"chunk {index}: integrity check failed") from None
        return chunk, flag == _FINAL

    async def plaintext(self, storage_key: str, records: AsyncIterator[bytes]
                        ) -> AsyncIterator[bytes]:
        """The chunks of ``records`` in order, each checked before it is given out; ends
        with DocumentCorrupt if a record follows the final one or the final one is missing."""
        index = 0
        final = False
        async for record in records:
            if final:
                raise DocumentCorrupt(f"chunk {index}: data after the final chunk")
            chunk, final = self.open(storage_key, index, record)
            index += 1
            if chunk:
                yield chunk
        if not final:
            raise DocumentCorrupt(f"truncated after chunk {index}")
