"""Request and response bodies of the identity API.

Account forms take every field as optional text and accept unknown keys, so the service can
answer each problem with its own localised message: a missing field is ``required``, an
unknown one (``roles``, ``kind``, ...) is ``not-allowed`` — a caller can never set roles by
sending them. The OpenAPI schema still lists the required fields and forbids extra ones.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict


def _form(*required: str) -> ConfigDict:
    return ConfigDict(extra="allow", json_schema_extra={"required": list(required),
                                                        "additionalProperties": False})


class RegisterForm(BaseModel):
    """Citizen self-registration. ``phone`` is the WhatsApp number (08…, 628… or +628…)."""

    model_config = _form("nik", "name", "email", "phone", "password")
    nik: str | None = None
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    password: str | None = None


class LoginForm(BaseModel):
    """``login`` is the NIK, the e-mail address or the WhatsApp number."""

    model_config = _form("login", "password")
    login: str | None = None
    password: str | None = None


class RefreshForm(BaseModel):
    model_config = ConfigDict(extra="forbid")
    refresh_token: str


class AgencyAdminForm(BaseModel):
    model_config = _form("agency", "name", "email", "phone", "password")
    agency: str | None = None
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    password: str | None = None


class OfficerForm(BaseModel):
    """``roles`` are scoped to the agency of the path: ``<agency>:<role>``."""

    model_config = _form("name", "email", "password", "roles")
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    password: str | None = None
    roles: list[str] | None = None


class TokenPair(BaseModel):
    access_token: str
    token_type: str = "Bearer"
    expires_in: int
    refresh_token: str
    refresh_expires_in: int


class Profile(BaseModel):
    id: str
    kind: str
    name: str
    email: str
    phone: str | None
    nik: str | None
    """Masked (``1801********0001``); null for accounts without a NIK."""
    roles: list[str]
    agency: str | None
    status: str
    created_at: datetime


class KeyRotation(BaseModel):
    active_kid: str
    kids: list[str]
    """Every key id in the JWKS, oldest first; tokens of the older ones stay valid."""


class AuditEntry(BaseModel):
    at: datetime
    actor: str
    action: str
    target: str | None
    details: dict[str, object]
