"""Request and response bodies of the one-time code routes (every input bounded)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from gateway.otp.settings import PURPOSES

Purpose = Literal[PURPOSES]  # type: ignore[valid-type]


class CodeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    telepon: str = Field(min_length=8, max_length=24,
                         description="Nomor seluler Indonesia: 08…, 628… atau +628…")
    tujuan: Purpose = Field(description="Untuk apa kode dipakai: `darurat-damkar`.")


class CodeSent(BaseModel):
    terkirim: bool = True
    berlaku_detik: int
    """Seconds the code stays valid."""


class CodeCheck(BaseModel):
    model_config = ConfigDict(extra="forbid")
    telepon: str = Field(min_length=8, max_length=24)
    kode: str = Field(pattern=r"^\d{6}$")
    tujuan: Purpose = "darurat-damkar"


class ReporterToken(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int
    peran: str
    """The one role the token carries (``pelapor-darurat``)."""
