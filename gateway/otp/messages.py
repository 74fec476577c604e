"""Problem codes of the one-time code part (Bahasa Indonesia, English), added to the shared
catalogue by :func:`install` (called when :mod:`gateway.otp.part` is imported). No message
holds the number or the code."""

from __future__ import annotations

from shared.web import i18n

PROBLEMS: dict[str, tuple[str, str]] = {
    "otp-rate-limited": (
        "Terlalu banyak permintaan kode untuk nomor atau alamat ini. Coba lagi dalam "
        "{retry_after} detik. Dalam keadaan darurat hubungi juga nomor darurat 112.",
        "Too many code requests for this number or address. Try again in {retry_after} "
        "seconds. In an emergency also call 112."),
    "otp-channel-unavailable": (
        "Kode verifikasi tidak dapat dikirim saat ini (kanal WhatsApp belum tersedia). "
        "Hubungi nomor darurat 112 atau pos damkar terdekat.",
        "The verification code cannot be sent now (no WhatsApp channel). Call 112 or the "
        "nearest fire post."),
    "otp-send-failed": (
        "Kode verifikasi gagal dikirim. Coba lagi sebentar lagi, atau hubungi nomor darurat "
        "112.",
        "The verification code could not be sent. Try again shortly, or call 112."),
    "otp-invalid": (
        "Tidak ada kode aktif untuk nomor ini. Minta kode baru.",
        "There is no active code for this number. Ask for a new code."),
    "otp-expired": (
        "Kode sudah kedaluwarsa. Minta kode baru.",
        "The code has expired. Ask for a new code."),
    "otp-wrong": (
        "Kode salah. Sisa percobaan: {left}.",
        "Wrong code. Attempts left: {left}."),
    "otp-void": (
        "Kode salah terlalu sering dan sudah tidak berlaku. Minta kode baru.",
        "Too many wrong codes: the code is void. Ask for a new code."),
}


def install() -> None:
    """Add the codes to the shared catalogue (idempotent)."""
    for code, texts in PROBLEMS.items():
        current = i18n.MESSAGES.get(code)
        if current is not None and current != texts:
            raise RuntimeError(f"message code {code!r} is already defined differently")
        i18n.MESSAGES[code] = texts
