"""The type of an upload is decided by its content: real PDF/PNG/JPEG/WebP are recognised;
executables, HTML and SVG are named for what they are; ``judge`` refuses an empty file, a
content that is not the declared type, and a type the document does not allow."""

from __future__ import annotations

import pytest

from shared.documents.sniff import judge, sniff
from shared.documents.types import DEFAULT_TYPES, canonical
from tests.shared.documents.samples import ELF, HTML, PE_EXE, SVG_SCRIPT, image, pdf


@pytest.mark.parametrize(("content", "expected"), [
    (pdf(), "application/pdf"),
    (b"%PDF-1.4 contoh", "application/pdf"),
    (image("PNG"), "image/png"),
    (image("JPEG"), "image/jpeg"),
    (image("WEBP"), "image/webp"),
    (image("GIF"), "image/gif"),
    (PE_EXE, "application/x-msdownload"),
    (ELF, "application/x-executable"),
    (HTML, "text/html"),
    (b"  \n<html><head></head></html>", "text/html"),
    (SVG_SCRIPT, "image/svg+xml"),
    (b"<svg onload='alert(1)'/>", "image/svg+xml"),
    (b"%PDF", None),  # no version: not a PDF
    (b"\x89PNG", None),  # a signature cut short is not a PNG
    (b"halo, ini teks biasa", None),
])
def test_sniff_names_the_content(content: bytes, expected: str | None) -> None:
    assert sniff(content) == expected


def test_an_html_page_containing_the_pdf_marker_is_not_a_pdf() -> None:
    assert sniff(b"<html>%PDF-1.7</html>") == "text/html"
    assert sniff(b"\n%PDF-1.4") is None


def test_aliases_and_parameters_of_a_declared_type() -> None:
    assert canonical("image/jpg") == "image/jpeg"
    assert canonical("Application/PDF; charset=binary") == "application/pdf"
    assert canonical("") == canonical(None) == "application/octet-stream"


@pytest.mark.parametrize(("content", "declared"), [
    (pdf(), "application/pdf"), (image("PNG"), "image/png"), (image("JPEG"), "image/jpeg"),
    (image("JPEG"), "image/jpg"), (image("WEBP"), "image/webp"),
    (pdf(), "application/octet-stream"), (image("PNG"), None),
])
def test_real_files_are_accepted_with_their_sniffed_type(content: bytes,
                                                         declared: str | None) -> None:
    verdict = judge("akta", content, declared, DEFAULT_TYPES)
    assert verdict.problem is None
    assert verdict.content_type == sniff(content)


@pytest.mark.parametrize(("content", "declared", "problem"), [
    (b"", "application/pdf", "document-empty"),
    (PE_EXE, "application/pdf", "document-type-mismatch"),
    (ELF, "application/pdf", "document-type-mismatch"),
    (HTML, "application/pdf", "document-type-mismatch"),
    (SVG_SCRIPT, "image/png", "document-type-mismatch"),
    (image("PNG"), "application/pdf", "document-type-mismatch"),
    (PE_EXE, "application/octet-stream", "document-type-not-allowed"),
    (SVG_SCRIPT, "image/svg+xml", "document-type-not-allowed"),
    (image("GIF"), "image/gif", "document-type-not-allowed"),
    (b"teks", None, "document-type-not-allowed"),
])
def test_refusals_name_the_document(content: bytes, declared: str | None,
                                    problem: str) -> None:
    verdict = judge("akta", content, declared, DEFAULT_TYPES)
    assert verdict.content_type is None
    assert verdict.problem is not None
    assert verdict.problem["field"] == "documents.akta"
    assert verdict.problem["problem"] == problem


def test_a_document_restricted_to_pdf_refuses_a_real_photo() -> None:
    verdict = judge("surat", image("JPEG"), "image/jpeg", ("application/pdf",))
    assert verdict.problem is not None
    assert verdict.problem["problem"] == "document-type-not-allowed"
    assert verdict.problem["detected"] == "image/jpeg"
    assert verdict.problem["ctx"] == {"allowed": "pdf"}
