"""Form values the SOP forms refuse: NIK and KK numbers checked as the identity forms check
them, text longer than the field's maximum, control characters (NUL included; a multi-line
text keeps its line breaks and tabs). Every problem names the field, never the value."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from shared.engine.submission import check_inputs, is_kk_field
from shared.sop.model import DEFAULT_MAX_LENGTH, FormField

TODAY = date(2026, 12, 3)
NIK = FormField(name="nik_ibu", label="NIK ibu", type="nik")
KK = FormField(name="nomor_kk", label="Nomor Kartu Keluarga", type="nik")
NAME = FormField(name="nama", label="Nama", type="string")
TEXT = FormField(name="uraian", label="Uraian", type="text")
EMAIL = FormField(name="surel", label="E-mail", type="email")
FIELDS = (NIK, KK, NAME, TEXT, EMAIL)


def problems(**form: Any) -> list[dict[str, Any]]:
    return check_inputs((f for f in FIELDS if f.name in form), (), form, set(), today=TODAY)


def test_all_zeros_is_refused_in_nik_and_kk_fields() -> None:
    assert problems(nik_ibu="0000000000000000", nomor_kk="0000000000000000") == [
        {"field": "nik_ibu", "problem": "nik-region"},
        {"field": "nomor_kk", "problem": "kk-region"}]


def test_a_lampung_selatan_nik_and_kk_are_accepted() -> None:
    assert problems(nik_ibu="1801014505900001", nomor_kk="1801012202200003") == []
    assert problems(nik_ibu="1801010505900001") == []  # a man: the day without +40


@pytest.mark.parametrize(("value", "problem"), [
    ("1801013205900001", "nik-birth-date"), ("1801010513900001", "nik-birth-date"),
    ("1801014505900000", "nik-serial"), ("180101450590000", "not-nik"),
    ("18010145059000０1", "not-nik"),
])
def test_a_nik_with_no_real_birth_date_or_shape(value: str, problem: str) -> None:
    assert problems(nik_ibu=value) == [{"field": "nik_ibu", "problem": problem}]


def test_a_kk_field_has_no_sex_offset_and_its_own_codes() -> None:
    assert is_kk_field(KK) and not is_kk_field(NIK)
    assert is_kk_field(FormField(name="no_kk_ayah", label="KK", type="nik"))
    assert not is_kk_field(FormField(name="nomor_kkn", label="KKN", type="nik"))
    assert problems(nomor_kk="1801014505900001") == [{"field": "nomor_kk", "problem": "kk-date"}]
    assert problems(nomor_kk="18010122022") == [{"field": "nomor_kk", "problem": "not-kk"}]


def test_text_longer_than_the_types_default_is_refused_with_the_limit() -> None:
    assert DEFAULT_MAX_LENGTH == {"string": 200, "text": 4000, "email": 254}
    assert problems(nama="a" * 200, uraian="b" * 4000) == []
    assert problems(nama="a" * 201, uraian="b" * 20_000_000) == [
        {"field": "nama", "problem": "too-long", "ctx": {"max_length": 200}},
        {"field": "uraian", "problem": "too-long", "ctx": {"max_length": 4000}}]
    assert problems(surel="a" * 250 + "@x.id") == [
        {"field": "surel", "problem": "too-long", "ctx": {"max_length": 254}}]


def test_a_definition_may_set_its_own_maximum_within_the_ceiling() -> None:
    short = FormField(name="kode", label="Kode", max_length=5)
    assert check_inputs((short,), (), {"kode": "123456"}, set()) == [
        {"field": "kode", "problem": "too-long", "ctx": {"max_length": 5}}]
    assert check_inputs((short,), (), {"kode": "12345"}, set()) == []
    with pytest.raises(ValidationError):
        FormField(name="x", label="x", type="text", max_length=10_000_000)
    assert "max_length" not in NAME.model_dump(exclude_none=True)  # stored versions unchanged


@pytest.mark.parametrize("value", ["Siti\x00Aminah", "Siti\x1bAminah", "Siti\x7f", "a\u0085b",
                                   "Siti\nAminah", "Siti\tAminah"])
def test_control_characters_are_refused_in_a_line_of_text(value: str) -> None:
    assert problems(nama=value) == [{"field": "nama", "problem": "control-characters"}]


def test_a_multi_line_text_keeps_line_breaks_and_tabs_but_not_nul() -> None:
    assert problems(uraian="Baris satu\r\nBaris dua\n\tmenjorok") == []
    assert problems(uraian="Baris\x00satu", surel="warga\x00@contoh.id") == [
        {"field": "uraian", "problem": "control-characters"},
        {"field": "surel", "problem": "control-characters"}]
