"""The SP4N-LAPOR! problem codes of the pengaduan service (Indonesian, English). Registered
once when the module is imported; no message quotes a report's content or its reporter."""

from __future__ import annotations

from shared.web.i18n import register_messages

MESSAGES: dict[str, tuple[str, str]] = {
    "lapor-report-not-found": (
        "Laporan SP4N-LAPOR! ini tidak ada dalam catatan Halo Lamsel.",
        "This SP4N-LAPOR! report is not in Halo Lamsel's records."),
    "lapor-report-closed": (
        "Laporan SP4N-LAPOR! ini sudah selesai; batas waktunya tidak dapat diperpanjang.",
        "This SP4N-LAPOR! report is closed; its deadline cannot be extended."),
}

register_messages(MESSAGES)
