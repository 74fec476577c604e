"""The service standard as a readable HTML page (for a browser, a kiosk or printing)."""

from __future__ import annotations

from html import escape
from typing import Any


def _e(value: Any) -> str:
    return escape("" if value is None else str(value))


def _actor(step: dict[str, Any], agency: str) -> str:
    """The step's executor as people read it: the role, and the agency when another one."""
    label = step.get("actor_label") or step["actor"]
    if step.get("agency") and step["agency"] != agency:
        return f"{label} ({step.get('agency_name') or step['agency']})"
    return str(label)


def render_standard(std: dict[str, Any]) -> str:
    docs = "".join(f"<li>{_e(d['label'])}{'' if d['required'] else ' (opsional)'}</li>"
                   for d in std["requirements"]["documents"]) or "<li>-</li>"
    rows = "".join(
        f"<tr><td>{_e(s['nomor'] or i + 1)}</td><td>{_e(s['activity'])}</td>"
        f"<td>{_e(_actor(s, std['agency']))}</td><td>{_e(', '.join(s['documents']))}</td>"
        f"<td>{_e(s['time_printed'] or s['time'] or '-')}</td><td>{_e(s['output'])}</td></tr>"
        for i, s in enumerate(std["procedure"]))
    basis = "".join(f"<li>{_e(b)}</li>" for b in std["legal_basis"]) or "<li>-</li>"
    return f"""<!doctype html>
<html lang="id"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Standar Pelayanan: {_e(std['title'])}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem}}
table{{border-collapse:collapse;width:100%}}td,th{{border:1px solid #999;padding:.3rem;
vertical-align:top;text-align:left}}th{{background:#eee}}</style></head>
<body><h1>{_e(std['title'])}</h1>
<p>Instansi: <strong>{_e(std.get('agency_name') or std['agency'])}</strong> &middot;
SOP {_e(std['key'])} versi {_e(std['version'])}</p>
<h2>Dasar hukum</h2><ul>{basis}</ul>
<h2>Persyaratan</h2><ul>{docs}</ul>
<h2>Prosedur</h2><table><thead><tr><th>No</th><th>Kegiatan</th><th>Pelaksana</th>
<th>Kelengkapan</th><th>Waktu</th><th>Output</th></tr></thead><tbody>{rows}</tbody></table>
<h2>Jangka waktu penyelesaian</h2><p>{_e(std['total_time']['label'])}</p>
<h2>Biaya/tarif</h2><p>{_e(std['cost'])}</p>
<h2>Produk pelayanan</h2><p>{_e(std['product'])}</p>
<h2>Penanganan pengaduan</h2><p>{_e(std['complaint_channel'])}</p>
</body></html>"""
