"""The dukcapil service's own tables, in the service's database (own metadata).

``dukcapil_siak_records``: every issued document to be recorded in SIAK, written in the
transaction that completes the case, then sent by the background loop
(:mod:`services.dukcapil.siak_outbox`) until SIAK takes it, so a SIAK outage delays the
recording and never loses it. No personal data: the NIK is read from the case's sealed form
when the record is sent. No foreign key to ``cases``: the platform's migrations stay
independent of the department's.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, MetaData, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db.types import UTCDateTime

SIAK_STATUSES = ("pending", "sent", "failed")


class Base(DeclarativeBase):
    metadata = MetaData()


class SiakRecordRow(Base):
    __tablename__ = "dukcapil_siak_records"
    __table_args__ = (
        UniqueConstraint("case_id", "document_number", name="uq_dukcapil_siak_records_doc"),
        Index("ix_dukcapil_siak_records_due", "status", "next_attempt_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    """Also the Idempotency-Key SIAK sees: a resend records nothing twice."""
    case_id: Mapped[str] = mapped_column(String(36), index=True)
    sop_key: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(40))
    document_number: Mapped[str] = mapped_column(String(80))
    verify_code: Mapped[str | None] = mapped_column(String(40), nullable=True)
    status: Mapped[str] = mapped_column(String(10))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    siak_ref: Mapped[str | None] = mapped_column(String(80), nullable=True)
    last_error: Mapped[str | None] = mapped_column(String(200), nullable=True)
