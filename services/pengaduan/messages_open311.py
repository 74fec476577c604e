"""The Open311 facade's message codes (Indonesian, English), registered on import.

The facade's own routes answer these as GeoReport errors (``description``); the key
management routes answer theirs as problem+json.
"""

from __future__ import annotations

from shared.web.i18n import register_messages

MESSAGES: dict[str, tuple[str, str]] = {
    "open311-format": ("Format tidak dikenal: gunakan .json atau .xml.",
                       "Unknown format: use .json or .xml."),
    "open311-jurisdiction": (
        "jurisdiction_id tidak ditemukan: layanan ini melayani {expected}.",
        "jurisdiction_id not found: this endpoint serves {expected}."),
    "open311-service-code-missing": ("service_code wajib diisi.", "service_code is required."),
    "open311-service-not-found": ("service_code tidak ditemukan.", "service_code not found."),
    "open311-api-key": ("api_key tidak sah atau sudah dicabut.",
                        "Invalid or revoked api_key."),
    "open311-key-scope": (
        "api_key ini hanya untuk layanan pengaduan instansi {agency}.",
        "This api_key may only post to the complaint services of {agency}."),
    "open311-location-missing": (
        "Lokasi wajib: lat dan long, atau address_string, atau address_id.",
        "A location is required: lat and long, or address_string, or address_id."),
    "open311-lat-long": (
        "lat dan long dikirim berdua, berupa angka WGS84 (lat -90 s.d. 90, long -180 s.d. 180).",
        "lat and long go together, as WGS84 numbers (lat -90 to 90, long -180 to 180)."),
    "open311-request-not-found": ("service_request_id tidak ditemukan.",
                                  "service_request_id not found."),
    "open311-token-not-found": ("token tidak ditemukan.", "token not found."),
    "open311-bad-date": (
        "{param} harus waktu format w3 dengan zona waktu, mis. 2026-12-03T00:00:00Z.",
        "{param} must be a w3 datetime with its zone, e.g. 2026-12-03T00:00:00Z."),
    "open311-window": (
        "Rentang start_date sampai end_date paling lama {days} hari dan start_date tidak "
        "sesudah end_date.",
        "start_date to end_date may span at most {days} days, start_date not after end_date."),
    "open311-status": ("status hanya open atau closed.", "status is open or closed."),
    "open311-field": ("{param}: {problem}", "{param}: {problem}"),
    "open311-parameter": ("Parameter {param} tidak sah.", "Invalid parameter {param}."),
    "open311-general": (
        "Permintaan tidak dapat diproses (kode {request_id}).",
        "The request could not be processed (reference {request_id})."),
    "open311-key-forbidden": (
        "Kunci API Open311 dikelola oleh admin {admin_agency}, admin platform, atau admin "
        "instansi untuk kunci instansinya sendiri.",
        "Open311 API keys are managed by {admin_agency} admins, platform admins, or an "
        "agency's admins for that agency's own keys."),
    "open311-key-not-found": ("Kunci API tidak ditemukan.", "API key not found."),
    "open311-key-binding": (
        "Sebutkan tepat satu: agency (akun integrasi instansi) atau partner (nama mitra).",
        "Give exactly one of agency (an agency's integration account) or partner (a name)."),
    "open311-key-agency-unknown": ("Instansi {agency} tidak dikenal.",
                                   "Unknown agency {agency}."),
}

register_messages(MESSAGES)
