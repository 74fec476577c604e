"""The service categories of the catalog, with their Indonesian labels (shown to citizens
and searched by the catalog)."""

from __future__ import annotations

CATEGORIES: dict[str, str] = {
    "civil-registry": "Administrasi Kependudukan dan Pencatatan Sipil",
    "permit-license": "Perizinan dan Nonperizinan",
    "complaint-report": "Pengaduan dan Pelaporan",
    "emergency-fire-rescue": "Kedaruratan, Pemadam Kebakaran dan Penyelamatan",
    "tax-levy": "Pajak dan Retribusi Daerah",
    "civil-servant-hr": "Kepegawaian (ASN)",
    "consultation-information": "Konsultasi dan Informasi",
    "facilitation-other": "Fasilitasi dan Layanan Lainnya",
}


def category_label(category: str) -> str:
    return CATEGORIES.get(category, category)
