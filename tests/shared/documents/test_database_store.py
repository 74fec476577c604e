"""The database store: sealed chunks in ``document_blobs`` of the service's database
(SQLite here, PostgreSQL in the integration tier), readable by any replica, joined to the
caller's transaction when given one, and failing loudly on any alteration."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col

from shared.db import migrate
from shared.db.session import make_engine, make_sessionmaker
from shared.documents.crypto import ChunkCipher, DocumentCorrupt, DocumentMissing, document_key
from shared.documents.database import DatabaseStore
from shared.documents.storage import CHUNK, FileTooLarge
from shared.documents.tables import DocumentBlobRow
from tests.shared.documents.support import pattern, upload

CIPHER = ChunkCipher(document_key(b"p" * 32))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgresql":
        return str(request.getfixturevalue("fresh_pg_url"))
    return f"sqlite+aiosqlite:///{tmp_path / 'docs.db'}"


@pytest.fixture
async def engine(url: str) -> AsyncIterator[AsyncEngine]:
    await asyncio.to_thread(migrate.upgrade, url)
    db = make_engine(url)
    try:
        yield db
    finally:
        await db.dispose()


async def blobs(engine: AsyncEngine) -> list[DocumentBlobRow]:
    async with make_sessionmaker(engine)() as session:
        return list(await session.scalars(select(DocumentBlobRow).order_by(
            col(DocumentBlobRow.key), col(DocumentBlobRow.chunk))))


async def test_round_trip_between_two_replicas(engine: AsyncEngine) -> None:
    one = DatabaseStore(make_sessionmaker(engine), CIPHER)
    other = DatabaseStore(make_sessionmaker(engine), CIPHER)  # another process, same database
    data = pattern(2 * CHUNK + 777)
    stored = await one.save(upload(data))
    assert stored.size == len(data) and stored.sha256 == hashlib.sha256(data).hexdigest()
    assert await other.read_bytes(stored.path) == data
    assert b"".join([c async for c in other.open(stored.path)]) == data
    rows = await blobs(engine)
    assert [r.chunk for r in rows] == [0, 1, 2] and {r.key for r in rows} == {stored.path}
    assert all(b"RAHASIA-WARGA" not in r.data for r in rows)


async def test_a_flipped_byte_fails_to_decrypt(engine: AsyncEngine) -> None:
    store = DatabaseStore(make_sessionmaker(engine), CIPHER)
    stored = await store.save(upload(pattern(50_000)))
    [row] = await blobs(engine)
    altered = bytearray(row.data)
    altered[40] ^= 0x80
    async with make_sessionmaker(engine)() as session:
        await session.execute(update(DocumentBlobRow).where(
            col(DocumentBlobRow.key) == stored.path).values(data=bytes(altered)))
        await session.commit()
    with pytest.raises(DocumentCorrupt):
        await store.read_bytes(stored.path)
    with pytest.raises(DocumentCorrupt):
        await anext(store.open(stored.path))


async def test_a_missing_last_chunk_is_truncation(engine: AsyncEngine) -> None:
    store = DatabaseStore(make_sessionmaker(engine), CIPHER)
    stored = await store.save(upload(pattern(CHUNK + 1)))
    await store.delete("x" * 43)  # another key: nothing of ours goes
    async with make_sessionmaker(engine)() as session:
        await session.execute(DocumentBlobRow.__table__.delete().where(  # type: ignore[attr-defined]
            DocumentBlobRow.__table__.c.chunk == 1))  # type: ignore[attr-defined]
        await session.commit()
    with pytest.raises(DocumentCorrupt, match="truncated"):
        await store.read_bytes(stored.path)


async def test_in_the_callers_transaction_a_rollback_takes_the_document(
        engine: AsyncEngine) -> None:
    sessions = make_sessionmaker(engine)
    store = DatabaseStore(sessions, CIPHER)
    async with sessions() as session:
        stored = await store.save(upload(b"%PDF-1.4 dalam transaksi"), session=session)
        assert await store.read_bytes(stored.path, session=session) == \
            b"%PDF-1.4 dalam transaksi"
        await session.rollback()
    with pytest.raises(DocumentMissing):
        await store.read_bytes(stored.path)


async def test_too_large_leaves_no_rows(engine: AsyncEngine) -> None:
    sessions = make_sessionmaker(engine)
    store = DatabaseStore(sessions, CIPHER, max_bytes=CHUNK + 1)
    with pytest.raises(FileTooLarge):
        await store.save(upload(pattern(3 * CHUNK)))
    async with sessions() as session:
        kept = await store.save(upload(b"%PDF-1.4 kecil"), session=session)
        with pytest.raises(FileTooLarge):
            await store.save(upload(pattern(3 * CHUNK)), session=session)
        await session.commit()  # the failed save's savepoint is gone, the small file stays
    rows = await blobs(engine)
    assert {r.key for r in rows} == {kept.path}
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(DocumentBlobRow)) == 1
    await store.delete(kept.path)
    assert await blobs(engine) == []
