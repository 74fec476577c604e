"""The webhooks part's problem codes (Bahasa Indonesia, English), added to
:data:`shared.web.i18n.MESSAGES` by :func:`install` when :mod:`.part` is imported."""

from __future__ import annotations

from shared.web import i18n

PROBLEMS: dict[str, tuple[str, str]] = {
    "webhook-not-found": ("Langganan webhook tidak ditemukan.",
                          "The webhook subscription was not found."),
    "webhook-delivery-not-found": ("Pengiriman webhook tidak ditemukan.",
                                   "The webhook delivery was not found."),
    "webhook-account-invalid": (
        "Akun '{account_id}' bukan akun integrasi aktif perangkat daerah ini.",
        "Account '{account_id}' is not an active integration account of this agency."),
    "webhook-url-scheme": (
        "Alamat penerima webhook wajib https (http hanya untuk 127.0.0.1/localhost di "
        "pengembangan).",
        "The webhook receiver address must be https (http only for 127.0.0.1/localhost in "
        "development)."),
    "webhook-url-host": ("Alamat penerima webhook tidak memuat nama host yang valid.",
                         "The webhook receiver address has no valid host name."),
    "webhook-url-credentials": (
        "Alamat penerima webhook tidak boleh memuat nama pengguna atau kata sandi.",
        "The webhook receiver address must not hold a user name or password."),
    "webhook-url-private": (
        "Alamat penerima webhook menuju jaringan privat, loopback atau link-local; "
        "tidak diizinkan.",
        "The webhook receiver address leads to a private, loopback or link-local network; "
        "not allowed."),
    "webhook-url-unresolved": ("Nama host penerima webhook tidak dapat di-resolve.",
                               "The webhook receiver host name does not resolve."),
    "webhook-event-type-unknown": (
        "Jenis peristiwa '{event_type}' tidak ada dalam kontrak peristiwa.",
        "Event type '{event_type}' is not in the event contract."),
    "webhook-sop-not-agency": (
        "SOP '{sop_key}' bukan layanan perangkat daerah '{agency}'.",
        "SOP '{sop_key}' is not a service of agency '{agency}'."),
    "webhook-sop-unknown": ("SOP '{sop_key}' tidak dikenal.", "SOP '{sop_key}' is unknown."),
    "webhook-catalog-unavailable": (
        "Katalog SOP belum dapat diperiksa (layanan tidak menjawab); coba lagi nanti.",
        "The SOP catalog cannot be checked now (a service did not answer); try again later."),
    "webhook-window-invalid": (
        "Rentang waktu ulang tidak valid: 'sejak' harus sebelum 'sampai' dan paling lama "
        "{days} hari.",
        "The replay window is invalid: 'sejak' must be before 'sampai', at most {days} days."),
}


def install() -> None:
    """Add the codes (idempotent); a code already defined differently is an error."""
    for code, texts in PROBLEMS.items():
        current = i18n.MESSAGES.get(code)
        if current is not None and current != texts:
            raise RuntimeError(f"message code {code!r} is already defined differently")
        i18n.MESSAGES[code] = texts
