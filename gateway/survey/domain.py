"""The SKM arithmetic of the regulation, pure: no I/O, exact fractions, rounding only on output.

- NRR of an unsur = the sum of its scores / the number of respondents who answered it;
- NRR tertimbang = NRR × 1/9; IKM = Σ NRR tertimbang; IKM unit pelayanan = IKM × 25;
- the grade (mutu A–D, kinerja) is read from IKM × 25 as reported, i.e. rounded half-up to
  two decimals, against the NIK column. The NI column (on the IKM itself) is the same table
  divided by 25 and leaves three hairline gaps (2,5996–2,60; 3,064–3,0644; 3,532–3,5324) that
  it assigns to no row; on the reported two-decimal value every IKM falls in exactly one row,
  and the published number and its grade never disagree.
- The minimum sample is the Krejcie–Morgan row of the population, or of the next larger
  population listed when it falls between rows; never more than the population itself (a
  unit that served 4 people cannot hear from 10).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from gateway.survey.regulation import (
    CONVERSION_BASE,
    ELEMENT_KEYS,
    GRADES,
    KREJCIE_MORGAN,
    WEIGHT,
    Grade,
)


def rounded(value: Fraction, places: int) -> Decimal:
    """``value`` rounded half-up to ``places`` decimals (as the regulation's tables print)."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class ElementResult:
    key: str
    total: int
    """Σ of the unsur's scores."""
    answered: int
    """Respondents who answered this unsur."""
    nrr: Fraction
    weighted: Fraction


@dataclass(frozen=True)
class Index:
    elements: tuple[ElementResult, ...]
    ikm: Fraction
    """Σ NRR tertimbang (1,00–4,00)."""
    conversion: Decimal
    """IKM × 25, two decimals: the IKM unit pelayanan."""
    grade: Grade


def grade_of(conversion: Decimal) -> Grade:
    """The row of the table whose NIK interval holds ``conversion`` (two decimals)."""
    value = conversion.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    for grade in GRADES:
        low, high = grade.conversion
        if low <= value <= high:
            return grade
    raise ValueError(f"IKM konversi {value} di luar skala 25,00–100,00")


def index(totals: Mapping[str, tuple[int, int]]) -> Index | None:
    """The IKM from each unsur's ``(sum of scores, respondents who answered it)``; ``None``
    while some unsur has no answer yet (its NRR, hence the IKM, is undefined)."""
    results = []
    for key in ELEMENT_KEYS:
        total, answered = totals.get(key, (0, 0))
        if answered <= 0:
            return None
        nrr = Fraction(total, answered)
        results.append(ElementResult(key, total, answered, nrr, nrr * WEIGHT))
    ikm = sum((r.weighted for r in results), Fraction(0))
    conversion = rounded(ikm * CONVERSION_BASE, 2)
    return Index(tuple(results), ikm, conversion, grade_of(conversion))


def index_of(responses: Sequence[Mapping[str, int]]) -> Index | None:
    """The IKM of individual answer sheets (each ``{"u1": 1..4, …}``; a missing key is an
    unsur left unanswered)."""
    totals = {k: (sum(r[k] for r in responses if k in r), sum(1 for r in responses if k in r))
              for k in ELEMENT_KEYS}
    return index(totals)


def minimum_sample(population: int) -> int:
    """Krejcie–Morgan: the sample of the population's row, or of the next row up."""
    if population <= 0:
        return 0
    for size, sample in KREJCIE_MORGAN:
        if population <= size:
            return min(sample, population)
    return KREJCIE_MORGAN[-1][1]
