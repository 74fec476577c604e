"""One interface for keeping documents, whatever holds them (``folder`` or ``database``).

``save(upload) -> StoredFile(path, size, sha256)`` streams an upload in 1 MiB chunks,
encrypting each (``crypto``), under a random 256-bit key that says nothing about the
content (the SHA-256 stays in the ``case_documents`` row, for integrity). ``open(path)``
streams the plaintext back, ``read_bytes(path)`` returns it whole, ``delete(path)`` removes
it. Every method takes an optional ``session``: the database backend then works inside the
caller's transaction (stored with the case, gone with its rollback); the folder ignores it.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from shared.documents.crypto import ChunkCipher, DocumentMissing

CHUNK = 1024 * 1024
MAX_BYTES = 20 * 1024 * 1024
_KEY = re.compile(r"^[A-Za-z0-9_-]{43}$")


class Readable(Protocol):
    async def read(self, size: int = -1) -> bytes: ...


@dataclass(frozen=True)
class Upload:
    key: str
    filename: str
    content_type: str
    file: Readable


@dataclass(frozen=True)
class StoredFile:
    path: str
    """The storage key (``case_documents.storage_path``)."""
    size: int
    sha256: str


class FileTooLarge(ValueError):
    def __init__(self, key: str, limit: int) -> None:
        super().__init__(f"{key}: more than {limit} bytes")
        self.key = key
        self.limit = limit


class DocumentStore(Protocol):
    async def save(self, upload: Upload, *, session: AsyncSession | None = None
                   ) -> StoredFile: ...

    def open(self, path: str, *, session: AsyncSession | None = None
             ) -> AsyncIterator[bytes]: ...

    async def read_bytes(self, path: str, *, session: AsyncSession | None = None) -> bytes: ...

    async def delete(self, path: str, *, session: AsyncSession | None = None) -> None: ...


def new_storage_key() -> str:
    return secrets.token_urlsafe(32)


def checked_key(path: str) -> str:
    """``path`` if it has the shape of a storage key, else DocumentMissing (no traversal)."""
    if not _KEY.match(path):
        raise DocumentMissing("not a storage key")
    return path


class Sealing:
    """The sealed records of one upload, read chunk by chunk (at most two chunks held);
    ``size`` and ``sha256`` are final once the records are exhausted."""

    def __init__(self, upload: Upload, cipher: ChunkCipher, storage_key: str,
                 max_bytes: int) -> None:
        self.upload = upload
        self.cipher = cipher
        self.storage_key = storage_key
        self.max_bytes = max_bytes
        self.size = 0
        self._digest = hashlib.sha256()

    @property
    def sha256(self) -> str:
        return self._digest.hexdigest()

    async def _read(self) -> bytes:
        chunk = await self.upload.file.read(CHUNK)
        self.size += len(chunk)
        if self.size > self.max_bytes:
            raise FileTooLarge(self.upload.key, self.max_bytes)
        self._digest.update(chunk)
        return chunk

    async def records(self) -> AsyncIterator[tuple[int, bytes]]:
        index = 0
        current = await self._read()
        while True:
            following = await self._read() if current else b""
            yield index, self.cipher.seal(self.storage_key, index, current,
                                          final=not following)
            if not following:
                return
            current = following
            index += 1

    def stored(self) -> StoredFile:
        return StoredFile(path=self.storage_key, size=self.size, sha256=self.sha256)
