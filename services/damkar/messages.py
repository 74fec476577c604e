"""The damkar service's own problem codes (Indonesian, English), registered on import. No
message holds the number, the address or the location."""

from __future__ import annotations

from shared.web.i18n import register_messages

MESSAGES: dict[str, tuple[str, str]] = {
    "damkar-report-forbidden": (
        "Laporan darurat memerlukan nomor telepon yang sudah dikonfirmasi dengan kode "
        "(POST /api/v1/auth/otp) atau akun warga.",
        "An emergency report needs a phone number confirmed by a one-time code "
        "(POST /api/v1/auth/otp) or a citizen account."),
    "damkar-outside-regency": (
        "Lokasi berada di luar wilayah {regency}. Hubungi nomor darurat 112 agar diteruskan "
        "ke dinas pemadam kebakaran setempat.",
        "The location is outside {regency}. Call 112 to reach the local fire service."),
    "damkar-rate-limited": (
        "Terlalu banyak laporan dari nomor atau alamat ini. Coba lagi dalam {retry_after} "
        "detik, atau hubungi nomor darurat 112.",
        "Too many reports from this number or address. Try again in {retry_after} seconds, "
        "or call 112."),
    "damkar-report-not-found": ("Laporan darurat tidak ditemukan.",
                                "Emergency report not found."),
    "damkar-not-at-arrival": (
        "Laporan ini tidak sedang menunggu kedatangan petugas (langkah saat ini: {step}).",
        "This report is not waiting for the crew's arrival (current step: {step})."),
    "damkar-officers-only": (
        "Hanya petugas Damkar atau admin yang dapat melihat ini.",
        "Only damkar officers or administrators may see this."),
    "field.damkar-phone-format": (
        "Nomor telepon harus nomor seluler Indonesia (08…, 628… atau +628…).",
        "The phone number must be an Indonesian mobile number (08…, 628… or +628…)."),
    "field.damkar-phone-mismatch": (
        "Nomor telepon tidak sama dengan nomor yang dikonfirmasi dengan kode.",
        "The phone number is not the one confirmed by the code."),
}

register_messages(MESSAGES)
