"""The ``folder`` backend (all-in-one default): one encrypted file per document under the
service's document folder, the folder 0700 and each file 0600.

A file is ``MAGIC`` then, per chunk, a 4-byte length and the sealed record. It is written
to a temporary name, synced and renamed, so a reader never sees half a file.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import BinaryIO

from sqlalchemy.ext.asyncio import AsyncSession

from shared.documents.crypto import OVERHEAD, ChunkCipher, DocumentCorrupt, DocumentMissing
from shared.documents.storage import (
    CHUNK,
    MAX_BYTES,
    Sealing,
    StoredFile,
    Upload,
    checked_key,
    new_storage_key,
)

MAGIC = b"HALODOC1"


class FolderStore:
    def __init__(self, root: Path, cipher: ChunkCipher, max_bytes: int = MAX_BYTES) -> None:
        self.root = root
        self.cipher = cipher
        self.max_bytes = max_bytes

    def _prepare(self) -> None:
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.root.chmod(0o700)

    async def save(self, upload: Upload, *, session: AsyncSession | None = None) -> StoredFile:
        await asyncio.to_thread(self._prepare)
        key = new_storage_key()
        tmp = self.root / f".upload-{key}"
        fd = await asyncio.to_thread(os.open, tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as out:
                sealing = Sealing(upload, self.cipher, key, self.max_bytes)
                await asyncio.to_thread(out.write, MAGIC)
                async for _, record in sealing.records():
                    await asyncio.to_thread(out.write, len(record).to_bytes(4, "big") + record)
                await asyncio.to_thread(_sync, out)
            await asyncio.to_thread(os.replace, tmp, self.root / key)
        finally:
            await asyncio.to_thread(tmp.unlink, missing_ok=True)
        return sealing.stored()

    async def _records(self, key: str) -> AsyncIterator[bytes]:
        path = self.root / checked_key(key)
        try:
            handle = await asyncio.to_thread(path.open, "rb")
        except FileNotFoundError:
            raise DocumentMissing("no such document") from None
        try:
            if await asyncio.to_thread(handle.read, len(MAGIC)) != MAGIC:
                raise DocumentCorrupt("not a document file")
            while header := await asyncio.to_thread(handle.read, 4):
                length = int.from_bytes(header, "big")
                if len(header) < 4 or not OVERHEAD <= length <= CHUNK + OVERHEAD:
                    raise DocumentCorrupt("malformed chunk length")
                record = await asyncio.to_thread(handle.read, length)
                if len(record) < length:
                    raise DocumentCorrupt("truncated chunk")
                yield record
        finally:
            await asyncio.to_thread(handle.close)

    def open(self, path: str, *, session: AsyncSession | None = None) -> AsyncIterator[bytes]:
        return self.cipher.plaintext(path, self._records(path))

    async def read_bytes(self, path: str, *, session: AsyncSession | None = None) -> bytes:
        return b"".join([chunk async for chunk in self.open(path)])

    async def delete(self, path: str, *, session: AsyncSession | None = None) -> None:
        await asyncio.to_thread((self.root / checked_key(path)).unlink, missing_ok=True)

    def discard(self, path: str) -> None:
        """Remove a file now (from a transaction's end event, which cannot await)."""
        (self.root / checked_key(path)).unlink(missing_ok=True)


def _sync(out: BinaryIO) -> None:
    out.flush()
    os.fsync(out.fileno())
