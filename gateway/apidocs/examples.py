"""Request and response examples of the gateway's own routes (auth, tracking, survey), for
the OpenAPI document. A test validates each against the schema it illustrates."""

from __future__ import annotations

from typing import Any

from gateway.tracking.schemas_agency import AGENCY_EXAMPLES
from shared.web.openapi import Examples
from shared.web.openapi_examples import AT, CASE_ID, KIA

TRACKING_NO = "DK-7MQ3-XA9T"
ACCOUNT = "6a1f3e2d-1b4c-4d5e-8f90-123456789abc"
TOKENS: dict[str, Any] = {
    "access_token": "eyJhbGciOiJFUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiI2YTFmIn0.c2lnbmF0dXJl",
    "token_type": "bearer", "expires_in": 900,
    "refresh_token": "r1.Vw3Jm0m6q8qkq0w8b3h3o8jv0t1y2s4d", "refresh_expires_in": 2592000}
PROBLEM_401: dict[str, Any] = {
    "type": "https://halo.lampungselatankab.go.id/problems/invalid-credentials",
    "title": "Tidak terautentikasi", "status": 401, "code": "invalid-credentials",
    "detail": "Login atau kata sandi salah.", "instance": "/api/v1/auth/login",
    "request_id": "4f6c0e0a9d2b4a43a1c7f3e1b2d4c5a6"}
REGISTER_422: dict[str, Any] = {
    "type": "https://halo.lampungselatankab.go.id/problems/validation-error",
    "title": "Permintaan tidak valid", "status": 422, "code": "validation-error",
    "detail": "Data yang dikirim tidak valid.", "instance": "/api/v1/auth/register",
    "request_id": "4f6c0e0a9d2b4a43a1c7f3e1b2d4c5a6",
    "errors": [{"field": "nik", "problem": "nik-region",
                "message": "Kode wilayah NIK tidak dikenal."}]}

GATEWAY_EXAMPLES: Examples = {
    ("POST", "/api/v1/auth/register"): {
        "request": {"citizen": {"nik": "1801014101900003", "name": "Siti Aminah",
                                "email": "siti@example.id", "phone": "081234567890",
                                "password": "Lampung-Selatan-2026"}},
        "response": {201: {"registered": {
            "id": ACCOUNT, "kind": "citizen", "name": "Siti Aminah", "email": "siti@example.id",
            "phone": "0812******90", "nik": "180101******0003", "roles": ["citizen"],
            "agency": None, "status": "active", "created_at": AT}},
            422: {"bad-nik": REGISTER_422}}},
    ("POST", "/api/v1/auth/login"): {
        "request": {"by-email": {"login": "warga1@demo.halo.lamsel",
                                 "password": "Demo-Warga-2026"}},
        "response": {200: {"tokens": TOKENS}, 401: {"wrong-password": PROBLEM_401}}},
    ("POST", "/api/v1/auth/refresh"): {
        "request": {"refresh": {"refresh_token": TOKENS["refresh_token"]}},
        "response": {200: {"tokens": TOKENS}}},
    ("GET", "/api/v1/tracking/{tracking_no}"): {"response": {200: {"timeline": {
        "tracking_no": TRACKING_NO, "service": "dukcapil", "case_id": CASE_ID,
        "case_url": f"/api/v1/dukcapil/cases/{CASE_ID}", "sop_key": KIA, "sop_version": 1,
        "title": "Penerbitan Kartu Identitas Anak (KIA) usia 0-5 tahun",
        "agency": "disdukcapil", "status": "open",
        "current_step": {"id": "verifikasi", "role": "operator", "agency": "disdukcapil",
                         "kind": "officer", "nomor": 2, "activity": "Memverifikasi berkas",
                         "holder": "disdukcapil:operator", "due_at": "2026-12-03T04:15:00Z",
                         "overdue": False, "late": False},
        "overdue": False, "late": False, "created_at": AT, "updated_at": AT, "closed_at": None,
        "timeline": [{"seq": 1, "type": "case.submitted", "step": "pengajuan",
                      "action": "ajukan", "next_step": "verifikasi", "actor_role": "pemohon",
                      "actor_agency": None, "status": "open", "at": AT,
                      "due_at": "2026-12-03T04:15:00Z", "details": {}}],
        "outputs": []}}}},
    ("POST", "/api/v1/survey/{tracking_no}"): {
        "request": {"satisfied": {"answers": {f"u{i}": 4 for i in range(1, 10)},
                                  "comment": "Pelayanan cepat dan ramah"}},
        "response": {201: {"answered": {"tracking_no": TRACKING_NO, "answered_at": AT,
                                        "answers": {f"u{i}": 4 for i in range(1, 10)}}}}},
}
GATEWAY_EXAMPLES[("POST", "/api/v1/citizens/lookup")] = {
    "request": {"by-nik": {"nik": "1801014101900003"}, "by-phone": {"phone": "081234567890"}},
    "response": {200: {"found": {"account_id": ACCOUNT, "name_masked": "S*** A***",
                                 "nik_masked": "1801********0003",
                                 "phone_masked": "+628******7890"}},
                 404: {"not-found": {
                     "type": "https://halo.lampungselatankab.go.id/problems/citizen-not-found",
                     "title": "Tidak ditemukan", "status": 404, "code": "citizen-not-found",
                     "detail": "Tidak ada akun warga aktif dengan data tersebut.",
                     "instance": "/api/v1/citizens/lookup",
                     "request_id": "4f6c0e0a9d2b4a43a1c7f3e1b2d4c5a6"}}}}
GATEWAY_EXAMPLES.update(AGENCY_EXAMPLES)  # the agency workload and SLA report
