"""An in-memory upload for the storage tests."""

from __future__ import annotations

import io

from shared.documents.storage import Upload


class Body:
    def __init__(self, data: bytes, step: int | None = None) -> None:
        self._io = io.BytesIO(data)
        self._step = step

    async def read(self, size: int = -1) -> bytes:
        if self._step is not None and size > self._step:
            size = self._step  # a reader that returns less than asked
        return self._io.read(size)


def upload(data: bytes, key: str = "akta", step: int | None = None) -> Upload:
    return Upload(key=key, filename=f"{key}.pdf", content_type="application/pdf",
                  file=Body(data, step))


def pattern(size: int) -> bytes:
    """Plaintext that is easy to find again in ciphertext if it leaked."""
    unit = b"RAHASIA-WARGA-1801014505240001|"
    return (unit * (size // len(unit) + 1))[:size]
