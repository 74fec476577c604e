"""Bodies of ``POST /cases/{id}/unmask``: an officer reveals a case's personal form values."""

from __future__ import annotations

import unicodedata
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from shared.times import UtcDatetime


class UnmaskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "examples": [{"reason": "Mencocokkan NIK anak dengan KK pada verifikasi berkas"}]})
    reason: str = Field(min_length=5, max_length=500, description=(
        "Why the officer needs the values in full (5 to 500 characters, no control "
        "characters). Written to the service's audit log, with long numbers masked."))

    @field_validator("reason")
    @classmethod
    def _plain_text(cls, value: str) -> str:
        if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in value):
            raise PydanticCustomError("control-characters", "control characters")
        text = value.strip()
        if len(text) < 5:
            raise PydanticCustomError("string_too_short", "too short", {"min_length": 5})
        return text


class BreakGlassRequest(UnmaskRequest):
    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "examples": [{"reason": "Permintaan tertulis Kepolisian Resor Lampung Selatan atas "
                                "laporan pemalsuan dokumen"}]})
    reason: str = Field(min_length=20, max_length=500, description=(
        "Why the values are needed in full without holding a step of the case (20 to 500 "
        "characters, no control characters). Written to the audit log as `pii.break_glass`."))

    @field_validator("reason")
    @classmethod
    def _long_enough(cls, value: str) -> str:
        if len(value) < 20:
            raise PydanticCustomError("string_too_short", "too short", {"min_length": 20})
        return value


class UnmaskOut(BaseModel):
    """The case's form in full, for the officer who asked (never cached)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "case_id": "0b9e8c9e-5a7e-4d7b-9a51-2f0c6d1f4a10",
        "form": {"nik_anak": "1801010101230001", "nama_anak": "Anak Demo",
                 "tanggal_lahir_anak": "2023-01-01", "nomor_kk": "1801010101900009",
                 "pengambilan": "unduh_halo_lamsel"},
        "audit_id": 42, "revealed_at": "2026-12-03T02:20:00Z"}]})
    case_id: str
    form: dict[str, Any]
    """Every value of the applicant's form, personal ones in full."""
    audit_id: int
    """The ``audit_log`` row that records this reveal (who, when, case, fields, reason)."""
    revealed_at: UtcDatetime
