"""The Open311 facade's tables, in the pengaduan service's database (revision pengaduan_0001).

``open311_keys``: API keys. Only the SHA-256 of a key is kept (the key is shown once, at
creation); ``prefix`` is its first characters, for telling keys apart in the list. A key is
bound to an agency (that agency's integration account: it posts to that agency's complaint
SOPs only) or to a named partner (any offered complaint SOP). ``subject`` is the key's
pseudonymous applicant (``open311:<id>``) the cases it opens belong to.
``open311_requests``: one row per case opened through the facade: the location given and
the submitter's contact details sealed as one JSON text (runtime.cases.cipher), never
echoed. ``open311_tokens``: the token each POST answers, resolving to the tracking number.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, Float, ForeignKey, String, Text
from sqlmodel import Field, SQLModel

from shared.db.types import UTCDateTime


def _dt(nullable: bool = True) -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=nullable))


class Open311KeyRow(SQLModel, table=True):
    __tablename__ = "open311_keys"

    id: str = Field(primary_key=True, max_length=36)
    key_hash: str = Field(max_length=64, unique=True)
    prefix: str = Field(max_length=12)
    label: str = Field(max_length=200)
    agency: str | None = Field(default=None, max_length=60)
    partner: str | None = Field(default=None, max_length=200)
    subject: str = Field(max_length=64, unique=True)
    created_by: str = Field(max_length=64)
    created_at: datetime = _dt(nullable=False)
    revoked_at: datetime | None = _dt()
    revoked_by: str | None = Field(default=None, max_length=64)


class Open311RequestRow(SQLModel, table=True):
    __tablename__ = "open311_requests"

    case_id: str = Field(primary_key=True, max_length=36)
    tracking_no: str = Field(max_length=20, unique=True)
    key_id: str = Field(sa_column=Column(String(36), ForeignKey("open311_keys.id"),
                                         nullable=False, index=True))
    sop_key: str = Field(max_length=120)
    lat: float | None = Field(default=None, sa_column=Column(Float))
    long: float | None = Field(default=None, sa_column=Column(Float))
    address_string: str | None = Field(default=None, sa_column=Column(Text))
    address_id: str | None = Field(default=None, max_length=200)
    media_url: str | None = Field(default=None, max_length=2000)
    contact: str | None = Field(default=None, sa_column=Column(Text))
    """The sealed JSON of email, first/last name, phone, device_id and account_id."""
    requested_at: datetime = _dt(nullable=False)


class Open311TokenRow(SQLModel, table=True):
    __tablename__ = "open311_tokens"

    token: str = Field(primary_key=True, max_length=36)
    key_id: str = Field(sa_column=Column(String(36), ForeignKey("open311_keys.id"),
                                         nullable=False))
    case_id: str | None = Field(default=None, max_length=36)
    tracking_no: str | None = Field(default=None, max_length=20)
    created_at: datetime = _dt(nullable=False)
