"""The notifications part's problem codes (Bahasa Indonesia, English), added to
:data:`shared.web.i18n.MESSAGES` by :func:`install` when :mod:`.part` is imported."""

from __future__ import annotations

from shared.web import i18n

PROBLEMS: dict[str, tuple[str, str]] = {
    "notification-not-found": ("Pemberitahuan tidak ditemukan.",
                               "The notification was not found."),
    "channel-unavailable": (
        "Saluran '{channel}' tidak tersedia untuk akun ini (alamat belum ada atau saluran "
        "belum diaktifkan).",
        "Channel '{channel}' is not available for this account (no address, or the channel "
        "is not enabled)."),
}


def install() -> None:
    """Add the codes (idempotent); a code already defined differently is an error."""
    for code, texts in PROBLEMS.items():
        current = i18n.MESSAGES.get(code)
        if current is not None and current != texts:
            raise RuntimeError(f"message code {code!r} is already defined differently")
        i18n.MESSAGES[code] = texts
