"""Tracking numbers: unique across services, short enough to read over the phone, not
guessable.

Form: ``<service code>-XXXX-XXXX``, e.g. ``DK-7MQ3-XA9T``. The eight characters are 40
random bits in Crockford base32 (no I, L, O, U: nothing to confuse on the phone); the
service code makes numbers unique across services, and the service's unique index with a
retry makes them unique within it. No sequence: a number says nothing about how many cases
exist.
"""

from __future__ import annotations

import re
import secrets

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
SERVICE_CODES = {
    "dukcapil": "DK", "perizinan": "IZ", "pengaduan": "PG", "damkar": "DM", "pajak": "PJ",
    "kepegawaian": "KP", "umum": "UM",
}
PATTERN = re.compile(r"[A-Z]{2}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}")
"""A well-formed number; use with ``fullmatch``."""
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015._]")
"""Spaces, hyphens and dashes (the en dash a phone keyboard makes of "--" too), dots and
underscores. Not a slash: in a URL path it would split the number."""


def new_tracking_no(service: str) -> str:
    code = SERVICE_CODES.get(service, service[:2].upper())
    bits = secrets.randbits(40)
    chars = "".join(_ALPHABET[(bits >> (5 * i)) & 31] for i in range(8))
    return f"{code}-{chars[:4]}-{chars[4:]}"


def normalise(text: str) -> str:
    """Read a number as spoken or typed: case-insensitive, O→0, I/L→1, separators optional."""
    raw = _SEPARATORS.sub("", text.upper())
    if len(raw) != 10:
        return text.upper()
    body = raw[2:].replace("O", "0").replace("I", "1").replace("L", "1")
    return f"{raw[:2]}-{body[:4]}-{body[4:]}"
