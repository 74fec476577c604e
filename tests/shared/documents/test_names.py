"""File names of uploads: no path parts, control or bidi characters, leading dots; NFC;
at most 200 characters with the extension kept; empty becomes ``<key>.<ext>``."""

from __future__ import annotations

import unicodedata

import pytest

from shared.documents.names import MAX_LENGTH, ascii_fallback, content_disposition, normalise


@pytest.mark.parametrize(("given", "expected"), [
    ("../../etc/passwd", "passwd"),
    ("C:\\x\\y.pdf", "y.pdf"),
    ("evil\u202egpj.exe", "evilgpj.exe"),
    ("a\u2066b\u2069c\u200e\u200f.pdf", "abc.pdf"),
    ("nul\x00l\x1f\x7f.pdf", "null.pdf"),
    (".htaccess", "htaccess"),
    ("...hidden.pdf", "hidden.pdf"),
    ("  spasi.pdf  ", "spasi.pdf"),
    ("akta.pdf.", "akta.pdf"),
    ("/abs/path/scan.png", "scan.png"),
    ("dir/..", "akta.pdf"),
    ("..", "akta.pdf"),
    ("", "akta.pdf"),
    (None, "akta.pdf"),
    ("\u202e", "akta.pdf"),
    ("Kartu Keluarga (asli).pdf", "Kartu Keluarga (asli).pdf"),
])
def test_normalise(given: str | None, expected: str) -> None:
    assert normalise(given, "akta", "application/pdf") == expected


def test_an_empty_name_takes_the_extension_of_the_sniffed_type() -> None:
    assert normalise("", "foto", "image/jpeg") == "foto.jpg"
    assert normalise("../", "foto", "image/png") == "foto.png"
    assert normalise("", "lain", "application/x-unknown") == "lain.bin"


def test_nfc() -> None:
    decomposed = "Se\u0301rah.pdf"
    name = normalise(decomposed, "akta", "application/pdf")
    assert name == "S\u00e9rah.pdf" and unicodedata.is_normalized("NFC", name)


def test_long_names_keep_their_extension() -> None:
    name = normalise("a" * 500 + ".pdf", "akta", "application/pdf")
    assert len(name) == MAX_LENGTH and name.endswith(".pdf")
    assert len(normalise("b" * 300, "akta", "application/pdf")) == MAX_LENGTH


def test_content_disposition_has_an_ascii_and_an_exact_name() -> None:
    header = content_disposition('Akta "ku"; ñ 名.pdf')
    assert header.startswith('attachment; filename="Akta _ku__ n _.pdf"; ')
    assert header.endswith("filename*=UTF-8''Akta%20%22ku%22%3B%20%C3%B1%20%E5%90%8D.pdf")
    assert header.encode("ascii")
    assert ascii_fallback("名前") == "__"
    assert ascii_fallback("...") == "berkas"
