"""Problem codes and field problems of the agency views (workload, SLA report), in Bahasa
Indonesia and English."""

from __future__ import annotations

from shared.web.i18n import register_messages

MESSAGES: dict[str, tuple[str, str]] = {
    "agency-not-found": ("Instansi '{agency}' tidak dikenal.", "Unknown agency '{agency}'."),
    "field.date_parsing": ("Harus berupa tanggal (TTTT-BB-HH).", "Must be a date (YYYY-MM-DD)."),
    "field.date_from_datetime_parsing": ("Harus berupa tanggal (TTTT-BB-HH).",
                                         "Must be a date (YYYY-MM-DD)."),
    "field.date_type": ("Harus berupa tanggal (TTTT-BB-HH).", "Must be a date (YYYY-MM-DD)."),
    "field.period-reversed": (
        "Tanggal awal ({start}) tidak boleh sesudah tanggal akhir ({end}).",
        "The start date ({start}) must not be after the end date ({end})."),
    "field.period-too-long": (
        "Periode paling panjang {max_days} hari (diminta {days} hari).",
        "The period is at most {max_days} days long ({days} days asked)."),
    "field.date-out-of-range": (
        "Tanggal harus di antara {min} dan {max}.",
        "The date must lie between {min} and {max}."),
}

register_messages(MESSAGES)
