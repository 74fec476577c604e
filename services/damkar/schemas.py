"""Bodies of the damkar emergency routes (every input bounded; no personal data out)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Jenis = Literal["kebakaran", "evakuasi"]
Reach = Literal["ya", "tidak", "tidak_tahu"]
Evacuation = Literal["hewan_liar_berbisa", "sarang_tawon", "orang_terjebak", "cincin_terjepit",
                     "pohon_tumbang", "lainnya"]


class EmergencyReport(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    jenis: Jenis
    telepon: str = Field(min_length=8, max_length=24,
                         description="The number confirmed by the one-time code")
    lat: float = Field(ge=-90, le=90, description="Latitude of the device (WGS 84)")
    lon: float = Field(ge=-180, le=180, description="Longitude of the device (WGS 84)")
    akurasi_m: float | None = Field(default=None, ge=0, le=100_000)
    alamat: str = Field(min_length=3, max_length=500)
    keterangan: str | None = Field(default=None, max_length=2000)
    nama: str | None = Field(default=None, min_length=1, max_length=100)
    petunjuk: str | None = Field(default=None, max_length=500)
    dapat_dijangkau: Reach = "tidak_tahu"
    jenis_evakuasi: Evacuation = "lainnya"


class PostOut(BaseModel):
    id: str
    name: str
    phone: str
    """The post's public number."""
    distance_km: float


class ReportAccepted(BaseModel):
    tracking_no: str
    case_id: str
    jenis: Jenis
    pos: PostOut
    received_at: datetime
    status_url: str


class ReportStatus(BaseModel):
    tracking_no: str
    jenis: Jenis
    status: str
    step: str | None
    step_label: str | None
    step_due_at: datetime | None
    pos: PostOut
    received_at: datetime
    dispatched_at: datetime
    departed_at: datetime | None
    arrived_at: datetime | None
    response_min: float | None
    standard_min: int


class ReportListItem(BaseModel):
    tracking_no: str
    case_id: str
    jenis: Jenis
    pos: PostOut
    received_at: datetime
    arrived_at: datetime | None
    response_min: float | None


class PostFiguresOut(BaseModel):
    post_id: str
    post_name: str
    reports: int
    arrived: int
    within_standard: int
    share_within: float | None
    median_min: float | None
    p90_min: float | None
    not_arrived: int


class ResponseTimeReport(BaseModel):
    bulan: str
    standard_min: int
    source: str
    posts: list[PostFiguresOut]
