"""The pengaduan service's SP4N-LAPOR! and confidentiality tables (own metadata, in the
service's database; revision ``pengaduan_0002``).

* ``pengaduan_lapor_reports``: one row per LAPOR! report pulled (unique on the LAPOR! id, so
  a second pull opens nothing): the case it opened (or why none could be), its LAPOR!
  deadlines computed at pull, when each was met, the sync state. The reporter's personal
  data from LAPOR! are sealed (``reporter_sealed``, the service's PII cipher), never clear.
* ``pengaduan_lapor_pushes``: the queue of what goes back to LAPOR! (``terima``,
  ``tindak_lanjut``, ``selesai``), written in the transaction of the officer's action and
  sent by the loop with retry and backoff; the row id is the ``Idempotency-Key``.
  ``source`` (``<case id>:<history seq>:<kind>``) is unique, so an action queues one push.
* ``pengaduan_kerahasiaan``: the confidentiality level of a case (``biasa``, ``rahasia``,
  ``anonim``; see :mod:`services.pengaduan.anonymity`); a case without a row is ``biasa``.

No foreign key to ``cases``: the platform's migrations stay independent of the department's.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Index, Integer, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db.types import UTCDateTime

PUSH_STATUSES = ("pending", "sent", "failed")
SYNC_STATES = ("dibuka", "gagal_dibuka", "selesai")


class Base(DeclarativeBase):
    metadata = MetaData()


class LaporReportRow(Base):
    __tablename__ = "pengaduan_lapor_reports"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    lapor_id: Mapped[str] = mapped_column(String(60), unique=True)
    case_id: Mapped[str | None] = mapped_column(String(36), nullable=True, unique=True)
    tracking_no: Mapped[str | None] = mapped_column(String(20), nullable=True)
    sop_key: Mapped[str | None] = mapped_column(String(120), nullable=True)
    agency: Mapped[str | None] = mapped_column(String(60), nullable=True)
    kategori: Mapped[str | None] = mapped_column(String(60), nullable=True)
    instansi: Mapped[str | None] = mapped_column(String(60), nullable=True)
    kerahasiaan: Mapped[str] = mapped_column(String(10))
    reporter_sealed: Mapped[str | None] = mapped_column(Text, nullable=True)
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime())
    pulled_at: Mapped[datetime] = mapped_column(UTCDateTime())
    due_verify: Mapped[datetime] = mapped_column(UTCDateTime())
    due_followup: Mapped[datetime] = mapped_column(UTCDateTime())
    due_followup_extended: Mapped[datetime] = mapped_column(UTCDateTime())
    extended: Mapped[bool] = mapped_column(Boolean, default=False)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    sync_state: Mapped[str] = mapped_column(String(14))
    last_error: Mapped[str | None] = mapped_column(String(200), nullable=True)


class LaporPushRow(Base):
    __tablename__ = "pengaduan_lapor_pushes"
    __table_args__ = (Index("ix_pengaduan_lapor_pushes_due", "status", "next_attempt_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    """Also the Idempotency-Key LAPOR! sees."""
    report_id: Mapped[str] = mapped_column(String(36), index=True)
    lapor_id: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(14))
    source: Mapped[str] = mapped_column(String(80), unique=True)
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(10))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    lapor_ref: Mapped[str | None] = mapped_column(String(80), nullable=True)
    last_error: Mapped[str | None] = mapped_column(String(200), nullable=True)


class ConfidentialityRow(Base):
    __tablename__ = "pengaduan_kerahasiaan"

    case_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    level: Mapped[str] = mapped_column(String(10))
    source: Mapped[str] = mapped_column(String(10))
    """``formulir`` (the applicant's form) or ``lapor`` (the LAPOR! report)."""
    set_at: Mapped[datetime] = mapped_column(UTCDateTime())
