"""Bounded text for request schemas: a maximum length and no control characters.

:data:`Line` is one line: no control character at all (C0, DEL, C1: NUL, ESC, CR, LF, ...).
:data:`Text` is free text over several lines: ``\\n`` and ``\\t`` are allowed, ``\\r`` too
(browsers send ``\\r\\n``), other control characters are not. Each field gives its
maximum with ``Field(max_length=...)``. A refusal is the field problem ``control-characters``
(or pydantic's ``string_too_long``), reported in the problem's ``errors`` under the field's
name.

The SOP form's own fields are checked by :mod:`shared.engine.submission`, not here.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

NAME_MAX = 100
LOGIN_MAX = 254
"""An e-mail address at most (RFC 5321); a NIK or a phone number is shorter."""
PASSWORD_MAX = 256
"""Refused before any hashing; the policy's own maximum at registration is lower."""
TOKEN_MAX = 2048
COMMENT_MAX = 4000

_LINE_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_TEXT_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _refuse(pattern: re.Pattern[str]) -> AfterValidator:
    def check(value: str) -> str:
        if pattern.search(value):
            raise PydanticCustomError("control-characters",
                                      "must not contain control characters")
        return value

    return AfterValidator(check)


LINE_CHECK = _refuse(_LINE_CONTROLS)
TEXT_CHECK = _refuse(_TEXT_CONTROLS)
"""The checks alone, to follow other constraints: ``Annotated[str, StringConstraints(...),
TEXT_CHECK]`` (constraints that change the value, e.g. stripping, must come first)."""
Line = Annotated[str, LINE_CHECK]
"""One line without control characters; give it a ``Field(max_length=...)``."""
Text = Annotated[str, TEXT_CHECK]
"""Free text (new lines and tabs allowed); give it a ``Field(max_length=...)``."""
