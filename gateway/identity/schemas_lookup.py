"""Bodies of ``POST /api/v1/citizens/lookup``: a counter officer finds a citizen's account."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from shared.web.text import Line


class CitizenLookup(BaseModel):
    """Exactly one key: the citizen's NIK, WhatsApp number or e-mail."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "examples": [{"nik": "1801014505900001"}, {"phone": "081234567890"},
                     {"email": "siti@example.id"}]})
    nik: Line | None = Field(default=None, max_length=32, description="16 digits")
    phone: Line | None = Field(default=None, max_length=32,
                              description="An Indonesian mobile number: 08…, 628… or +628…")
    email: Line | None = Field(default=None, max_length=254)


class CitizenFound(BaseModel):
    """The account to name in ``on_behalf_of``, with masked details to confirm with the
    citizen at the counter."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "account_id": "5b0f3c1e-2a4d-4c6b-9f7e-8d1a2b3c4d5e", "name_masked": "S*** A***",
        "nik_masked": "1801********0001", "phone_masked": "+628******7890"}]})
    account_id: str
    name_masked: str
    nik_masked: str | None
    phone_masked: str | None
