"""The emergency report tables, in the damkar service's database.

``damkar_reports``: one row per emergency report (a case on an emergency SOP): the reporter's
subject (opaque), the number sealed with the service's PII key (``phone``) and its SHA-256
(``phone_hash``, for the per-number limit), the device's location, the address and note
(sealed), the post it was dispatched to and its distance, and the times of the report, the
dispatch, the departure and the arrival (``response_s``: seconds from report to arrival).
``damkar_report_hits``: one row per accepted report and limit key (``number`` /
``address``), counted for the report rate limits (they hold across processes).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, Index, Integer, Text
from sqlmodel import Field, SQLModel

from shared.db.types import UTCDateTime


def _dt(nullable: bool = True) -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=nullable))


class ReportRow(SQLModel, table=True):
    __tablename__ = "damkar_reports"
    __table_args__ = (Index("ix_damkar_reports_post", "post_id", "received_at"),)

    id: str = Field(primary_key=True, max_length=36)
    case_id: str = Field(max_length=36, unique=True)
    tracking_no: str = Field(max_length=20, unique=True)
    jenis: str = Field(max_length=12)
    sop_key: str = Field(max_length=120)
    reporter: str = Field(max_length=64, index=True)
    phone: str = Field(sa_column=Column(Text, nullable=False))
    phone_hash: str = Field(max_length=64)
    lat: float
    lon: float
    accuracy_m: float | None = None
    address: str = Field(sa_column=Column(Text, nullable=False))
    note: str | None = Field(default=None, sa_column=Column(Text))
    post_id: str = Field(max_length=40)
    distance_km: float
    received_at: datetime = _dt(nullable=False)
    dispatched_at: datetime = _dt(nullable=False)
    departed_at: datetime | None = _dt()
    arrived_at: datetime | None = _dt()
    response_s: int | None = None


class ReportHitRow(SQLModel, table=True):
    __tablename__ = "damkar_report_hits"
    __table_args__ = (Index("ix_damkar_report_hits_key", "scope", "key", "at"),)

    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True,
                                                           autoincrement=True))
    scope: str = Field(max_length=10)
    key: str = Field(max_length=64)
    at: datetime = _dt(nullable=False)
