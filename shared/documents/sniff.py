"""What an uploaded file is, decided by its first bytes, never by the client's header.

``filetype`` recognises the binary formats; our own checks come first: a PDF starts with
``%PDF-`` (an HTML page is never a PDF) and markup (HTML, SVG, XML) is named as such, so a
page or an SVG with a script sent as an image is refused instead of guessed at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import filetype

from shared.documents.types import UNSPECIFIED, canonical, extension

HEAD_BYTES = 8192
"""How much of a file the sniffing reads (what ``filetype`` looks at)."""

_MARKUP = re.compile(rb"^\s*<(!doctype\s+html|html|head|body|script|svg|\?xml|!--)",
                     re.IGNORECASE)
_BOM = b"\xef\xbb\xbf"


def _markup(head: bytes) -> str | None:
    text = head[len(_BOM):] if head.startswith(_BOM) else head
    for bom, codec in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if text.startswith(bom):
            text = text[2:].decode(codec, errors="ignore").encode("ascii", errors="ignore")
    match = _MARKUP.match(text[:1024])
    if not match:
        return None
    lowered = text.lower()
    if b"<svg" in lowered:
        return "image/svg+xml"
    if b"<html" in lowered or b"<!doctype html" in lowered or b"<script" in lowered:
        return "text/html"
    return "application/xml"


def sniff(head: bytes) -> str | None:
    """The MIME type of content starting with ``head``, or ``None`` if unrecognised."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    markup = _markup(head)
    if markup:
        return markup
    kind = filetype.guess(head)
    if kind is None:
        return None
    found = canonical(kind.mime)
    if found == "application/pdf":  # "%PDF" without the version dash, or after a BOM
        return None
    if found == "image/png" and not head.startswith(b"\x89PNG\r\n\x1a\n"):
        return None
    return found


@dataclass(frozen=True)
class Verdict:
    """The sniffed type of an acceptable file, or the problem (an ``errors[]`` entry)."""

    content_type: str | None
    problem: dict[str, Any] | None = None


def judge(key: str, head: bytes, declared: str | None, allowed: tuple[str, ...]) -> Verdict:
    """Whether the document ``key`` whose content starts with ``head`` may be stored.

    Refused: an empty file; content of another type than the declared one (unless the
    client declared none, ``application/octet-stream``); a type ``allowed`` does not hold.
    """
    field = f"documents.{key}"
    if not head:
        return Verdict(None, {"field": field, "problem": "document-empty"})
    found = sniff(head)
    stated = canonical(declared)
    names = ", ".join(extension(t) for t in allowed)
    if stated != UNSPECIFIED and found != stated:
        return Verdict(None, {"field": field, "problem": "document-type-mismatch",
                              "declared": stated, "detected": found,
                              "ctx": {"declared": stated}})
    if found not in allowed:
        return Verdict(None, {"field": field, "problem": "document-type-not-allowed",
                              "detected": found, "allowed": list(allowed),
                              "ctx": {"allowed": names}})
    return Verdict(found)
