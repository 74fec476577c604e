"""The response-time standard and the monthly figures per post (pure).

The standard: a post reaches the scene within 15 minutes of the report.
- Perbup Lampung Selatan 19/2026, Lampiran, SOP pelayanan kebakaran (text lines 326-345) and
  SOP evakuasi non kebakaran (lines 269-284), step 5, Keterangan: "petugas sampai di lokasi
  ... dalam waktu 15 menit" (checked against the text held in the repository; the SOPs'
  ``tiba_di_lokasi`` step is due 15 minutes after the report, ``time_from: submitted``).
- Permendagri 114/2018 (Standar Teknis Pelayanan Dasar pada SPM Sub Urusan Kebakaran Daerah
  Kabupaten/Kota), whose Lampiran names the response-time service (layanan respon cepat /
  response time) as a step of the basic service: the title, its basis (PP 2/2018 Pasal 9
  ayat (6)) and that step were found in the text; the 15-minute figure itself and its
  paragraph were NOT found in the text available here: not verified against the text.

Figures per post: reports, arrived, arrived within the standard, share (of the arrived),
median and 90th percentile minutes (nearest rank), not yet arrived.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

STANDARD_MINUTES = 15
STANDARD_SOURCE = (
    "Perbup Lampung Selatan 19/2026, Lampiran, SOP pelayanan kebakaran dan SOP evakuasi non "
    "kebakaran, langkah 5 (Keterangan: petugas sampai di lokasi dalam waktu 15 menit); "
    "Permendagri 114/2018 (SPM sub urusan kebakaran, layanan respon cepat): angka 15 menit "
    "belum diverifikasi terhadap teks Permendagri")


@dataclass(frozen=True)
class PostFigures:
    post_id: str
    reports: int
    arrived: int
    within: int
    share: float | None
    """Arrived within the standard / arrived (None: none arrived)."""
    median_min: float | None
    p90_min: float | None
    pending: int


def median(values: Sequence[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def percentile(values: Sequence[float], p: float) -> float | None:
    """Nearest-rank percentile: the value at rank ceil(p/100 * n) of the sorted values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(1, math.ceil(p / 100 * len(ordered))) - 1]


def figures(post_id: str, minutes: Iterable[float | None],
            standard: float = STANDARD_MINUTES) -> PostFigures:
    """``minutes``: one entry per report, its minutes to arrival or None (not arrived)."""
    items = list(minutes)
    arrived = [m for m in items if m is not None]
    within = sum(1 for m in arrived if m <= standard)
    return PostFigures(post_id=post_id, reports=len(items), arrived=len(arrived), within=within,
                       share=round(within / len(arrived), 4) if arrived else None,
                       median_min=median(arrived), p90_min=percentile(arrived, 90),
                       pending=len(items) - len(arrived))
