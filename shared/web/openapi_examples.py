"""Request and response examples of the service routes, for the OpenAPI document.

Keyed by ``(METHOD, path)`` as the service sees it (the gateway adds ``/api/v1/<service>``).
The values follow the KIA walk-through of the README; a test validates every example against
the schema it illustrates, so an example that no longer matches the API fails the suite.
"""

from __future__ import annotations

from typing import Any

from shared.web.openapi import Examples

KIA = "dukcapil-kia-0-5-tahun"
CASE_ID = "0b9e8c9e-5a7e-4d7b-9a51-2f0c6d1f4a10"
AT = "2026-12-03T02:15:00Z"

OPEN_KIA: dict[str, Any] = {
    "sop_key": KIA,
    "form": {"nik_anak": "1801010101230001", "nama_anak": "Anak Demo",
             "tanggal_lahir_anak": "2023-01-01", "nomor_kk": "1801010101900009",
             "pengambilan": "unduh_halo_lamsel"}}

CASE: dict[str, Any] = {
    "case_id": CASE_ID, "id": CASE_ID, "tracking_no": "DK-7MQ3-XA9T", "service": "dukcapil",
    "sop_key": KIA, "sop_version": 1,
    "title": "Penerbitan Kartu Identitas Anak (KIA) usia 0-5 tahun",
    "agency": "disdukcapil", "status": "open",
    "current_step": {"id": "verifikasi", "nomor": 2, "activity": "Memverifikasi berkas",
                     "role": "operator", "agency": "disdukcapil", "kind": "officer",
                     "due_at": "2026-12-03T04:15:00Z", "overdue": False},
    "applicant_due_at": None, "created_at": AT, "updated_at": AT, "closed_at": None,
    "outcome_reason": None,
    "form": {"nik_anak": "1801********0001", "nama_anak": "A*** D***",
             "tanggal_lahir_anak": "2023-01-01", "nomor_kk": "1801********0009",
             "pengambilan": "unduh_halo_lamsel"},
    "masked": ["nik_anak", "nama_anak", "nomor_kk"],
    "documents": [{"id": "5f1d2c3b-0000-4000-8000-000000000001", "key": "berkas_persyaratan",
                   "filename": "berkas.pdf", "size": 58, "content_type": "application/pdf",
                   "sha256": "9f2c" * 16,
                   "url": f"/cases/{CASE_ID}/documents/5f1d2c3b-0000-4000-8000-000000000001"}],
    "actions": [{"step": "verifikasi", "name": "teruskan", "label": "Teruskan",
                 "kind": "forward", "to": "cetak"},
                {"step": "verifikasi", "name": "kembalikan", "label": "Kembalikan berkas",
                 "kind": "return", "to": None}]}

PROBLEM_ID = "4f6c0e0a9d2b4a43a1c7f3e1b2d4c5a6"
ON_BEHALF_OF_UNKNOWN: dict[str, Any] = {
    "type": "https://halo.lampungselatankab.go.id/problems/on-behalf-of-unknown",
    "title": "Data tidak dapat diproses", "status": 422, "code": "on-behalf-of-unknown",
    "detail": "Akun warga untuk pengajuan atas nama (on_behalf_of) tidak ditemukan atau tidak "
              "aktif. Cari akun warga lewat pencarian loket (POST /api/v1/citizens/lookup).",
    "instance": "/api/v1/dukcapil/cases", "request_id": PROBLEM_ID}
UNMASKED: dict[str, Any] = {
    "case_id": CASE_ID, "form": OPEN_KIA["form"], "audit_id": 42,
    "revealed_at": "2026-12-03T02:20:00Z"}

RETURN: dict[str, Any] = {
    "action": "kembalikan", "step": "verifikasi",
    "comment": "Scan KK tidak terbaca, mohon unggah ulang",
    "requested": {"documents": ["berkas_persyaratan"], "fields": []}}

SERVICE_EXAMPLES: Examples = {
    ("POST", "/cases"): {
        "request": {"kia": OPEN_KIA},
        "response": {201: {"opened": CASE}, 422: {"document-refused": {
            "type": "https://halo.lampungselatankab.go.id/problems/document-refused",
            "title": "Permintaan tidak valid", "status": 422, "code": "document-refused",
            "detail": "Dokumen ditolak.", "instance": "/api/v1/dukcapil/cases",
            "request_id": "4f6c0e0a9d2b4a43a1c7f3e1b2d4c5a6",
            "errors": [{"field": "documents.berkas_persyaratan", "problem": "type-not-allowed",
                        "message": "Jenis berkas tidak diizinkan."}]},
            "on-behalf-of-unknown": ON_BEHALF_OF_UNKNOWN}}},
    ("POST", "/cases/{case_id}/unmask"): {
        "request": {"reason": {"reason": "Mencocokkan NIK anak dengan KK pada verifikasi"}},
        "response": {200: {"revealed": UNMASKED}, 403: {"not-a-step-holder": {
            "type": "https://halo.lampungselatankab.go.id/problems/unmask-not-permitted",
            "title": "Tidak berwenang", "status": 403, "code": "unmask-not-permitted",
            "detail": "Data pribadi permohonan ini hanya dapat dibuka oleh petugas yang "
                      "menangani langkah SOP-nya di disdukcapil.",
            "instance": f"/api/v1/dukcapil/cases/{CASE_ID}/unmask", "request_id": PROBLEM_ID}},
            429: {"rate-limited": {
                "type": "https://halo.lampungselatankab.go.id/problems/rate-limited",
                "title": "Terlalu banyak permintaan", "status": 429, "code": "rate-limited",
                "detail": "Terlalu banyak percobaan. Coba lagi dalam 120 detik.",
                "instance": f"/api/v1/dukcapil/cases/{CASE_ID}/unmask",
                "request_id": PROBLEM_ID}}}},
    ("POST", "/cases/{case_id}/actions"): {
        "request": {"forward": {"action": "teruskan", "step": "verifikasi"},
                    "return": RETURN,
                    "resubmit": {"action": "lengkapi", "comment": "Scan KK yang baru"}},
        "response": {200: {"moved": {**CASE, "current_step": {
            **CASE["current_step"], "id": "cetak", "nomor": 3,
            "activity": "Mencetak KIA"}}}, 409: {"wrong-step": {
                "type": "https://halo.lampungselatankab.go.id/problems/wrong-step",
                "title": "Konflik", "status": 409, "code": "wrong-step",
                "detail": "Berkas sudah berpindah langkah.",
                "instance": f"/api/v1/dukcapil/cases/{CASE_ID}/actions",
                "request_id": "4f6c0e0a9d2b4a43a1c7f3e1b2d4c5a6"}}}},
    ("GET", "/cases/{case_id}"): {"response": {200: {"open": CASE}}},
    ("GET", "/cases"): {"response": {200: {"mine": {
        "items": [CASE], "total": 1, "limit": 20, "offset": 0}}}},
}
