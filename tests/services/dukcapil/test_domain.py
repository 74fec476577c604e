"""Disdukcapil's pure rules with worked examples computed by hand: what a NIK encodes, ages in
full years and in days, and the age band that chooses the SOP."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from services.dukcapil.domain import age_days, age_years, local_day, nik_facts
from services.dukcapil.domain_bands import AKTA_KELAHIRAN, KIA, family_of

TODAY = date(2026, 12, 3)


def test_a_woman_s_nik_adds_forty_to_the_day() -> None:
    """1801 01 45 05 24 0001: region 180101, day 45 - 40 = 5, month 05, year 24 -> 2024
    (24 <= 26, the current two-digit year), so 5 May 2024, a girl."""
    facts = nik_facts("1801014505240001", TODAY)
    assert facts is not None
    assert (facts.region, facts.birth_date, facts.female) == ("180101", date(2024, 5, 5), True)


def test_a_man_s_nik_carries_the_day_as_it_is() -> None:
    """1801 02 17 08 90 0012: day 17 (< 40, a man), month 08, year 90 > 26 -> 1990."""
    facts = nik_facts("1801021708900012", TODAY)
    assert facts is not None
    assert (facts.region, facts.birth_date, facts.female) == ("180102", date(1990, 8, 17), False)


def test_an_invalid_nik_has_no_facts() -> None:
    assert nik_facts("1801013202240001", TODAY) is None  # day 32: no such date
    assert nik_facts("12", TODAY) is None


def test_the_day_is_read_in_jakarta() -> None:
    """17:30 UTC on 2 December is 00:30 WIB (UTC+7) on 3 December."""
    assert local_day(datetime(2026, 12, 2, 17, 30, tzinfo=UTC)) == TODAY
    with pytest.raises(ValueError):
        local_day(datetime(2026, 12, 2, 17, 30))


@pytest.mark.parametrize(("birth", "on", "years"), [
    (date(2021, 12, 3), date(2026, 12, 3), 5),   # the fifth birthday itself: 2026 - 2021
    (date(2021, 12, 3), date(2026, 12, 2), 4),   # the day before it: 5 - 1
    (date(2009, 12, 4), date(2026, 12, 3), 16),  # 17 - 1: the birthday is tomorrow
    (date(2009, 12, 3), date(2026, 12, 3), 17),
    (date(2024, 2, 29), date(2025, 2, 28), 0),   # a leap-day child: no 29 Feb in 2025
    (date(2024, 2, 29), date(2025, 3, 1), 1),    # ... one year old on 1 March
])
def test_full_years(birth: date, on: date, years: int) -> None:
    assert age_years(birth, on) == years


@pytest.mark.parametrize(("birth", "on", "days"), [
    (date(2026, 10, 5), date(2026, 12, 3), 59),  # Oct 5 -> Nov 5 is 31 days, -> Dec 3 is 28
    (date(2026, 10, 4), date(2026, 12, 3), 60),  # one day earlier: 60, the last day on time
    (date(2026, 10, 3), date(2026, 12, 3), 61),  # 61: late
    (date(2026, 12, 3), date(2026, 12, 3), 0),   # reported on the day of birth
    (date(2025, 12, 3), date(2026, 12, 3), 365),  # 2026 is a common year
])
def test_days_since_birth(birth: date, on: date, days: int) -> None:
    assert age_days(birth, on) == days


def test_an_age_before_the_birth_is_refused() -> None:
    with pytest.raises(ValueError):
        age_years(date(2026, 12, 4), TODAY)
    with pytest.raises(ValueError):
        age_days(date(2026, 12, 4), TODAY)


@pytest.mark.parametrize(("birth", "sop"), [
    (date(2026, 12, 3), "dukcapil-kia-0-5-tahun"),    # 0 years
    (date(2021, 12, 4), "dukcapil-kia-0-5-tahun"),    # 4 years, fifth birthday tomorrow
    (date(2021, 12, 3), "dukcapil-kia-5-17-tahun"),   # exactly 5: the second kind
    (date(2020, 6, 1), "dukcapil-kia-5-17-tahun"),    # 6 years
    (date(2009, 12, 4), "dukcapil-kia-5-17-tahun"),   # 16: "17 tahun kurang satu hari"
    (date(2009, 12, 3), None),                        # 17 today: no KIA, a KTP-el
])
def test_kia_bands(birth: date, sop: str | None) -> None:
    band = KIA.choose(birth, TODAY)
    assert (band.sop_key if band else None) == sop


@pytest.mark.parametrize(("birth", "sop"), [
    (date(2026, 10, 5), "dukcapil-akta-kelahiran-1-60-hari"),      # 59 days
    (date(2026, 10, 4), "dukcapil-akta-kelahiran-1-60-hari"),      # 60 days: still on time
    (date(2026, 10, 3), "dukcapil-akta-kelahiran-lebih-60-hari"),  # 61 days
    (date(2026, 12, 3), "dukcapil-akta-kelahiran-1-60-hari"),      # day 0
    (date(2010, 1, 1), "dukcapil-akta-kelahiran-lebih-60-hari"),   # a grown-up's late report
])
def test_birth_certificate_bands(birth: date, sop: str) -> None:
    band = AKTA_KELAHIRAN.choose(birth, TODAY)
    assert band is not None and band.sop_key == sop


def test_every_band_names_a_shipped_sop_and_cites_its_source() -> None:
    from tests.support.sops import all_sops

    keys = {s.key for s in all_sops()["dukcapil"]}
    for family in (KIA, AKTA_KELAHIRAN):
        assert family.source and family.checked
        for band in family.bands:
            assert band.sop_key in keys
            assert family_of(band.sop_key) is family
    assert family_of("dukcapil-akta-kematian") is None
