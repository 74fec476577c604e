"""Masking personal numbers in free text written by people (an officer's reason, a survey
comment, a revocation reason, a rendered notification).

Free text cannot be checked for names, but it can be kept free of the numbers that identify
a person: every run of nine or more digits (spaces, dots or dashes between them allowed) —
a NIK, a KK number, a phone number — becomes :data:`MASK` before the text is stored where
others read it or leaves in an event or a message.
"""

from __future__ import annotations

import re

MASK = "[disamarkan]"
_LONG_NUMBER = re.compile(r"\+?\d(?:[\s.\-]?\d){8,}")


def scrub(text: str) -> str:
    """``text`` with every run of nine or more digits replaced by :data:`MASK`."""
    return _LONG_NUMBER.sub(MASK, text)
