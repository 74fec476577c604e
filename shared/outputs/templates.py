"""The document templates, one per product kind: data, not code branches.

Each template has an ``opening`` paragraph, the ``rows`` of the detail table (label and a
value with ``{placeholders}``; a row whose value comes out empty is left out) and a
``closing`` paragraph. Placeholders: ``product``, ``number``, ``tracking_no``,
``sop_title``, ``agency_name``, ``holder``, ``nik`` (already masked), ``issued_date``,
``valid_until`` (a date, or empty).
"""

from __future__ import annotations

from typing import Any

_COMMON_ROWS: list[tuple[str, str]] = [
    ("Nama", "{holder}"),
    ("NIK", "{nik}"),
    ("Layanan", "{sop_title}"),
    ("Nomor permohonan", "{tracking_no}"),
    ("Tanggal terbit", "{issued_date}"),
    ("Berlaku sampai", "{valid_until}"),
]

TEMPLATES: dict[str, dict[str, Any]] = {
    "surat_izin": {
        "opening": "Berdasarkan permohonan yang telah diverifikasi dan memenuhi persyaratan, "
                   "{agency_name} Kabupaten Lampung Selatan dengan ini memberikan {product} "
                   "kepada:",
        "rows": _COMMON_ROWS,
        "closing": "Izin ini berlaku sesuai ketentuan peraturan perundang-undangan dan dapat "
                   "dicabut apabila pemegang tidak lagi memenuhi persyaratan.",
    },
    "surat_rekomendasi": {
        "opening": "{agency_name} Kabupaten Lampung Selatan dengan ini memberikan {product} "
                   "kepada:",
        "rows": _COMMON_ROWS,
        "closing": "Rekomendasi ini diberikan untuk dipergunakan sebagaimana mestinya.",
    },
    "surat_keterangan": {
        "opening": "Yang bertanda tangan di bawah ini menerangkan bahwa:",
        "rows": _COMMON_ROWS,
        "closing": "Demikian {product} ini dibuat dengan sebenarnya untuk dipergunakan "
                   "sebagaimana mestinya.",
    },
    "tanda_terima_dokumen": {
        "opening": "{agency_name} Kabupaten Lampung Selatan telah menerbitkan dokumen "
                   "{product} atas permohonan berikut:",
        "rows": [("Dokumen", "{product}"), *_COMMON_ROWS],
        "closing": "Dokumen telah dibubuhi tanda tangan elektronik dan sah tanpa tanda tangan "
                   "basah maupun cap.",
    },
    "tanda_terima": {
        "opening": "Telah diterima oleh {agency_name} Kabupaten Lampung Selatan:",
        "rows": [("Perihal", "{product}"), *_COMMON_ROWS],
        "closing": "Tanda terima ini merupakan bukti bahwa permohonan telah diterima dan "
                   "sedang diproses.",
    },
    "sppt_salinan": {
        "opening": "Salinan {product} diterbitkan atas permohonan wajib pajak berikut:",
        "rows": _COMMON_ROWS,
        "closing": "Salinan ini sama dengan aslinya dan diterbitkan secara elektronik.",
    },
    "bukti_pembayaran": {
        "opening": "Telah diterima pembayaran atas layanan berikut:",
        "rows": [("Perihal", "{product}"), *_COMMON_ROWS],
        "closing": "Simpan bukti pembayaran ini sebagai tanda lunas.",
    },
    "berita_acara": {
        "opening": "Pada tanggal {issued_date}, {agency_name} Kabupaten Lampung Selatan telah "
                   "melaksanakan kegiatan sebagaimana tercatat dalam {product} ini, atas "
                   "permohonan:",
        "rows": _COMMON_ROWS,
        "closing": "Demikian berita acara ini dibuat dengan sebenarnya.",
    },
    "surat_jawaban_pengaduan": {
        "opening": "Menindaklanjuti pengaduan Saudara/i melalui kanal Halo Lamsel, "
                   "{agency_name} Kabupaten Lampung Selatan menyampaikan {product} atas "
                   "pengaduan berikut:",
        "rows": _COMMON_ROWS,
        "closing": "Terima kasih atas partisipasi Saudara/i dalam pengawasan pelayanan publik.",
    },
}
