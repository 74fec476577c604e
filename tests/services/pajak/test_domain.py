"""PBB-P2 rules with worked examples computed by hand (services/pajak/domain*.py)."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import yaml

from services.pajak.domain import RULES_FILE, RuleError, assess, check_rules, rules
from services.pajak.domain_interest import (
    WIB,
    code_expiry,
    due_date,
    interest,
    months_late,
)

R = rules()
DUE = date(2026, 8, 31)


def test_a_house_in_class_a3_b3() -> None:
    """250 m2 x Rp200.000 (A3) = 50.000.000; 72 m2 x Rp1.000.000 (B3) = 72.000.000;
    NJOP 122.000.000 - NJOPTKP 10.000.000 = 112.000.000; x 100% = 112.000.000;
    NJOP <= 1 miliar: 0,1% -> pokok Rp112.000."""
    a = assess(R, luas_bumi=Decimal(250), kelas_bumi="A3", luas_bangunan=Decimal(72),
               kelas_bangunan="B3")
    assert (a.njop_bumi, a.njop_bangunan, a.njop) == (50_000_000, 72_000_000, 122_000_000)
    assert (a.njoptkp, a.njop_kena, a.dasar) == (10_000_000, 112_000_000, 112_000_000)
    assert a.tarif == Decimal("0.001") and a.pokok == 112_000


def test_the_second_band() -> None:
    """2.000 m2 x Rp1.000.000 (A1) = 2.000.000.000 (> 1 miliar, <= 5 miliar: 0,2%);
    2.000.000.000 - 10.000.000 = 1.990.000.000 x 0,002 = Rp3.980.000."""
    a = assess(R, luas_bumi=Decimal(2000), kelas_bumi="A1", luas_bangunan=Decimal(0),
               kelas_bangunan=None)
    assert a.tarif == Decimal("0.002") and a.pokok == 3_980_000


def test_food_land_of_a_second_object_has_the_lower_rate_and_no_njoptkp() -> None:
    """10.000 m2 x Rp50.000 (A5) = 500.000.000, no NJOPTKP (the taxpayer's other object has
    it); lahan pangan 0,09%: 500.000.000 x 0,0009 = Rp450.000."""
    a = assess(R, luas_bumi=Decimal(10_000), kelas_bumi="A5", luas_bangunan=Decimal(0),
               kelas_bangunan=None, jenis="pangan_ternak", njoptkp_applies=False)
    assert a.njoptkp == 0 and a.dasar == 500_000_000 and a.pokok == 450_000


def test_an_object_below_njoptkp_owes_nothing() -> None:
    """40 m2 x Rp20.000 (A6) = 800.000 < NJOPTKP: NJOPTKP taken is 800.000, pokok 0."""
    a = assess(R, luas_bumi=Decimal(40), kelas_bumi="A6", luas_bangunan=Decimal(0),
               kelas_bangunan=None)
    assert (a.njop, a.njoptkp, a.njop_kena, a.pokok) == (800_000, 800_000, 0, 0)


def test_unknown_classes_are_refused() -> None:
    with pytest.raises(RuleError, match="kelas-bumi-unknown"):
        assess(R, luas_bumi=Decimal(1), kelas_bumi="Z9", luas_bangunan=Decimal(0),
               kelas_bangunan=None)
    with pytest.raises(RuleError, match="kelas-bangunan-unknown"):
        assess(R, luas_bumi=Decimal(1), kelas_bumi="A1", luas_bangunan=Decimal(5),
               kelas_bangunan=None)


@pytest.mark.parametrize(("paid", "months", "bunga"), [
    (date(2026, 8, 31), 0, 0),          # on the due date: on time
    (date(2026, 9, 1), 1, 1_120),       # one day late: a part month counts full, 1%
    (date(2026, 9, 30), 1, 1_120),      # 31 Aug + 1 month = 30 Sep: still month 1
    (date(2026, 10, 1), 2, 2_240),      # month 2: 2% x 112.000
    (date(2026, 11, 15), 3, 3_360),     # 30 Sep, 31 Oct, 30 Nov: 3% x 112.000
    (date(2029, 1, 10), 24, 26_880),    # 29 months late, capped at 24: 24% x 112.000
])
def test_interest_on_the_2026_bill(paid: date, months: int, bunga: int) -> None:
    """Pokok Rp112.000 due 31 August 2026; 1% a month, at most 24 months."""
    assert interest(R, 112_000, DUE, paid) == (months, bunga)


def test_interest_paid_today_3_december_2026() -> None:
    """Pokok 3.980.000 due 31 Aug 2026 paid 3 Dec 2026: 30 Sep, 31 Oct, 30 Nov passed and
    3 Dec is in the 4th month (to 31 Dec): 4% x 3.980.000 = Rp159.200; total 4.139.200."""
    months, bunga = interest(R, 3_980_000, DUE, date(2026, 12, 3))
    assert (months, bunga, 3_980_000 + bunga) == (4, 159_200, 4_139_200)


def test_interest_rounds_half_up_to_whole_rupiah() -> None:
    """12.345 x 1% = 123,45 -> 123; 12.350 x 1% = 123,5 -> 124."""
    assert interest(R, 12_345, DUE, date(2026, 9, 2))[1] == 123
    assert interest(R, 12_350, DUE, date(2026, 9, 2))[1] == 124


def test_months_late_from_a_month_end() -> None:
    assert months_late(date(2026, 1, 31), date(2026, 2, 28), 24) == 1  # 31 Jan + 1 = 28 Feb
    assert months_late(date(2026, 1, 31), date(2026, 3, 1), 24) == 2


def test_the_due_date_is_the_regency_s_but_at_most_6_months_after_issue() -> None:
    """Issued 2 Mar 2026: min(31 Aug, 2 Sep) = 31 Aug. Issued 15 Jan 2026: 6 months = 15 Jul.
    Issued 1 Oct 2026 (a new object, after 31 Aug): 1 Apr 2027."""
    assert due_date(R, 2026, date(2026, 3, 2)) == date(2026, 8, 31)
    assert due_date(R, 2026, date(2026, 1, 15)) == date(2026, 7, 15)
    assert due_date(R, 2026, date(2026, 10, 1)) == date(2027, 4, 1)


def test_a_code_lapses_at_the_end_of_the_wib_day() -> None:
    """Made 3 Dec 2026 10:00 WIB (03:00 UTC), valid 1 day: to 23:59:59.999999 WIB =
    16:59:59.999999 UTC the same day."""
    made = datetime(2026, 12, 3, 3, 0, tzinfo=UTC)
    end = code_expiry(R, made, DUE)
    assert end.astimezone(WIB).date() == date(2026, 12, 3)
    assert end.astimezone(UTC) == datetime(2026, 12, 3, 16, 59, 59, 999999, tzinfo=UTC)


def test_a_code_never_outlives_its_interest_month() -> None:
    """3-day validity from 30 Sep 2026 20:00 WIB: 30 Sep is the last day of month 1 of
    interest, so the code ends that day; from 30 Aug it ends on the due date 31 Aug."""
    longer = check_rules({**copy.deepcopy(_data()), "regency": {**_data()["regency"],
                                                                "kode_bayar_hari": 3}})
    made = datetime(2026, 9, 30, 20, 0, tzinfo=WIB)
    assert code_expiry(longer, made, DUE).date() == date(2026, 9, 30)
    early = datetime(2026, 8, 30, 9, 0, tzinfo=WIB)
    assert code_expiry(longer, early, DUE).astimezone(WIB).date() == date(2026, 8, 31)


def _data() -> dict:
    return yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))


@pytest.mark.parametrize(("path", "value", "why"), [
    (("njoptkp",), 9_000_000, "njoptkp"),
    (("dasar_pengenaan",), "0.10", "dasar_pengenaan"),
    (("tarif", "umum"), [{"sampai": None, "tarif": "0.006"}], "0,5%"),
    (("tarif", "pangan_ternak"), [{"sampai": None, "tarif": "0.002"}], "lower"),
    (("tarif", "umum"), [{"sampai": 5, "tarif": "0.001"}], "upper bound"),
])
def test_the_regency_s_figures_must_stay_within_the_law(path: tuple[str, ...], value: object,
                                                        why: str) -> None:
    data = copy.deepcopy(_data())
    target = data["regency"]
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(RuleError, match=why):
        check_rules(data)


def test_every_law_figure_names_its_source_and_whether_it_was_checked() -> None:
    for name, entry in _data()["law"].items():
        assert "UU 1/2022" in entry["source"], name
        assert entry["verified"].strip(), name
