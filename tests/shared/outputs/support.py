"""Helpers of the output tests: a settable clock, the QR code inside a PDF, validation."""

from __future__ import annotations

import io
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import asyncpg
import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko.sign.validation.status import PdfSignatureStatus
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader
from pyzbar.pyzbar import decode

from shared.outputs.ca import LocalCa
from shared.outputs.signing import asn1_cert

JAKARTA = ZoneInfo("Asia/Jakarta")


@dataclass
class Clock:
    now: datetime = field(default_factory=lambda: datetime(2026, 12, 3, 9, 0, tzinfo=JAKARTA))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def qr_texts(pdf: bytes) -> list[str]:
    """Every QR code drawn in ``pdf``, decoded."""
    found: list[str] = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for image in page.images:
            found += [s.data.decode() for s in decode(image.image)]
    return found


async def validate(pdf: bytes, ca: LocalCa) -> PdfSignatureStatus:
    """The single embedded signature of ``pdf``, validated trusting only ``ca``'s root."""
    reader = PdfFileReader(io.BytesIO(pdf))
    [signature] = reader.embedded_signatures
    context = ValidationContext(trust_roots=[asn1_cert(ca.root.cert)])
    return await async_validate_pdf_signature(signature, context)


def flip_signed_byte(pdf: bytes) -> bytes:
    """``pdf`` with one byte changed inside the first signed range: in the first stream
    (the page content), so the file still parses and only the digest differs."""
    reader = PdfFileReader(io.BytesIO(pdf))
    ranges = reader.embedded_signatures[0].sig_object["/ByteRange"]
    start, length = int(ranges[0]), int(ranges[1])
    index = pdf.index(b"stream", start) + 20
    assert index < start + length
    changed = bytearray(pdf)
    changed[index] = changed[index] ^ 0x01
    return bytes(changed)


@asynccontextmanager
async def fresh_database() -> AsyncIterator[str]:
    """A new PostgreSQL database for a module's tests (the shared test database stays as the
    other suites left it), dropped afterwards."""
    admin = os.environ.get("HALO_TEST_PG_ADMIN_URL")
    if not admin:
        pytest.skip("HALO_TEST_PG_ADMIN_URL not set: run `make test` for the PostgreSQL tier")
    dsn = admin.replace("postgresql+asyncpg://", "postgresql://")
    name = f"halo_out_{uuid.uuid4().hex[:12]}"
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    try:
        yield f"{admin.rsplit('/', 1)[0]}/{name}"
    finally:
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()
