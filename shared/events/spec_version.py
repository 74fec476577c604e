"""Which envelopes a consumer may apply: the ``spec_version`` check (docs/events.md,
"Compatibility").

``spec_version`` is ``MAJOR`` or ``MAJOR.MINOR``. Within a major every change is additive
(new optional keys, new event types in ``data``-compatible form), so a consumer applies any
envelope of its own major, whatever the minor, and ignores the keys it does not know. Another
major may mean anything: the consumer refuses it before decoding, and the record goes to the
dead-letter topic (reason ``spec-version``) instead of being misread. An envelope without
``spec_version`` is of major 1, what the first producers wrote.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from shared.events.envelope import SPEC_VERSION

FIRST_MAJOR = "1"
_WELL_FORMED = re.compile(r"[0-9]{1,6}(\.[0-9]{1,6})?")


def major(version: str) -> str:
    return version.split(".", 1)[0].strip()


def spoken_version(decode: Callable[[bytes], Any]) -> str:
    """The version a consumer's decoder speaks: the ``spec_version`` default of the model
    whose ``from_bytes`` it is (:class:`~shared.events.envelope.EventEnvelope`,
    :class:`~shared.events.notice.NoticeEnvelope`), else the case events' version."""
    model = getattr(decode, "__self__", None)
    fields = getattr(model, "model_fields", None)
    spec = fields.get("spec_version") if isinstance(fields, dict) else None
    default = getattr(spec, "default", None)
    return default if isinstance(default, str) else SPEC_VERSION


def refused_version(raw: bytes, spoken: str) -> str | None:
    """The record's ``spec_version`` when its major is not ``spoken``'s (``malformed`` when
    it is not ``MAJOR[.MINOR]``: the value goes into a header), else ``None`` (also for a
    record that is not a JSON object: decoding will say what is wrong)."""
    try:
        value = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(value, dict):
        return None
    version = value.get("spec_version", FIRST_MAJOR)
    if not isinstance(version, str) or not _WELL_FORMED.fullmatch(version):
        return "malformed"
    return None if major(version) == major(spoken) else version
