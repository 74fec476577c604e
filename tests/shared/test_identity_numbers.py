"""NIK and KK numbers in shared (the identity forms and the SOP forms share them): region
code, the date in digits 7-12 (a NIK's birth date with +40 for women; a KK's recording
date, no offset), the serial."""

from __future__ import annotations

from datetime import date

import pytest

from gateway.identity import nik as gateway_nik
from shared import identity_numbers
from shared.identity_numbers import kk_problems, nik_problems, parse_nik

TODAY = date(2026, 12, 3)


def test_all_zeros_is_neither_a_nik_nor_a_kk_number() -> None:
    assert nik_problems("0000000000000000", TODAY) == ["nik-region", "nik-birth-date",
                                                       "nik-serial"]
    assert kk_problems("0000000000000000", TODAY) == ["kk-region", "kk-date", "kk-serial"]


def test_a_lampung_selatan_nik_of_a_girl_born_in_2024() -> None:
    info = parse_nik("1801014505240001", TODAY)
    assert (info.province, info.regency, info.district) == ("18", "01", "01")
    assert info.birth_date == date(2024, 5, 5) and info.female
    assert nik_problems("1801010505240001", TODAY) == []
    assert not parse_nik("1801010505240001", TODAY).female


@pytest.mark.parametrize(("nik", "problem"), [
    ("1801013205240001", "nik-birth-date"),   # day 32
    ("1801017205240001", "nik-birth-date"),   # 72 - 40 = day 32
    ("1801010513240001", "nik-birth-date"),   # month 13
    ("1801010112260001", "nik-future"),       # 1 December 2026 is fine ...
])
def test_a_birth_date_that_is_no_date(nik: str, problem: str) -> None:
    if problem == "nik-future":
        assert nik_problems(nik, TODAY) == []
        assert nik_problems("1801012412260001", TODAY) == ["nik-future"]  # ... 24 December not
    else:
        assert nik_problems(nik, TODAY) == [problem]


def test_a_kk_number_has_a_recording_date_without_the_sex_offset() -> None:
    assert kk_problems("1801012202200003", TODAY) == []
    assert kk_problems("1801016202200003", TODAY) == ["kk-date"]  # day 62: a NIK's offset
    assert kk_problems("1801012213200003", TODAY) == ["kk-date"]  # month 13
    assert kk_problems("1899012202200003", TODAY) == ["kk-region"]  # no regency 99 in Lampung
    assert kk_problems("1801012202200000", TODAY) == ["kk-serial"]
    assert kk_problems("18010122022000", TODAY) == ["kk-format"]


def test_the_gateway_keeps_its_public_names() -> None:
    for name in ("PROVINCES", "LAMPUNG", "LAMPUNG_REGENCIES", "NikError", "NikInfo", "clean",
                 "parse_nik"):
        assert getattr(gateway_nik, name) is getattr(identity_numbers, name)
