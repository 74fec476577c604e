"""The one-time code tables (gateway database; migrations in ``migrations/``).

``otp_codes``: one row per code sent. The number is kept only as its SHA-256
(``phone_hash``, the same value the reporter's token carries); the code only as an HMAC under
the gateway's key (``code_hash``). ``attempts`` counts wrong tries; ``voided_at`` is set when
they reach the limit or a newer code replaces it; ``used_at`` when it was exchanged.

``otp_hits``: one row per counted request, by ``scope`` (``number`` / ``address`` /
``verify-address``) and a hashed key; the rate limits count these rows, so they hold
across gateway replicas. Rows older than the longest window are deleted as new ones come.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, Index, Integer
from sqlmodel import Field, SQLModel

from shared.db.types import UTCDateTime


def _dt(nullable: bool = True) -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=nullable))


class OtpCodeRow(SQLModel, table=True):
    __tablename__ = "otp_codes"
    __table_args__ = (Index("ix_otp_codes_phone", "phone_hash", "purpose", "created_at"),)

    id: str = Field(primary_key=True, max_length=36)
    phone_hash: str = Field(max_length=64)
    purpose: str = Field(max_length=40)
    code_hash: str = Field(max_length=64)
    created_at: datetime = _dt(nullable=False)
    expires_at: datetime = _dt(nullable=False)
    attempts: int = 0
    used_at: datetime | None = _dt()
    voided_at: datetime | None = _dt()


class OtpHitRow(SQLModel, table=True):
    __tablename__ = "otp_hits"
    __table_args__ = (Index("ix_otp_hits_key", "scope", "key", "at"),)

    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True,
                                                           autoincrement=True))
    scope: str = Field(max_length=20)
    key: str = Field(max_length=64)
    at: datetime = _dt(nullable=False)
