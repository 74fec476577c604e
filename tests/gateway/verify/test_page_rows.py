"""The verification page shows the public rows of the issuing department (a line or a table
block), escaped, after the common ones."""

from __future__ import annotations

from gateway.verify.page import render_result


def test_public_department_rows_are_shown_escaped() -> None:
    html = render_result({
        "status": "valid", "message": "Dokumen sah", "verify_code": "PJ-1", "number": "973/1",
        "signer": {}, "rows": [
            {"label": "NOP", "value": "18.01.040.005.001-0123.0"},
            {"label": "Rincian", "value": "", "table": {
                "headers": ["Uraian", "Jumlah"], "rows": [["Pokok", "Rp112.000"],
                                                          ["<b>x</b>", "1"]]}}]})
    assert "<tr><th>NOP</th><td>18.01.040.005.001-0123.0</td></tr>" in html
    assert "<th>Uraian</th><th>Jumlah</th>" in html
    assert "<td>Pokok</td><td>Rp112.000</td>" in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "<b>x</b>" not in html
    assert html.index("Nomor") < html.index("NOP")
