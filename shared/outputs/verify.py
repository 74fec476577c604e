"""What the public verification page says about a document. Pure.

Shown: whether it is valid, revoked (when and why) or expired; its number, kind, title,
issuing agency, issue date, signer (office and name), the holder's masked name and the
SHA-256 of the signed file, and the department's rows marked public
(:mod:`shared.outputs.rows`). Never a NIK, KK number or any form value. A document that is not
issued yet (pending, failed) is unknown to the public, like a forged code.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from shared.outputs.issuer import jabatan
from shared.outputs.rows import public
from shared.outputs.tables import CaseOutputRow
from shared.registry import Registry
from shared.times import utc_text

KIND_LABELS = {
    "surat_izin": "Surat Izin", "surat_rekomendasi": "Surat Rekomendasi",
    "surat_keterangan": "Surat Keterangan", "tanda_terima_dokumen": "Tanda Terima Dokumen",
    "tanda_terima": "Tanda Terima", "sppt_salinan": "Salinan SPPT",
    "bukti_pembayaran": "Bukti Pembayaran", "berita_acara": "Berita Acara",
    "surat_jawaban_pengaduan": "Surat Jawaban Pengaduan",
}
MESSAGES = {
    "valid": "Dokumen sah: diterbitkan dan ditandatangani secara elektronik melalui Halo Lamsel.",
    "revoked": "Dokumen telah DICABUT oleh instansi penerbit dan tidak berlaku lagi.",
    "expired": "Masa berlaku dokumen telah habis.",
}


def verifiable(out: CaseOutputRow | None) -> bool:
    return out is not None and out.status in ("issued", "revoked")


def status_of(out: CaseOutputRow, now: datetime) -> str:
    if out.status == "revoked":
        return "revoked"
    if out.valid_until is not None and out.valid_until <= now:
        return "expired"
    return "valid"


def verification(out: CaseOutputRow, registry: Registry, now: datetime) -> dict[str, Any]:
    status = status_of(out, now)
    agency = registry.agencies.get(out.agency)
    return {
        "status": status, "valid": status == "valid", "message": MESSAGES[status],
        "verify_code": out.verify_code, "number": out.number, "kind": out.kind,
        "kind_label": KIND_LABELS.get(out.kind, out.kind), "title": out.title,
        "agency": out.agency, "agency_name": agency.name if agency else out.agency,
        "issued_at": utc_text(out.issued_at) if out.issued_at else None,
        "valid_until": utc_text(out.valid_until) if out.valid_until else None,
        "signer": {"name": out.signer_name,
                   "jabatan": jabatan(registry, out.agency, out.signer_role)},
        "holder": out.holder_masked, "sha256": out.sha256,
        "revoked_at": utc_text(out.revoked_at) if out.revoked_at else None,
        "revoke_reason": out.revoke_reason if status == "revoked" else None,
        "rows": public(out.detail_rows),
    }
