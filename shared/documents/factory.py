"""The document store a service's settings ask for (``HALO_DOCUMENT_STORE``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from shared.documents.crypto import ChunkCipher, document_key
from shared.documents.database import DatabaseStore
from shared.documents.folder import FolderStore
from shared.documents.storage import DocumentStore

BACKENDS = ("folder", "database")


def build_store(backend: str, pii_key: bytes, folder: Path,
                sessions: Callable[[], AsyncSession]) -> DocumentStore:
    """``folder``: files under ``folder``; ``database``: rows in the service's database."""
    cipher = ChunkCipher(document_key(pii_key))
    if backend == "folder":
        return FolderStore(folder, cipher)
    if backend == "database":
        return DatabaseStore(sessions, cipher)
    raise ValueError(f"unknown document store {backend!r}; one of {', '.join(BACKENDS)}")
