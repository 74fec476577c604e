"""The BKD's own tables, in the kepegawaian service's database.

``bkd_employees``: one row per ASN (the NIP, the name sealed with the service's PII key, the
position that chooses the signer, the start of service, the citizen account linked to it);
``bkd_leave_ledger``: per employee, year and leave type, the days entitled, carried over,
adjusted by the BKD, taken and pending (working days); ``bkd_leave_requests``: one per
leave case, with the days it counts and what became of them; ``bkd_ledger_adjustments``: what
a BKD admin changed and why (also in the platform's audit log).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, MetaData, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db.types import UTCDateTime


class Base(DeclarativeBase):
    metadata = MetaData()


class EmployeeRow(Base):
    __tablename__ = "bkd_employees"

    nip: Mapped[str] = mapped_column(String(18), primary_key=True)
    account_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    """The citizen account (subject) the ASN logs in with; set at the first leave request or
    by a BKD admin."""
    name_sealed: Mapped[str] = mapped_column(Text)
    jabatan: Mapped[str] = mapped_column(String(200))
    position: Mapped[str] = mapped_column(String(40))
    """The SOP's ``jenis_jabatan`` (struktural_eselon_ii ... pelaksana): chooses the signer."""
    unit: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10))
    """``pns``, ``cpns`` or ``pppk``."""
    service_start: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(10))
    """``formulir`` (the first request's form, to be verified), ``siasn`` or ``bkd``."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class LedgerRow(Base):
    __tablename__ = "bkd_leave_ledger"
    __table_args__ = (UniqueConstraint("nip", "year", "kind", name="uq_bkd_leave_ledger"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    nip: Mapped[str] = mapped_column(String(18), ForeignKey("bkd_employees.nip"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    entitlement: Mapped[int] = mapped_column(Integer, default=0)
    carried: Mapped[int] = mapped_column(Integer, default=0)
    adjusted: Mapped[int] = mapped_column(Integer, default=0)
    taken: Mapped[int] = mapped_column(Integer, default=0)
    pending: Mapped[int] = mapped_column(Integer, default=0)


class LeaveRequestRow(Base):
    __tablename__ = "bkd_leave_requests"

    case_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    nip: Mapped[str] = mapped_column(String(18), ForeignKey("bkd_employees.nip"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)
    year: Mapped[int] = mapped_column(Integer)
    working_days: Mapped[int] = mapped_column(Integer)
    abroad: Mapped[bool] = mapped_column(default=False)
    signer: Mapped[str] = mapped_column(String(20))
    signer_assumed: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(10), index=True)
    """``pending`` (days reserved), ``taken`` (case completed) or ``released``."""
    siasn: Mapped[str] = mapped_column(String(10), default="none", index=True)
    """``none``, ``queued`` (to record in SIASN), ``sent`` or ``failed``."""
    siasn_ref: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AdjustmentRow(Base):
    __tablename__ = "bkd_ledger_adjustments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    nip: Mapped[str] = mapped_column(String(18), ForeignKey("bkd_employees.nip"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    field: Mapped[str] = mapped_column(String(12))
    """``carried`` or ``adjusted``."""
    delta: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(500))
    actor_id: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
