"""The identity tables, in the gateway database (migrations in ``migrations/``).

``identity_accounts`` holds every account: citizens (``kind='citizen'``), officers, agency
and platform admins, and system accounts (an agency's ``integrasi``). The NIK is never
stored in clear: ``nik_hash`` (HMAC-SHA256, unique, for look-ups) and ``nik_cipher``
(AES-GCM, for the masked profile). Refresh tokens are stored as SHA-256 hashes and grouped
in families (one per login); ``identity_audit`` records every account change without PII.
``identity_login_failures`` counts failed logins of identifiers that name no account, under
a keyed hash, so every gateway replica slows and locks them alike.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Integer, Text
from sqlmodel import Field, SQLModel

from shared.db.types import UTCDateTime

KINDS = ("citizen", "officer", "admin", "system")
"""``admin`` is a platform or agency administrator (its roles tell which)."""


def _dt(nullable: bool = True, index: bool = False) -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=nullable, index=index))


class AccountRow(SQLModel, table=True):
    __tablename__ = "identity_accounts"

    id: str = Field(primary_key=True, max_length=36)
    kind: str = Field(max_length=10)
    name: str = Field(max_length=100)
    email: str = Field(max_length=254, unique=True)
    phone: str | None = Field(default=None, max_length=20, unique=True)
    nik_hash: str | None = Field(default=None, max_length=64, unique=True)
    nik_cipher: str | None = Field(default=None, sa_column=Column(Text))
    password_hash: str = Field(sa_column=Column(Text, nullable=False))
    roles: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    agency: str | None = Field(default=None, max_length=60, index=True)
    status: str = Field(default="active", max_length=10)
    failed_logins: int = 0
    last_failed_at: datetime | None = _dt()
    locked_until: datetime | None = _dt()
    created_by: str = Field(max_length=64)
    created_at: datetime = _dt(nullable=False)
    updated_at: datetime = _dt(nullable=False)


class TokenFamilyRow(SQLModel, table=True):
    """One login session: every refresh token rotated from the same login."""

    __tablename__ = "identity_token_families"

    id: str = Field(primary_key=True, max_length=36)
    account_id: str = Field(foreign_key="identity_accounts.id", max_length=36, index=True)
    created_at: datetime = _dt(nullable=False)
    revoked_at: datetime | None = _dt()
    revoked_reason: str | None = Field(default=None, max_length=20)


class RefreshTokenRow(SQLModel, table=True):
    __tablename__ = "identity_refresh_tokens"

    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True,
                                                          autoincrement=True))
    token_hash: str = Field(max_length=64, unique=True)
    family_id: str = Field(foreign_key="identity_token_families.id", max_length=36, index=True)
    issued_at: datetime = _dt(nullable=False)
    expires_at: datetime = _dt(nullable=False)
    used_at: datetime | None = _dt()


class AuditRow(SQLModel, table=True):
    __tablename__ = "identity_audit"

    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True,
                                                          autoincrement=True))
    at: datetime = _dt(nullable=False, index=True)
    actor: str = Field(max_length=64)
    action: str = Field(max_length=40)
    target: str | None = Field(default=None, max_length=36, index=True)
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class LoginFailureRow(SQLModel, table=True):
    """Failed logins of a login identifier that names no account: the same fields as an
    account's, so the login code treats both alike. ``key`` is an HMAC-SHA256 of the
    normalised identifier; the identifier itself is never kept."""

    __tablename__ = "identity_login_failures"

    key: str = Field(primary_key=True, max_length=64)
    failed_logins: int = 0
    last_failed_at: datetime | None = _dt(index=True)
    locked_until: datetime | None = _dt()
