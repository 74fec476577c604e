"""NIK rules: 16 digits, a real province code, non-zero region parts, a real birth date
(women's day + 40) that is not in the future, a non-zero serial."""

from __future__ import annotations

from datetime import date

import pytest

from gateway.identity.nik import NikError, mask_nik, nik_hash, parse_nik

TODAY = date(2026, 3, 2)


def problems(nik: str, today: date = TODAY) -> list[str]:
    with pytest.raises(NikError) as caught:
        parse_nik(nik, today)
    return caught.value.problems


def test_a_man_born_in_1990() -> None:
    info = parse_nik("1801010101900001", TODAY)
    assert (info.province, info.regency, info.district) == ("18", "01", "01")
    assert info.birth_date == date(1990, 1, 1)
    assert not info.female


def test_a_woman_adds_forty_to_the_day() -> None:
    info = parse_nik("1801025505920002", TODAY)
    assert info.birth_date == date(1992, 5, 15)
    assert info.female


def test_spaces_and_dots_between_groups_are_accepted() -> None:
    assert parse_nik("1801 0101 0190 0001", TODAY).birth_date == date(1990, 1, 1)
    assert parse_nik("180101.010190.0001", TODAY).province == "18"


def test_two_digit_years_up_to_this_year_are_this_century() -> None:
    assert parse_nik("3171011502100005", TODAY).birth_date == date(2010, 2, 15)
    assert parse_nik("3171011502270005", TODAY).birth_date == date(1927, 2, 15)


@pytest.mark.parametrize("nik", ["180101010190000", "18010101019000011", "18010101019O0001",
                                 "", "abcdefghijklmnop", "１８０１０１０１０１９０００01"])
def test_shape_is_sixteen_ascii_digits(nik: str) -> None:
    assert problems(nik) == ["nik-format"]


@pytest.mark.parametrize("province", ["00", "10", "20", "22", "30", "37", "50", "54", "60",
                                      "66", "70", "77", "80", "83", "90", "97", "99"])
def test_unknown_province_codes_are_refused(province: str) -> None:
    assert problems(province + "01010101900001") == ["nik-region"]


@pytest.mark.parametrize("province", ["11", "19", "21", "31", "36", "51", "53", "61", "65",
                                      "71", "76", "81", "82", "91", "96"])
def test_every_real_province_range_is_accepted(province: str) -> None:
    assert parse_nik(province + "01010101900001", TODAY).province == province


@pytest.mark.parametrize("nik", ["1800010101900001", "1801000101900001"])
def test_zero_regency_or_district_is_refused(nik: str) -> None:
    assert problems(nik) == ["nik-region"]


@pytest.mark.parametrize("regency", ["01", "07", "13", "71", "72"])
def test_lampung_regencies_and_cities_are_accepted(regency: str) -> None:
    assert parse_nik(f"18{regency}010101900001", TODAY).regency == regency


@pytest.mark.parametrize("regency", ["14", "20", "69", "70", "73", "79", "99"])
def test_a_lampung_regency_that_does_not_exist_is_refused(regency: str) -> None:
    assert problems(f"18{regency}010101900001") == ["nik-region"]


@pytest.mark.parametrize(("nik", "ok"), [
    ("3229010101900001", True), ("3271010101900001", True), ("3579010101900001", True),
    ("3270010101900001", False), ("3280010101900001", False), ("3299010101900001", False),
])
def test_elsewhere_the_regency_has_the_kabupaten_or_kota_form(nik: str, ok: bool) -> None:
    if ok:
        assert parse_nik(nik, TODAY).regency == nik[2:4]
    else:
        assert problems(nik) == ["nik-region"]


@pytest.mark.parametrize("birth", ["320190", "300290", "001290", "011390", "720190", "400190",
                                   "310490"])
def test_impossible_birth_dates_are_refused(birth: str) -> None:
    assert problems("180101" + birth + "0001") == ["nik-birth-date"]


def test_a_woman_born_on_the_29th_of_february_of_a_leap_year() -> None:
    assert parse_nik("1801016902000001", TODAY).birth_date == date(2000, 2, 29)
    assert problems("1801016902010001") == ["nik-birth-date"]


def test_a_birth_date_in_the_future_is_refused() -> None:
    assert problems("1801010303260001") == ["nik-future"]          # tomorrow
    assert problems("1801014303260001") == ["nik-future"]          # tomorrow, a woman
    assert parse_nik("1801010203260001", TODAY).birth_date == TODAY  # born today


def test_serial_zero_is_refused() -> None:
    assert problems("1801010101900000") == ["nik-serial"]


def test_every_problem_is_reported_at_once() -> None:
    assert problems("9900003502990000") == ["nik-region", "nik-birth-date", "nik-serial"]


def test_lookup_hash_is_keyed_and_stable() -> None:
    assert nik_hash("1801010101900001", b"a" * 32) == nik_hash("1801 0101 0190 0001", b"a" * 32)
    assert nik_hash("1801010101900001", b"a" * 32) != nik_hash("1801010101900001", b"b" * 32)
    assert "1801010101900001" not in nik_hash("1801010101900001", b"a" * 32)


def test_mask_keeps_region_and_serial_only() -> None:
    assert mask_nik("1801010101900001") == "1801********0001"
