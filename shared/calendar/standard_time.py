"""Standard time (waktu / mutu baku) of an SOP step, read from the regulation's own wording.

Perbup Lampung Selatan 19/2026 prints each step's standard time as free text: "10 Menit",
"1 hari kerja", "14 s d 30 Hari", "1 x 24 jam", "± 4 Jam", "30 menit - 1 jam", ...
:func:`parse_standard_time` turns that text into a :class:`StandardTime` and refuses, with
:class:`StandardTimeError`, anything that is not a duration ("-", "Tentatif", "Menyesuaikan",
"1 jam - selesai", ...). A refused text is a data problem for the SOP author, never a guess.

Readings (case-insensitive; extra spaces, a leading "±"/"maksimal" and trailing dots ignored):

* ``N menit`` (also the printed variants "mnt" and the typo "Manit") -> ``minute``
* ``N jam`` -> ``hour``; ``N jam M menit`` -> ``minute`` with ``60*N + M``
* ``N hari kerja`` / ``N HK`` -> ``working_day``; ``N hari`` -> ``day``
* ``N minggu`` / ``N pekan`` -> ``week``; ``N bulan`` -> ``month``
* ``N x 24 jam`` -> ``elapsed_hour`` with ``24*N`` (round-the-clock hours)
* ``(dalam) hari kerja yang sama`` -> ``same_working_day``: by the close of the office day
  the step starts on (the next office day's close when it starts after hours)
* ranges ``A s/d B``, ``A s.d B``, ``A s d B``, ``A sd B``, ``A - B``, ``A sampai B``,
  ``A hingga B`` with one unit or one unit per bound (``30 menit - 1 jam`` -> 30..60 minutes,
  ``1 bulan - 12 bulan``): ``amount`` is the upper bound, ``amount_min`` the lower one.
* ``N <unit> <kata>`` where *kata* only names what is timed ("7 Hari Pemeriksaan",
  "1 Hari Dokumen", "2 hari kalender"): read as ``N <unit>``; the word list is closed on purpose.

The calendar (:mod:`shared.calendar.business`) decides what a unit means in clock time.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Unit = Literal["minute", "hour", "working_day", "day", "week", "month", "elapsed_hour",
               "same_working_day"]

_LABELS: dict[str, str] = {
    "minute": "menit",
    "hour": "jam",
    "working_day": "hari kerja",
    "day": "hari",
    "week": "minggu",
    "month": "bulan",
    "elapsed_hour": "jam",
    "same_working_day": "hari kerja yang sama",
}


class StandardTimeError(ValueError):
    """The text is not a standard time this parser can read."""


class StandardTime(BaseModel):
    """A parsed standard time: ``amount`` units (upper bound), optionally from ``amount_min``."""

    model_config = ConfigDict(frozen=True)

    raw: str = Field(description="The text as printed in the regulation.")
    unit: Unit
    amount: int = Field(gt=0, description="The standard (upper bound of a range).")
    amount_min: int | None = Field(default=None, gt=0, description="Lower bound of a range.")

    @model_validator(mode="after")
    def _check_range(self) -> StandardTime:
        if self.amount_min is not None and self.amount_min >= self.amount:
            raise ValueError(
                f"batas bawah ({self.amount_min}) harus lebih kecil dari batas atas ({self.amount})"
            )
        return self

    @property
    def label(self) -> str:
        """Short Indonesian label, e.g. "10 menit", "1 hari kerja", "14–30 hari", "1 x 24 jam"."""
        word = _LABELS[self.unit]
        if self.amount_min is not None:
            return f"{self.amount_min}–{self.amount} {word}"
        if self.unit == "elapsed_hour" and self.amount % 24 == 0:
            return f"{self.amount // 24} x 24 jam"
        if self.unit == "same_working_day":
            return word
        return f"{self.amount} {word}"

    def __str__(self) -> str:
        return self.label


# --- parsing -----------------------------------------------------------------------------------

_UNIT_WORDS: tuple[tuple[str, Unit], ...] = (
    (r"hari\s+kerja|hk", "working_day"),
    (r"menit|mnt|manit", "minute"),
    (r"jam", "hour"),
    (r"hari", "day"),
    (r"minggu|pekan", "week"),
    (r"bulan", "month"),
)
_UNIT = "(?:" + "|".join(f"(?:{pattern})" for pattern, _ in _UNIT_WORDS) + ")"
_MINUTE = r"(?:menit|mnt|manit)"
_SEP = r"(?:s\s*[/.]?\s*d\.?|sampai(?:\s+dengan)?|hingga|-)"
# Words that only say what is being timed; anything else after a duration is refused.
_QUALIFIERS = frozenset({"dokumen", "pemeriksaan", "kalender", "proses", "layanan", "pelayanan"})
_PREFIX = re.compile(
    r"^(?:±|\+/-|kurang\s+lebih|lebih\s+kurang|sekitar|maksimal|maks\.?|paling\s+lama)\s*"
)

_SINGLE = re.compile(rf"^(\d+)\s*({_UNIT})(?:\s+([a-z]+))?$")
_RANGE = re.compile(rf"^(\d+)\s*({_UNIT})?\s*{_SEP}\s*(\d+)\s*({_UNIT})$")
_COMPOUND = re.compile(rf"^(\d+)\s*jam\s+(?:dan\s+)?(\d+)\s*{_MINUTE}$")
_ELAPSED = re.compile(r"^(\d+)\s*[x×]\s*24\s*jam$")
_SAME_DAY = re.compile(r"^(?:dalam\s+)?hari\s+kerja\s+yang\s+sama$")

# Units a range may mix: the coarse unit is expressed in the fine one.
_CONVERT: dict[tuple[Unit, Unit], tuple[Unit, int]] = {
    ("minute", "hour"): ("minute", 60),
    ("hour", "minute"): ("minute", 60),
    ("day", "week"): ("day", 7),
    ("week", "day"): ("day", 7),
}


def _unit_of(word: str) -> Unit:
    for pattern, unit in _UNIT_WORDS:
        if re.fullmatch(pattern, word):
            return unit
    raise AssertionError(word)  # pragma: no cover - the regexes only capture known words


def _normalise(raw: str) -> str:
    text = raw.lower().replace("\u00a0", " ")
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)  # hyphens, en/em dashes, minus sign
    text = re.sub(r"\s+", " ", text).strip().rstrip(".").strip()
    return _PREFIX.sub("", text).strip()


def _error(raw: str, why: str = "") -> StandardTimeError:
    detail = f" ({why})" if why else ""
    return StandardTimeError(
        f"Waktu standar {raw!r} tidak dapat dibaca sebagai durasi{detail}; gunakan bentuk seperti "
        "'10 menit', '2 jam', '1 hari kerja', '3 hari', '2 minggu', '1 bulan', '1 x 24 jam' "
        "atau rentang '14 s/d 30 hari'."
    )


def _range(raw: str, low: int, low_unit: Unit, high: int, high_unit: Unit) -> StandardTime:
    if low_unit != high_unit:
        conversion = _CONVERT.get((low_unit, high_unit))
        if conversion is None:
            raise _error(raw, "satuan rentang tidak dapat disetarakan")
        fine, factor = conversion
        low = low if low_unit == fine else low * factor
        high = high if high_unit == fine else high * factor
        high_unit = fine
    if not 0 < low < high:
        raise _error(raw, "batas bawah rentang harus positif dan lebih kecil dari batas atas")
    return StandardTime(raw=raw, unit=high_unit, amount=high, amount_min=low)


def parse_standard_time(raw: str) -> StandardTime:
    """Read a standard time as printed in the regulation; raise :class:`StandardTimeError`."""
    if not isinstance(raw, str):
        raise StandardTimeError(f"Waktu standar harus berupa teks, bukan {type(raw).__name__}.")
    text = _normalise(raw)
    if not text:
        raise _error(raw, "teks kosong")

    if _SAME_DAY.fullmatch(text):
        return StandardTime(raw=raw, unit="same_working_day", amount=1)

    if match := _ELAPSED.fullmatch(text):
        days = int(match.group(1))
        if days <= 0:
            raise _error(raw, "jumlah harus lebih dari nol")
        return StandardTime(raw=raw, unit="elapsed_hour", amount=24 * days)

    if match := _COMPOUND.fullmatch(text):
        total = 60 * int(match.group(1)) + int(match.group(2))
        if total <= 0:
            raise _error(raw, "jumlah harus lebih dari nol")
        return StandardTime(raw=raw, unit="minute", amount=total)

    if match := _RANGE.fullmatch(text):
        high_unit = _unit_of(match.group(4))
        low_unit = _unit_of(match.group(2)) if match.group(2) else high_unit
        return _range(raw, int(match.group(1)), low_unit, int(match.group(3)), high_unit)

    if match := _SINGLE.fullmatch(text):
        amount, word, qualifier = int(match.group(1)), match.group(2), match.group(3)
        if qualifier is not None and qualifier not in _QUALIFIERS:
            raise _error(raw, f"kata {qualifier!r} tidak dikenal")
        if amount <= 0:
            raise _error(raw, "jumlah harus lebih dari nol")
        return StandardTime(raw=raw, unit=_unit_of(word), amount=amount)

    raise _error(raw)
