"""The perizinan service's own problem codes (Indonesian, English), registered on import."""

from __future__ import annotations

from shared.web.i18n import register_messages

MESSAGES: dict[str, tuple[str, str]] = {
    "practice-limit-reached": (
        "Permohonan ditolak: pemegang sudah memiliki {held} SIP {profession} yang masih "
        "berlaku di tempat praktik lain, batasnya {limit} tempat praktik ({source}).",
        "Refused: the holder already holds {held} active {profession} practice permit(s) at "
        "other places; the limit is {limit} places ({source})."),
    "permit-not-found": ("Izin tidak ditemukan.", "Permit not found."),
    "permit-not-revocable": (
        "Izin ini tidak dapat dicabut karena statusnya {state}.",
        "This permit cannot be revoked: its status is {state}."),
    "permit-revoke-forbidden": (
        "Pencabutan izin hanya oleh Kepala Dinas, Kabid atau admin instansi penerbit.",
        "Only the issuing agency's head, division head or admin may revoke a permit."),
    "permit-query-missing": (
        "Sebutkan nomor izin (number) atau kode verifikasi (code).",
        "Give the permit number (number) or the verification code (code)."),
    "field.sip-ke-over-limit": (
        "SIP ke- melebihi batas jumlah tempat praktik profesi ini.",
        "This SIP number is above the profession's limit on places of practice."),
}

register_messages(MESSAGES)
