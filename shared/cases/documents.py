"""Uploaded documents: stored as files under the service's document folder, by content hash.

Uploads stream to disk in chunks (several MB work without holding them in memory), with a
size limit per file; the database keeps name, type, size and SHA-256.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

ALLOWED_TYPES = frozenset({"application/pdf", "image/jpeg", "image/png", "image/webp",
                           "application/octet-stream"})


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
    size: int
    sha256: str


class FileTooLarge(ValueError):
    def __init__(self, key: str, limit: int) -> None:
        super().__init__(f"{key}: more than {limit} bytes")
        self.key = key
        self.limit = limit


class DocumentStorage:
    def __init__(self, root: Path, max_bytes: int = 20 * 1024 * 1024) -> None:
        self.root = root
        self.max_bytes = max_bytes

    async def save(self, upload: Upload) -> StoredFile:
        self.root.mkdir(parents=True, exist_ok=True)
        tmp = self.root / f".upload-{uuid.uuid4().hex}"
        digest = hashlib.sha256()
        size = 0
        try:
            with tmp.open("wb") as out:
                while chunk := await upload.file.read(1024 * 1024):
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise FileTooLarge(upload.key, self.max_bytes)
                    digest.update(chunk)
                    await asyncio.to_thread(out.write, chunk)
            final = self.root / digest.hexdigest()
            await asyncio.to_thread(os.replace, tmp, final)
        finally:
            tmp.unlink(missing_ok=True)
        return StoredFile(path=final.name, size=size, sha256=digest.hexdigest())

    async def read_bytes(self, path: str) -> bytes:
        """The whole stored file ``path`` (as :meth:`save` returned it)."""
        return await asyncio.to_thread((self.root / Path(path).name).read_bytes)
