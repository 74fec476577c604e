"""The document types the platform knows: their MIME types, file extensions and the
aliases clients send. Pure data, shared by the SOP model (``DocumentSpec.types``), its
validation and the content sniffing."""

from __future__ import annotations

KNOWN_TYPES: dict[str, str] = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "image/gif": "gif",
    "image/tiff": "tif",
    "image/heic": "heic",
}
"""Every type an SOP may allow for a document, with the extension of a file of that type."""

DEFAULT_TYPES: tuple[str, ...] = ("application/pdf", "image/jpeg", "image/png", "image/webp")
"""What a document accepts when its SOP names no ``types``: scans and photos."""

UNSPECIFIED = "application/octet-stream"
"""A part sent without a real type: its content alone decides."""

ALIASES: dict[str, str] = {
    "image/jpg": "image/jpeg",
    "image/pjpeg": "image/jpeg",
    "application/x-pdf": "application/pdf",
    "image/x-png": "image/png",
    "image/heif": "image/heic",
}


def canonical(content_type: str | None) -> str:
    """``content_type`` without parameters, lower case, with aliases resolved."""
    bare = (content_type or "").split(";", 1)[0].strip().lower() or UNSPECIFIED
    return ALIASES.get(bare, bare)


def extension(content_type: str) -> str:
    return KNOWN_TYPES.get(canonical(content_type), "bin")
