"""The KIA 0–5 tahun SOP of Disdukcapil, the case most service tests walk: its key, a valid
applicant form and a document that passes the upload checks."""

from __future__ import annotations

KIA = "dukcapil-kia-0-5-tahun"
FORM = {"nik_anak": "1801014505240001", "nama_anak": "Siti Aminah",
        "tanggal_lahir_anak": "2024-05-05", "nomor_kk": "1801012202200003",
        "pengambilan": "ambil_di_mpp"}
PDF = ("berkas.pdf", b"%PDF-1.4 contoh", "application/pdf")
