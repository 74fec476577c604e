"""The PDF of an output, drawn with fpdf2 from its kind's template (:mod:`.templates`).

Kop surat (Pemerintah Kabupaten Lampung Selatan and the agency), the title and number, the
template's paragraphs and detail rows, the signer block, and the QR code of the public
verification page with the code printed beside it. After the template's rows come the
department's rows (:mod:`shared.outputs.rows`), a table block as a small grid. The full
holder name may appear (it is the holder's own document); NIK numbers arrive masked and KK
numbers not at all. The core PDF fonts are Latin-1 only: other characters are
transliterated (:func:`latin1`).
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from shared.outputs.rows import OutputRow, OutputTable
from shared.outputs.templates import TEMPLATES

if TYPE_CHECKING:
    from fpdf import FPDF
# fpdf2 and segno are imported where a PDF is drawn: a process that never renders (the HTTP
# processes, the gateway) does not pay their import time at start-up.

JAKARTA = ZoneInfo("Asia/Jakarta")
MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
          "September", "Oktober", "November", "Desember")
PLACE = "Kalianda"
_PUNCTUATION = {"\u2013": "-", "\u2014": "-", "\u2018": "'", "\u2019": "'", "\u201c": '"',
                "\u201d": '"', "\u2026": "...", "\u2022": "-", "\u00a0": " "}


def tanggal(at: datetime) -> str:
    """A date as written in Indonesian letters: ``3 Desember 2026`` (Jakarta time)."""
    local = at.astimezone(JAKARTA)
    return f"{local.day} {MONTHS[local.month - 1]} {local.year}"


def latin1(text: str) -> str:
    """``text`` in the Latin-1 range the core fonts draw; accents that Latin-1 lacks are
    dropped (``ş`` -> ``s``), anything else becomes ``?``."""
    out = []
    for char in text:
        char = _PUNCTUATION.get(char, char)
        if all(ord(c) < 256 for c in char):
            out.append(char)
            continue
        plain = unicodedata.normalize("NFKD", char).encode("latin-1", "ignore").decode("latin-1")
        out.append("".join(c for c in plain if not unicodedata.combining(c)) or "?")
    return "".join(out)


@dataclass(frozen=True)
class Document:
    """Everything the PDF shows."""

    kind: str
    title: str
    number: str
    verify_code: str
    verify_url: str
    agency_name: str
    sop_title: str
    tracking_no: str
    holder: str | None
    nik_masked: str | None
    issued_at: datetime
    valid_until: datetime | None
    signer_jabatan: str
    signer_name: str
    rows: tuple[OutputRow, ...] = field(default=())
    """The department's rows, after the template's."""


def qr_png(url: str) -> bytes:
    buffer = io.BytesIO()
    import segno

    segno.make(url, error="m").save(buffer, kind="png", scale=6, border=2)
    return buffer.getvalue()


def _values(doc: Document) -> dict[str, str]:
    return {"product": doc.title, "number": doc.number, "tracking_no": doc.tracking_no,
            "sop_title": doc.sop_title, "agency_name": doc.agency_name,
            "holder": doc.holder or "", "nik": doc.nik_masked or "",
            "issued_date": tanggal(doc.issued_at),
            "valid_until": tanggal(doc.valid_until) if doc.valid_until else ""}


def render_pdf(doc: Document) -> bytes:
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    template = TEMPLATES[doc.kind]
    values = _values(doc)
    pdf = FPDF(format="A4")
    pdf.set_title(latin1(f"{doc.title} {doc.number}"))
    pdf.set_creator("Halo Lamsel")
    pdf.set_margins(20, 15, 20)
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    _kop(pdf, doc.agency_name)
    pdf.set_font("Helvetica", "BU", 13)
    pdf.multi_cell(0, 7, latin1(doc.title.upper()), align="C",
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", "", 11)
    pdf.cell(0, 6, latin1(f"Nomor: {doc.number}"), align="C",
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(6)
    pdf.multi_cell(0, 6, latin1(template["opening"].format(**values)),
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    for label, pattern in template["rows"]:
        value = pattern.format(**values).strip()
        if not value:
            continue
        _line(pdf, label, value)
    for row in doc.rows:
        if row.table is not None:
            _table(pdf, row.label, row.table)
        elif row.value.strip():
            _line(pdf, row.label, row.value)
    pdf.ln(2)
    pdf.multi_cell(0, 6, latin1(template["closing"].format(**values)),
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(8)
    _signature_block(pdf, doc)
    return bytes(pdf.output())


def _line(pdf: FPDF, label: str, value: str) -> None:
    from fpdf.enums import XPos, YPos

    pdf.set_x(28)
    pdf.cell(45, 6, latin1(label))
    pdf.cell(4, 6, ":")
    pdf.multi_cell(0, 6, latin1(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _table(pdf: FPDF, label: str, table: OutputTable) -> None:
    """``label`` as a heading, then the headers and rows in equal columns (142 mm)."""
    from fpdf.enums import XPos, YPos

    pdf.ln(1)
    if label.strip():
        pdf.set_x(28)
        pdf.set_font("Helvetica", "B", 11)
        pdf.cell(0, 6, latin1(label), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    width = 142 / max(1, len(table.headers))
    for cells, style in ((table.headers, "B"), *((r, "") for r in table.rows)):
        pdf.set_font("Helvetica", style, 10)
        pdf.set_x(28)
        for cell in cells:
            pdf.cell(width, 6, latin1(cell), border=1)
        pdf.ln(6)
    pdf.set_font("Helvetica", "", 11)
    pdf.ln(1)


def _kop(pdf: FPDF, agency_name: str) -> None:
    from fpdf.enums import XPos, YPos

    pdf.set_font("Helvetica", "B", 13)
    pdf.cell(0, 6, "PEMERINTAH KABUPATEN LAMPUNG SELATAN", align="C",
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", "B", 14)
    pdf.multi_cell(0, 7, latin1(agency_name.upper()), align="C",
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", "", 9)
    pdf.cell(0, 5, "Kalianda, Lampung Selatan - Provinsi Lampung", align="C",
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    y = pdf.get_y() + 1
    pdf.set_line_width(0.8)
    pdf.line(20, y, 190, y)
    pdf.set_line_width(0.2)
    pdf.line(20, y + 1.2, 190, y + 1.2)
    pdf.set_y(y + 6)


def _signature_block(pdf: FPDF, doc: Document) -> None:
    from fpdf.enums import XPos, YPos

    if pdf.get_y() > 200:
        pdf.add_page()
    top = pdf.get_y()
    pdf.image(io.BytesIO(qr_png(doc.verify_url)), x=20, y=top, w=38, h=38)
    pdf.set_font("Helvetica", "", 8)
    pdf.set_xy(20, top + 39)
    pdf.multi_cell(70, 4, latin1(f"Kode verifikasi: {doc.verify_code}\n{doc.verify_url}"),
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", "", 11)
    pdf.set_xy(110, top)
    pdf.multi_cell(80, 6, latin1(f"{PLACE}, {tanggal(doc.issued_at)}\n{doc.signer_jabatan}\n"
                                 f"{doc.agency_name}"), new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.ln(4)
    pdf.set_font("Helvetica", "I", 10)
    pdf.set_x(110)
    pdf.cell(80, 6, "Ditandatangani secara elektronik", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 11)
    pdf.set_x(110)
    pdf.multi_cell(80, 6, latin1(doc.signer_name), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(max(pdf.get_y(), top + 52) + 4)
    pdf.set_font("Helvetica", "", 8)
    pdf.multi_cell(0, 4, "Dokumen ini ditandatangani secara elektronik. Keasliannya dapat "
                   "diperiksa dengan memindai kode QR atau membuka alamat verifikasi di atas "
                   "dan memasukkan kode verifikasi.", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
