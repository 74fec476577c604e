"""The folder store: encrypted at rest under random keys, 0700/0600, chunks that cannot be
altered, reordered, swapped or cut without the read failing, and the size limit."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from shared.documents.crypto import ChunkCipher, DocumentCorrupt, DocumentMissing, document_key
from shared.documents.folder import MAGIC, FolderStore
from shared.documents.storage import CHUNK, FileTooLarge
from tests.shared.documents.support import pattern, upload

PII_KEY = b"p" * 32


@pytest.fixture
def store(tmp_path: Path) -> FolderStore:
    return FolderStore(tmp_path / "documents" / "dukcapil", ChunkCipher(document_key(PII_KEY)))


@pytest.fixture
def open_umask() -> Iterator[None]:
    """A permissive umask, so the modes below come from the store, not the environment."""
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


def records(raw: bytes) -> list[bytes]:
    assert raw.startswith(MAGIC)
    out, at = [], len(MAGIC)
    while at < len(raw):
        length = int.from_bytes(raw[at:at + 4], "big")
        out.append(raw[at:at + 4 + length])
        at += 4 + length
    return out


async def test_round_trip_over_several_chunks(store: FolderStore) -> None:
    data = pattern(3 * CHUNK + 12345)
    stored = await store.save(upload(data, step=300_000))
    assert stored.size == len(data)
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert await store.read_bytes(stored.path) == data
    chunks = [c async for c in store.open(stored.path)]
    assert b"".join(chunks) == data and max(len(c) for c in chunks) <= CHUNK


async def test_stored_bytes_do_not_contain_the_plaintext(store: FolderStore) -> None:
    data = pattern(200_000)
    stored = await store.save(upload(data))
    raw = (store.root / stored.path).read_bytes()
    assert b"RAHASIA-WARGA" not in raw and b"1801014505240001" not in raw
    assert len(raw) > len(data)


async def test_keys_are_random_not_the_content_hash(store: FolderStore) -> None:
    data = b"%PDF-1.4 sama"
    first, second = await store.save(upload(data)), await store.save(upload(data))
    assert first.sha256 == second.sha256
    assert first.path != second.path
    assert first.sha256 not in (first.path, second.path)
    assert len(first.path) == 43  # 32 random bytes, url-safe base64
    assert sorted(p.name for p in store.root.iterdir()) == sorted([first.path, second.path])


async def test_folder_is_0700_and_files_0600(store: FolderStore, open_umask: None) -> None:
    stored = await store.save(upload(b"%PDF-1.4 mode"))
    assert stat.S_IMODE(store.root.stat().st_mode) == 0o700
    assert stat.S_IMODE((store.root / stored.path).stat().st_mode) == 0o600


async def test_a_flipped_byte_fails_to_decrypt(store: FolderStore) -> None:
    data = pattern(2 * CHUNK + 10)
    stored = await store.save(upload(data))
    path = store.root / stored.path
    raw = bytearray(path.read_bytes())
    raw[len(MAGIC) + 4 + CHUNK + 100] ^= 0x01  # inside chunk 1
    path.write_bytes(bytes(raw))
    with pytest.raises(DocumentCorrupt, match="chunk 1: integrity check failed"):
        await store.read_bytes(stored.path)
    given = []
    with pytest.raises(DocumentCorrupt):
        async for chunk in store.open(stored.path):
            given.append(chunk)
    assert given == [data[:CHUNK]]  # only the verified chunk before the altered one


async def test_reordered_truncated_and_swapped_chunks_are_detected(store: FolderStore) -> None:
    data = pattern(2 * CHUNK + 10)
    one, other = await store.save(upload(data)), await store.save(upload(data))
    path = store.root / one.path
    mine, theirs = records(path.read_bytes()), records((store.root / other.path).read_bytes())
    cases = {
        "reordered": [mine[1], mine[0], mine[2]],
        "truncated": mine[:2],
        "swapped": [mine[0], theirs[1], mine[2]],
        "final twice": [*mine, mine[2]],
        "empty": [],
    }
    refused = []
    for name, parts in cases.items():
        path.write_bytes(MAGIC + b"".join(parts))
        try:
            await store.read_bytes(one.path)
        except DocumentCorrupt:
            refused.append(name)
    assert refused == list(cases)


async def test_another_key_cannot_read(store: FolderStore, tmp_path: Path) -> None:
    stored = await store.save(upload(b"%PDF-1.4 kunci"))
    stranger = FolderStore(store.root, ChunkCipher(document_key(b"q" * 32)))
    with pytest.raises(DocumentCorrupt):
        await stranger.read_bytes(stored.path)


async def test_an_empty_file_round_trips(store: FolderStore) -> None:
    stored = await store.save(upload(b""))
    assert stored.size == 0 and await store.read_bytes(stored.path) == b""


async def test_too_large_leaves_nothing(tmp_path: Path) -> None:
    store = FolderStore(tmp_path / "docs", ChunkCipher(document_key(PII_KEY)),
                        max_bytes=CHUNK + 5)
    with pytest.raises(FileTooLarge) as refused:
        await store.save(upload(pattern(2 * CHUNK), key="kk"))
    assert refused.value.key == "kk" and refused.value.limit == CHUNK + 5
    assert list(store.root.iterdir()) == []


async def test_keys_that_are_paths_or_unknown_are_missing(store: FolderStore) -> None:
    await store.save(upload(b"%PDF-1.4 x"))
    for key in ("../../etc/passwd", "a" * 64, "", "A" * 43):
        with pytest.raises(DocumentMissing):
            await store.read_bytes(key)
    stored = await store.save(upload(b"%PDF-1.4 y"))
    await store.delete(stored.path)
    with pytest.raises(DocumentMissing):
        await store.read_bytes(stored.path)


def test_the_document_key_is_derived_not_the_pii_key() -> None:
    derived = document_key(PII_KEY)
    assert len(derived) == 32 and derived != PII_KEY
    assert document_key(PII_KEY) == derived and document_key(b"q" * 32) != derived
    with pytest.raises(ValueError):
        document_key(b"short")
