"""File names of uploads made safe to keep and to hand back in ``Content-Disposition``.

A client's name is a hint for the person who downloads the file, never a path: directory
parts (``/`` and ``\\``), control characters, bidirectional overrides and isolates (which make
``evil\\u202egpj.exe`` display as ``evilexe.jpg``) and leading dots go; the rest is NFC, at
most 200 characters with the extension kept. An empty result becomes ``<key>.<ext>`` from the
sniffed type.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

from shared.documents.types import extension

MAX_LENGTH = 200
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
_SEPARATORS = frozenset("\u2028\u2029")
_ASCII_SAFE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                        "._-()+ ")


def _kept(char: str) -> bool:
    return not (char in _BIDI or char in _SEPARATORS or unicodedata.category(char) == "Cc")


def _shorten(name: str) -> str:
    if len(name) <= MAX_LENGTH:
        return name
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem or len(ext) > 16:
        return name[:MAX_LENGTH]
    return stem[:MAX_LENGTH - len(ext) - 1] + "." + ext


def normalise(name: str | None, key: str, content_type: str) -> str:
    """The name to store for a document ``key`` of ``content_type`` the client called ``name``."""
    text = unicodedata.normalize("NFC", name or "")
    text = "".join(c for c in text if _kept(c))
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = text.strip().lstrip(".").strip().rstrip(". ")
    text = _shorten(text)
    return text or f"{key}.{extension(content_type)}"


def ascii_fallback(name: str) -> str:
    """``name`` in the characters every client reads in a quoted ``filename=``."""
    safe = "".join(_ascii(c) for c in name).strip()
    return safe.lstrip(".") or "berkas"


def _ascii(char: str) -> str:
    """``char`` without its accents if that is a safe ASCII character, else ``_``."""
    base = "".join(c for c in unicodedata.normalize("NFKD", char)
                   if not unicodedata.combining(c))
    return base if len(base) == 1 and base in _ASCII_SAFE else "_"


def content_disposition(name: str) -> str:
    """An ``attachment`` header value with an ASCII name and the exact UTF-8 one (RFC 6266)."""
    exact = quote(name, safe="!#$&+-.^_`|~")
    return f"attachment; filename=\"{ascii_fallback(name)}\"; filename*=UTF-8''{exact}"
