"""The permit registry's tables, in the perizinan service's database.

``permits``: one row per permit the service's SOPs issued (written in the transaction that
issues the output). The holder's name, NIK, practice address and STR number are sealed
with the service's PII key; ``holder_masked`` / ``address_masked`` / ``str_masked`` are the
display copies and ``nik_hash`` (a keyed hash) lets the practice limit count one person's
permits. ``permit_reminders``: the expiry reminders sent, one per permit and threshold.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, ForeignKey, Index, String, Text
from sqlmodel import Field, SQLModel

from shared.db.types import UTCDateTime


def _dt(nullable: bool = True) -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=nullable))


class PermitRow(SQLModel, table=True):
    __tablename__ = "permits"
    __table_args__ = (Index("ix_permits_holder", "nik_hash", "profession", "status"),
                      Index("ix_permits_expiry", "status", "valid_until"))

    id: str = Field(primary_key=True, max_length=36)
    number: str = Field(max_length=80, unique=True)
    case_id: str = Field(max_length=36, index=True)
    output_id: str | None = Field(default=None, max_length=36, unique=True)
    verify_code: str | None = Field(default=None, max_length=40)
    sop_key: str = Field(max_length=120)
    agency: str = Field(max_length=60)
    title: str = Field(sa_column=Column(Text, nullable=False))
    profession: str | None = Field(default=None, max_length=80)
    holder_account: str = Field(max_length=64, index=True)
    holder_name: str | None = Field(default=None, sa_column=Column(Text))
    holder_masked: str | None = Field(default=None, max_length=200)
    nik: str | None = Field(default=None, sa_column=Column(Text))
    nik_hash: str | None = Field(default=None, max_length=64)
    place_name: str | None = Field(default=None, max_length=200)
    place_key: str | None = Field(default=None, max_length=200)
    address: str | None = Field(default=None, sa_column=Column(Text))
    address_masked: str | None = Field(default=None, max_length=200)
    str_number: str | None = Field(default=None, sa_column=Column(Text))
    str_masked: str | None = Field(default=None, max_length=80)
    issued_at: datetime = _dt(nullable=False)
    valid_until: datetime | None = _dt()
    status: str = Field(max_length=10)
    ended_at: datetime | None = _dt()
    """When it expired or was replaced by a newer permit for the same place."""
    replaced_by: str | None = Field(default=None, max_length=36)
    revoked_at: datetime | None = _dt()
    revoked_by: str | None = Field(default=None, max_length=64)
    revoke_reason: str | None = Field(default=None, sa_column=Column(Text))


class PermitReminderRow(SQLModel, table=True):
    __tablename__ = "permit_reminders"

    permit_id: str = Field(sa_column=Column(String(36), ForeignKey("permits.id"),
                                            primary_key=True))
    days: int = Field(primary_key=True)
    notice_id: str = Field(max_length=36, unique=True)
    sent_at: datetime = _dt(nullable=False)
