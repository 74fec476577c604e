"""Request and response bodies of the identity API.

Account forms take every field as optional text and accept unknown keys, so the service can
answer each problem with its own localised message: a missing field is ``required``, an
unknown one (``roles``, ``kind``, ...) is ``not-allowed`` — a caller can never set roles by
sending them. The OpenAPI schema still lists the required fields and forbids extra ones.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from gateway.identity.passwords import MAX_LENGTH, MIN_LENGTH
from shared.times import UtcDatetime
from shared.web.text import LOGIN_MAX, NAME_MAX, PASSWORD_MAX, TOKEN_MAX, Line

SHORT_MAX = 64
"""A NIK, a phone number or an agency key, with room for separators."""
ROLES_MAX = 20
Role = Annotated[Line, Field(max_length=SHORT_MAX)]
"""``<agency>:<role>``."""

PASSWORD_POLICY = (
    f"Password policy: {MIN_LENGTH} to {MAX_LENGTH} characters; at least one letter and one "
    "digit; must not contain the NIK, the e-mail address or its part before `@` (when it has "
    "4 or more characters), or the phone number (its digits after +62, even split by other "
    "characters); must not be a well-known password (case-insensitive, also with digits or "
    "symbols at its end removed, so `Password2026!` counts as `password`). Every broken rule "
    "is its own problem: `password-too-short`, `password-too-long`, "
    "`password-letters-digits`, `password-personal`, `password-common`.")
NIK_RULES = (
    "NIK: 16 digits (spaces, dots and dashes between groups are ignored); a real province "
    "code, a regency code of the kabupaten (01-69) or kota (71-79) form (in Lampung one of "
    "its 15 regencies and cities) and a non-zero district code (`nik-region`), a real birth "
    "date in "
    "digits 7-12 (women add 40 to the day; `nik-birth-date`) that is not in the future "
    "(`nik-future`), serial not `0000` (`nik-serial`); wrong length: `nik-format`. Stored "
    "only as a keyed hash and a ciphertext; shown masked.")
PHONE_RULES = (
    "WhatsApp number: an Indonesian mobile number written 08…, 628… or +628… (spaces, dots, "
    "dashes and brackets allowed); stored as +628… (8 + 7 to 11 digits after +62).")
REGISTER_RULES = (
    "A citizen registers; the account gets the role `citizen` only. Every field problem is "
    "reported at once (422, `errors: [{field, problem, message}]`); sending `roles`, `kind` "
    "or any other field is `not-allowed`. A NIK, e-mail or phone already used by any account "
    "is one 409 that does not say which.\n\n"
    f"- {NIK_RULES}\n- Name: letters, spaces and . , ' - (at least 2 letters, at most 100 "
    "characters).\n- E-mail: a valid address, stored in lower case.\n"
    f"- {PHONE_RULES}\n- {PASSWORD_POLICY}\n\n"
    "Rate limited per client address (`HALO_IDENTITY_RATE_REGISTER`, default 10 per 60 s).")


def _form(*required: str) -> ConfigDict:
    return ConfigDict(extra="allow", json_schema_extra={"required": list(required),
                                                        "additionalProperties": False})


class RegisterForm(BaseModel):
    """Citizen self-registration. ``phone`` is the WhatsApp number (08…, 628… or +628…)."""

    model_config = _form("nik", "name", "email", "phone", "password")
    nik: Line | None = Field(default=None, max_length=SHORT_MAX, description=NIK_RULES,
                             examples=["1801014507900003"])
    name: Line | None = Field(default=None, max_length=NAME_MAX,
                              description="Letters, spaces and . , ' - "
                              "(at least 2 letters, at most 100 characters).")
    email: Line | None = Field(default=None, max_length=LOGIN_MAX,
                               description="Stored in lower case; a login.")
    phone: Line | None = Field(default=None, max_length=SHORT_MAX, description=PHONE_RULES,
                               examples=["0812-3456-7890"])
    password: Line | None = Field(default=None, description=PASSWORD_POLICY,
                                  max_length=PASSWORD_MAX,
                                  json_schema_extra={"minLength": MIN_LENGTH,
                                                     "maxLength": MAX_LENGTH})


class LoginForm(BaseModel):
    """``login`` is the NIK, the e-mail address or the WhatsApp number."""

    model_config = _form("login", "password")
    login: Line | None = Field(default=None, max_length=LOGIN_MAX,
                               description="The NIK (16 digits), the e-mail "
                               "address or the WhatsApp number (08…, 628… or +628…).")
    password: Line | None = Field(default=None, max_length=PASSWORD_MAX,
                                  description="Refused (422) over 256 characters, before "
                                  "any hashing.")


class RefreshForm(BaseModel):
    model_config = ConfigDict(extra="forbid")
    refresh_token: Line = Field(max_length=TOKEN_MAX)


class AgencyAdminForm(BaseModel):
    model_config = _form("agency", "name", "email", "phone", "password")
    agency: Line | None = Field(default=None, max_length=SHORT_MAX)
    name: Line | None = Field(default=None, max_length=NAME_MAX)
    email: Line | None = Field(default=None, max_length=LOGIN_MAX)
    phone: Line | None = Field(default=None, max_length=SHORT_MAX)
    password: Line | None = Field(default=None, max_length=PASSWORD_MAX)


class OfficerForm(BaseModel):
    """``roles`` are scoped to the agency of the path: ``<agency>:<role>``."""

    model_config = _form("name", "email", "password", "roles")
    name: Line | None = Field(default=None, max_length=NAME_MAX)
    email: Line | None = Field(default=None, max_length=LOGIN_MAX)
    phone: Line | None = Field(default=None, max_length=SHORT_MAX)
    password: Line | None = Field(default=None, max_length=PASSWORD_MAX)
    roles: list[Role] | None = Field(default=None, max_length=ROLES_MAX)


class RolesForm(BaseModel):
    """The officer's new roles (all of them), each ``<agency>:<role>`` of the path's agency."""

    model_config = _form("roles")
    roles: list[Role] | None = Field(default=None, max_length=ROLES_MAX)


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
    created_at: UtcDatetime


class KeyRotation(BaseModel):
    active_kid: str
    kids: list[str]
    """Every key id in the JWKS, oldest first; tokens of the older ones stay valid."""


class AuditEntry(BaseModel):
    at: UtcDatetime
    actor: str
    action: str
    target: str | None
    details: dict[str, object]
