"""The verification result as an HTML page for a browser (the QR code's target)."""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Any

from shared.outputs.render import tanggal

_COLOURS = {"valid": "#1b7f3b", "revoked": "#b3261e", "expired": "#8a5a00",
            "unknown": "#b3261e"}
_HEADINGS = {"valid": "DOKUMEN SAH", "revoked": "DOKUMEN DICABUT",
             "expired": "MASA BERLAKU HABIS", "unknown": "DOKUMEN TIDAK DIKENAL"}


def _e(value: Any) -> str:
    return escape("-" if value in (None, "") else str(value))


def _date(value: str | None) -> str:
    return tanggal(datetime.fromisoformat(value)) if value else "-"


def _page(status: str, body: str) -> str:
    return f"""<!doctype html>
<html lang="id"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Verifikasi Dokumen Halo Lamsel</title>
<style>body{{font-family:system-ui,sans-serif;max-width:40rem;margin:1rem auto;padding:0 1rem}}
.status{{color:#fff;background:{_COLOURS[status]};padding:.8rem;border-radius:.4rem}}
th{{text-align:left;vertical-align:top;padding:.25rem .8rem .25rem 0}}
td{{padding:.25rem 0;word-break:break-all}}</style></head>
<body><p>Pemerintah Kabupaten Lampung Selatan &middot; Halo Lamsel</p>
<h1 class="status">{_HEADINGS[status]}</h1>{body}</body></html>"""


def render_result(result: dict[str, Any]) -> str:
    status = str(result.get("status", "unknown"))
    signer = result.get("signer") or {}
    rows = [("Nomor", result.get("number")), ("Jenis", result.get("kind_label")),
            ("Perihal", result.get("title")), ("Instansi penerbit", result.get("agency_name")),
            ("Tanggal terbit", _date(result.get("issued_at"))),
            ("Berlaku sampai", _date(result.get("valid_until"))
             if result.get("valid_until") else "Tidak dibatasi"),
            ("Penandatangan", f"{signer.get('name') or '-'} ({signer.get('jabatan') or '-'})"),
            ("Pemegang", result.get("holder")), ("SHA-256 berkas", result.get("sha256"))]
    if status == "revoked":
        rows += [("Dicabut pada", _date(result.get("revoked_at"))),
                 ("Alasan pencabutan", result.get("revoke_reason"))]
    table = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in rows)
    table += "".join(_department_row(item) for item in result.get("rows") or [])
    return _page(status, f"<p>{_e(result.get('message'))}</p><table>{table}</table>"
                         f"<p>Kode verifikasi: <code>{_e(result.get('verify_code'))}</code></p>")


def _department_row(item: dict[str, Any]) -> str:
    """A public row of the issuing department (``shared.outputs.rows``); a table block as a
    nested table."""
    block = item.get("table")
    if not isinstance(block, dict):
        return f"<tr><th>{_e(item.get('label'))}</th><td>{_e(item.get('value'))}</td></tr>"
    head = "".join(f"<th>{_e(h)}</th>" for h in block.get("headers") or [])
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in r) + "</tr>"
                   for r in block.get("rows") or [])
    return (f"<tr><th>{_e(item.get('label'))}</th><td><table><tr>{head}</tr>{body}</table>"
            "</td></tr>")


def render_unknown(message: str) -> str:
    return _page("unknown", f"<p>{_e(message)}</p>")
