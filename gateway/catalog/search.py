"""Catalog search: every word of the query must match an SOP entry.

A word matches when the entry's title (printed or corrected), agency (key or name), category
(key or label), service or SOP key contains it. Abbreviations people type (KIA, KK, KTP, SIP,
PBB, IMB/PBG; ``abbreviations.yaml``, each with its reason) match as whole words only (so
``sip`` does not find "arsip" nor ``imb`` "pembimbing"), or through what they stand for, or
through the SOPs the file names for them. A query may join words with ``/`` (``IMB/PBG``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).with_name("abbreviations.yaml")
_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True)
class Abbreviation:
    means: tuple[str, ...]
    sops: frozenset[str]
    reason: str


@cache
def abbreviations() -> dict[str, Abbreviation]:
    raw = yaml.safe_load(DATA.read_text(encoding="utf-8")) or {}
    return {str(k).lower(): Abbreviation(tuple(str(m).lower() for m in v.get("means", ())),
                                         frozenset(v.get("sops", ())), str(v["reason"]))
            for k, v in raw.items()}


def _text(entry: dict[str, Any]) -> str:
    return " ".join(str(entry.get(k) or "") for k in (
        "title", "display_title", "agency", "agency_name", "category", "category_label",
        "service", "key")).lower()


def _words(text: str) -> set[str]:
    """Whole words of ``text``, hyphenated ones both whole and in parts (``ktp-el``)."""
    found = set(_WORD.findall(text))
    return found | {part for w in found for part in w.split("-")}


def _matches(word: str, entry: dict[str, Any], text: str, words: set[str]) -> bool:
    known = abbreviations().get(word)
    if known is None:
        return word in text
    return (word in words or entry.get("key") in known.sops
            or any(phrase in text for phrase in known.means))


def search(entries: list[dict[str, Any]], q: str | None) -> list[dict[str, Any]]:
    """The entries that match every word of ``q`` (all of them when ``q`` is empty)."""
    query = [w for w in re.split(r"[\s/]+", (q or "").lower()) if w]
    if not query:
        return entries
    out = []
    for entry in entries:
        text = _text(entry)
        words = _words(text)
        if all(_matches(w, entry, text, words) for w in query):
            out.append(entry)
    return out
