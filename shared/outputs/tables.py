"""The output tables of a service database: issued documents and their number counters.

``case_outputs`` never holds personal data in clear: the holder's name is masked
(``S*** A***``) and NIK/KK numbers are not stored at all; ``detail_rows`` are the rows a
department's provider gave when the output was issued (:mod:`shared.outputs.rows`), never
personal data in clear. ``ix_case_outputs_due`` serves the worker: pending rows by their next
attempt time.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from shared.db.types import UTCDateTime

OUTPUT_STATUSES = ("pending", "issued", "failed", "revoked")


def _dt(nullable: bool = True) -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=nullable))


class CaseOutputRow(SQLModel, table=True):
    __tablename__ = "case_outputs"
    __table_args__ = (
        Index("ix_case_outputs_due", "status", "next_attempt_at"),
        UniqueConstraint("case_id", "kind", "step_id", "seq",
                         name="uq_case_outputs_case_issue"),
    )

    id: str = Field(primary_key=True, max_length=36)
    case_id: str = Field(max_length=36, foreign_key="cases.id", index=True)
    seq: int
    """The case history position of the step transition that issued it."""
    step_id: str = Field(max_length=80)
    sop_key: str = Field(max_length=120)
    sop_version: int
    kind: str = Field(max_length=40)
    title: str = Field(sa_column=Column(Text, nullable=False))
    number: str = Field(max_length=80, unique=True)
    verify_code: str = Field(max_length=40, unique=True)
    status: str = Field(max_length=10)
    agency: str = Field(max_length=60)
    signer_role: str = Field(max_length=60)
    signer_id: str = Field(max_length=64)
    signer_name: str = Field(max_length=200)
    holder_masked: str | None = Field(default=None, max_length=200)
    created_at: datetime = _dt(nullable=False)
    issued_at: datetime | None = _dt()
    valid_until: datetime | None = _dt()
    revoked_at: datetime | None = _dt()
    revoked_by: str | None = Field(default=None, max_length=64)
    revoke_reason: str | None = Field(default=None, sa_column=Column(Text))
    storage_path: str | None = Field(default=None, max_length=300)
    sha256: str | None = Field(default=None, max_length=64)
    size: int | None = None
    attempts: int = 0
    next_attempt_at: datetime | None = _dt()
    last_error: str | None = Field(default=None, max_length=300)
    detail_rows: list[dict[str, Any]] | None = Field(default=None,
                                                     sa_column=Column(JSON, nullable=True))
    """The department's rows (label, value, public, optional table), as issued."""


class OutputCounterRow(SQLModel, table=True):
    """The next sequence number of an agency's documents in a year (one row each)."""

    __tablename__ = "output_counters"

    agency: str = Field(primary_key=True, max_length=60)
    year: int = Field(primary_key=True)
    next: int = 1
