"""The ``database`` backend (distributed mode, Kubernetes): sealed chunks as rows of
``document_blobs`` in the service's own database, so every replica reads what any replica
stored and nothing depends on a pod's disk.

Given the caller's ``session``, a save joins its transaction (in a savepoint: a refused
upload leaves no rows; a rolled-back request takes its documents with it). Without one it
commits on its own. Streaming reads take one short transaction per chunk, so a slow download
holds no transaction open; ``open(path, session=...)`` reads the first chunk through the
caller's session (on SQLite a second connection would wait for the caller's write lock).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from shared.documents.crypto import ChunkCipher, DocumentMissing
from shared.documents.storage import (
    MAX_BYTES,
    Sealing,
    StoredFile,
    Upload,
    checked_key,
    new_storage_key,
)
from shared.documents.tables import DocumentBlobRow


class DatabaseStore:
    def __init__(self, sessions: Callable[[], AsyncSession], cipher: ChunkCipher,
                 max_bytes: int = MAX_BYTES) -> None:
        self.sessions = sessions
        self.cipher = cipher
        self.max_bytes = max_bytes

    async def _write(self, session: AsyncSession, upload: Upload) -> StoredFile:
        key = new_storage_key()
        sealing = Sealing(upload, self.cipher, key, self.max_bytes)
        async with session.begin_nested():
            async for index, record in sealing.records():
                await session.execute(insert(DocumentBlobRow).values(
                    key=key, chunk=index, data=record))
        return sealing.stored()

    async def save(self, upload: Upload, *, session: AsyncSession | None = None) -> StoredFile:
        if session is not None:
            return await self._write(session, upload)
        async with self.sessions() as own:
            stored = await self._write(own, upload)
            await own.commit()
        return stored

    @staticmethod
    async def _record(session: AsyncSession, key: str, index: int) -> bytes | None:
        data: bytes | None = await session.scalar(select(col(DocumentBlobRow.data)).where(
            col(DocumentBlobRow.key) == key, col(DocumentBlobRow.chunk) == index))
        return data

    async def _records(self, key: str, session: AsyncSession | None, every: bool
                       ) -> AsyncIterator[bytes]:
        checked_key(key)
        index = 0
        while True:
            if session is not None and (every or index == 0):
                record = await self._record(session, key, index)
            else:
                async with self.sessions() as own:
                    record = await self._record(own, key, index)
                    await own.commit()
            if record is None:
                if index == 0:
                    raise DocumentMissing("no such document")
                return
            yield bytes(record)
            index += 1

    def open(self, path: str, *, session: AsyncSession | None = None) -> AsyncIterator[bytes]:
        return self.cipher.plaintext(path, self._records(path, session, every=False))

    async def read_bytes(self, path: str, *, session: AsyncSession | None = None) -> bytes:
        records = self._records(path, session, every=True)
        return b"".join([chunk async for chunk in self.cipher.plaintext(path, records)])

    async def delete(self, path: str, *, session: AsyncSession | None = None) -> None:
        statement = delete(DocumentBlobRow).where(col(DocumentBlobRow.key) == checked_key(path))
        if session is not None:
            await session.execute(statement)
            return
        async with self.sessions() as own:
            await own.execute(statement)
            await own.commit()
