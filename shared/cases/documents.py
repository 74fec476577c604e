"""Uploaded documents: the names callers know, kept from before ``shared.documents``.

``DocumentStorage`` is the store interface (``save``, ``open``, ``read_bytes``, ``delete``);
the backends, encryption, content checks and file names live in ``shared.documents``.
"""

from __future__ import annotations

from shared.documents.crypto import DocumentCorrupt, DocumentMissing
from shared.documents.storage import DocumentStore as DocumentStorage
from shared.documents.storage import FileTooLarge, Readable, StoredFile, Upload

__all__ = ["DocumentCorrupt", "DocumentMissing", "DocumentStorage", "FileTooLarge", "Readable",
           "StoredFile", "Upload"]
