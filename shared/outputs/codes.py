"""Verification codes and the masking of what a document may show of its holder.

A verification code is the tracking number's two-letter service code and 100 random bits
in Crockford base32, in groups of five: ``DK-7MQ3X-A9TKP-2W8RC-V4NZE``. The service code
tells the gateway which service to ask; the random part makes codes unguessable (no
sequence, no hash of the number). Read back case-insensitively, O→0 and I/L→1.
"""

from __future__ import annotations

import re
import secrets

from shared.cases.tracking import SERVICE_CODES

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_GROUPS = 4
CODE_PATTERN = re.compile(r"[A-Z]{2}(-[0-9A-HJKMNP-TV-Z]{5}){4}")
_SEPARATORS = re.compile(r"[\s\-._]")


def new_verify_code(service: str) -> str:
    prefix = SERVICE_CODES.get(service, service[:2].upper())
    chars = "".join(secrets.choice(_ALPHABET) for _ in range(5 * _GROUPS))
    return "-".join([prefix, *(chars[i:i + 5] for i in range(0, len(chars), 5))])


def normalise_code(text: str) -> str | None:
    """The code in its canonical form, or ``None`` when it cannot be one."""
    raw = _SEPARATORS.sub("", text.upper())
    if len(raw) != 2 + 5 * _GROUPS or not raw[:2].isalpha():
        return None
    body = raw[2:].replace("O", "0").replace("I", "1").replace("L", "1")
    code = "-".join([raw[:2], *(body[i:i + 5] for i in range(0, len(body), 5))])
    return code if CODE_PATTERN.fullmatch(code) else None


def service_of(code: str) -> str | None:
    """The service whose code opens ``code`` (canonical form)."""
    prefix = code[:2]
    return next((s for s, c in SERVICE_CODES.items() if c == prefix), None)


def mask_name(name: str) -> str:
    """Every word's first letter and three stars: ``Siti Aminah`` -> ``S*** A***``."""
    return " ".join(w[0].upper() + "***" for w in name.split() if w)[:200]


def mask_number(value: str) -> str:
    """A NIK or KK number with only its first four and last four digits: ``1801********0001``."""
    digits = "".join(c for c in value if c.isdigit())
    if len(digits) < 12:
        return "*" * len(digits)
    return digits[:4] + "*" * (len(digits) - 8) + digits[-4:]


