"""The SKM arithmetic of Permen PANRB 14/2017 against hand-worked examples, the grade table's
boundaries on both sides, and the Krejcie–Morgan lookup."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from gateway.survey import domain
from gateway.survey.regulation import ELEMENT_KEYS, ELEMENTS, GRADES, KREJCIE_MORGAN, WEIGHT

# Five respondents (rows) scoring the nine unsur u1..u9 (columns).
SHEETS = [
    [4, 3, 3, 4, 3, 4, 4, 2, 3],
    [3, 3, 2, 4, 3, 3, 4, 3, 3],
    [4, 4, 3, 4, 4, 4, 4, 3, 4],
    [3, 2, 2, 4, 3, 3, 3, 2, 3],
    [4, 3, 3, 4, 3, 4, 4, 3, 3],
]
# Worked by hand:
#   Σ per unsur:  u1 18, u2 15, u3 13, u4 20, u5 16, u6 18, u7 19, u8 13, u9 16   (Σ = 148)
#   NRR = Σ / 5:  3.6,   3.0,   2.6,   4.0,   3.2,   3.6,   3.8,   2.6,   3.2
#   NRR tertimbang = NRR / 9: 0.4000, 0.3333, 0.2889, 0.4444, 0.3556, 0.4000, 0.4222,
#                             0.2889, 0.3556
#   IKM = Σ NRR tertimbang = (148 / 5) / 9 = 148 / 45 = 3.28888…  -> 3.2889
#   IKM × 25 = 3700 / 45 = 82.2222…  -> 82.22
#   82.22 lies in 76.61–88.30: mutu B, kinerja "Baik" (NI: 3.0644 <= 3.2889 <= 3.532).
SUMS = [18, 15, 13, 20, 16, 18, 19, 13, 16]
NRR = ["3.6", "3.0", "2.6", "4.0", "3.2", "3.6", "3.8", "2.6", "3.2"]


def sheets(rows: list[list[int]]) -> list[dict[str, int]]:
    return [dict(zip(ELEMENT_KEYS, r, strict=True)) for r in rows]


def test_worked_example_of_five_respondents() -> None:
    index = domain.index_of(sheets(SHEETS))
    assert index is not None
    assert [e.total for e in index.elements] == SUMS
    assert [e.answered for e in index.elements] == [5] * 9
    assert [e.nrr for e in index.elements] == [Fraction(x) for x in NRR]
    assert [domain.rounded(e.weighted, 4) for e in index.elements] == [
        Decimal(x) for x in ("0.4000", "0.3333", "0.2889", "0.4444", "0.3556", "0.4000",
                             "0.4222", "0.2889", "0.3556")]
    assert index.ikm == Fraction(148, 45)
    assert domain.rounded(index.ikm, 4) == Decimal("3.2889")
    assert index.conversion == Decimal("82.22")
    assert (index.grade.quality, index.grade.performance.id) == ("B", "Baik")


def test_nrr_divides_by_those_who_answered_each_unsur() -> None:
    # u1 answered by 4 of 5 (Σ 14 -> NRR 3.5), the others by all 5 scoring 3 (NRR 3).
    # IKM = (3.5 + 8 × 3) / 9 = 27.5 / 9 = 3.0555…; × 25 = 76.388… -> 76.39: C, Kurang baik.
    rows = [{k: 3 for k in ELEMENT_KEYS} for _ in range(5)]
    for row, score in zip(rows, (4, 4, 3, 3), strict=False):
        row["u1"] = score
    del rows[4]["u1"]
    index = domain.index_of(rows)
    assert index is not None
    assert (index.elements[0].total, index.elements[0].answered) == (14, 4)
    assert index.elements[0].nrr == Fraction(7, 2)
    assert index.ikm == Fraction(55, 18)
    assert index.conversion == Decimal("76.39") and index.grade.quality == "C"


def test_the_scale_ends_are_exactly_25_and_100() -> None:
    # The weight is the exact 1/9: all 4s give 100.00 (with 0.111 it would be 99.90).
    assert WEIGHT == Fraction(1, 9)
    best = domain.index_of(sheets([[4] * 9]))
    worst = domain.index_of(sheets([[1] * 9] * 3))
    assert best is not None and worst is not None
    assert (best.ikm, best.conversion, best.grade.quality) == (4, Decimal("100.00"), "A")
    assert (worst.ikm, worst.conversion, worst.grade.quality) == (1, Decimal("25.00"), "D")


def test_no_index_without_answers() -> None:
    assert domain.index_of([]) is None
    assert domain.index({"u1": (8, 2)}) is None


@pytest.mark.parametrize(("value", "quality", "label"), [
    ("25.00", "D", "Tidak baik"), ("64.99", "D", "Tidak baik"),
    ("65.00", "C", "Kurang baik"), ("76.60", "C", "Kurang baik"),
    ("76.61", "B", "Baik"), ("88.30", "B", "Baik"),
    ("88.31", "A", "Sangat baik"), ("100.00", "A", "Sangat baik"),
])
def test_grade_boundaries_of_the_conversion_column(value: str, quality: str, label: str) -> None:
    grade = domain.grade_of(Decimal(value))
    assert (grade.quality, grade.performance.id) == (quality, label)


@pytest.mark.parametrize(("ikm", "conversion", "quality"), [
    # The NI column's own bounds: each times 25 is the NIK bound next to it.
    ("2.5996", "64.99", "D"), ("2.60", "65.00", "C"),
    ("3.064", "76.60", "C"), ("3.0644", "76.61", "B"),
    ("3.532", "88.30", "B"), ("3.5324", "88.31", "A"),
    # Inside the hairline gaps the NI column leaves open, the reported value decides.
    ("3.0641", "76.60", "C"), ("3.0643", "76.61", "B"),
])
def test_grade_boundaries_of_the_interval_column(ikm: str, conversion: str,
                                                 quality: str) -> None:
    value = domain.rounded(Fraction(ikm) * 25, 2)
    assert value == Decimal(conversion)
    assert domain.grade_of(value).quality == quality


def test_the_table_bounds_are_the_regulation_s() -> None:
    assert [(g.interval, g.conversion, g.quality, g.performance.id) for g in GRADES] == [
        ((Decimal("1.00"), Decimal("2.5996")), (Decimal("25.00"), Decimal("64.99")), "D",
         "Tidak baik"),
        ((Decimal("2.60"), Decimal("3.064")), (Decimal("65.00"), Decimal("76.60")), "C",
         "Kurang baik"),
        ((Decimal("3.0644"), Decimal("3.532")), (Decimal("76.61"), Decimal("88.30")), "B",
         "Baik"),
        ((Decimal("3.5324"), Decimal("4.00")), (Decimal("88.31"), Decimal("100.00")), "A",
         "Sangat baik")]
    for grade in GRADES:  # NI × 25 = NIK, bound for bound
        assert tuple(b * 25 for b in grade.interval) == grade.conversion
    with pytest.raises(ValueError):
        domain.grade_of(Decimal("24.99"))


@pytest.mark.parametrize(("population", "minimum"), [
    (100, 80), (1000, 278), (10000, 370), (75000, 382), (1000000, 384),  # rows
    (101, 86), (999, 278), (1001, 285), (2100, 327), (100000, 384),  # between: next row up
    (5000000, 384),  # beyond the last row
    (10, 10), (4, 4), (1, 1), (0, 0),  # never more than the population
])
def test_krejcie_morgan_minimum_sample(population: int, minimum: int) -> None:
    assert domain.minimum_sample(population) == minimum


def test_krejcie_morgan_rows_agree_with_their_formula() -> None:
    # S = χ²NP(1−P) / (d²(N−1) + χ²P(1−P)), χ² = 3.841, P = 0.5, d = 0.05: each printed
    # row is that value to the nearest respondent (a mistyped row would stand out).
    assert len(KREJCIE_MORGAN) == 90
    sizes = [n for n, _ in KREJCIE_MORGAN]
    assert sizes == sorted(sizes) and len(set(sizes)) == len(sizes)
    for n, s in KREJCIE_MORGAN:
        exact = 3.841 * n * 0.25 / (0.0025 * (n - 1) + 3.841 * 0.25)
        assert abs(exact - s) < 0.6, (n, s, exact)


def test_nine_unsur_with_four_labels_each() -> None:
    assert [e.key for e in ELEMENTS] == [f"u{i}" for i in range(1, 10)]
    assert [e.letter for e in ELEMENTS] == list("abcdefghi")
    assert [e.name.id for e in ELEMENTS] == [
        "Persyaratan", "Sistem, Mekanisme, dan Prosedur", "Waktu Penyelesaian", "Biaya/Tarif",
        "Produk Spesifikasi Jenis Pelayanan", "Kompetensi Pelaksana", "Perilaku Pelaksana",
        "Penanganan Pengaduan, Saran dan Masukan", "Sarana dan prasarana"]
    labels = {e.key: [t.id for t in e.labels] for e in ELEMENTS}
    assert labels["u1"] == ["Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"]
    assert labels["u4"] == ["Sangat mahal", "Cukup mahal", "Murah", "Gratis"]
    assert labels["u8"][-1] == "Dikelola dengan baik" and labels["u9"][0] == "Buruk"
