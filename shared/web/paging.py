"""Bounds of paging and version parameters: a number beyond them is a 422, never a
database overflow (a 500)."""

from __future__ import annotations

MAX_OFFSET = 1_000_000
MAX_VERSION = 2**31 - 1
