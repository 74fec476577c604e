"""Checks of a Disdukcapil form that the generic form check cannot make: the fields must agree
with each other and with the day of submission.

Each SOP names its checks in :data:`FORM_CHECKS` (field names from the SOP YAMLs). A check
looks only at values that are already well formed; a missing or malformed value is left to
the generic check, which reports it with its own code. A problem is ``{"field", "problem",
"ctx"}`` as the engine's are; it never carries a value of the form.

The age band is checked apart (:func:`band_refusal`): it does not say a field is wrong, it
says the application belongs to another SOP.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from services.dukcapil.domain import age_years, nik_facts, parse_day
from services.dukcapil.domain_bands import KIA, Band, Family, family_of

Problem = dict[str, Any]
Check = Callable[[dict[str, Any], date], list[Problem]]

ELDERLY_FROM_YEARS = 60
"""UU 13/1998 tentang Kesejahteraan Lanjut Usia, Pasal 1 angka 2: lanjut usia adalah
seseorang yang telah mencapai usia 60 (enam puluh) tahun ke atas (checked against texts
quoting the article; the official gazette text was not found)."""


def _problem(field: str, code: str, **ctx: Any) -> Problem:
    return {"field": field, "problem": code, "ctx": ctx} if ctx else \
        {"field": field, "problem": code}


def nik_agrees_with_birth(nik_field: str, date_field: str) -> Check:
    """The birth date a NIK encodes is the birth date given in the form."""
    def check(form: dict[str, Any], today: date) -> list[Problem]:
        facts = nik_facts(str(form.get(nik_field, "")), today)
        born = parse_day(form.get(date_field))
        if facts is None or born is None or facts.birth_date == born:
            return []
        return [_problem(nik_field, "nik-birth-date-mismatch", date_field=date_field)]
    return check


def nik_agrees_with_sex(nik_field: str, sex_field: str, female: str = "perempuan") -> Check:
    """A woman's NIK has 40 added to the day of birth; a man's has not."""
    def check(form: dict[str, Any], today: date) -> list[Problem]:
        facts = nik_facts(str(form.get(nik_field, "")), today)
        sex = form.get(sex_field)
        if facts is None or not isinstance(sex, str) or not sex:
            return []
        if facts.female == (sex == female):
            return []
        return [_problem(nik_field, "nik-sex-mismatch", sex_field=sex_field)]
    return check


def nik_is_female(nik_field: str) -> Check:
    """A mother's NIK is a woman's (day of birth + 40)."""
    def check(form: dict[str, Any], today: date) -> list[Problem]:
        facts = nik_facts(str(form.get(nik_field, "")), today)
        if facts is None or facts.female:
            return []
        return [_problem(nik_field, "nik-not-female")]
    return check


def not_in_future(date_field: str) -> Check:
    """A birth, a death or a loss has happened: its day is not after the submission day."""
    def check(form: dict[str, Any], today: date) -> list[Problem]:
        day = parse_day(form.get(date_field))
        return [_problem(date_field, "date-in-future")] if day and day > today else []
    return check


def born_before(nik_field: str, date_field: str) -> Check:
    """The NIK's holder was born on or before the day given (a mother before her child, a
    deceased person before the death)."""
    def check(form: dict[str, Any], today: date) -> list[Problem]:
        facts = nik_facts(str(form.get(nik_field, "")), today)
        day = parse_day(form.get(date_field))
        if facts is None or day is None or facts.birth_date <= day:
            return []
        return [_problem(nik_field, "nik-born-after-date", date_field=date_field)]
    return check


def age_fits_choice(nik_field: str, choice_field: str, value: str, *, at_least: int | None = None,
                    below: int | None = None) -> Check:
    """When ``choice_field`` is ``value``, the NIK holder's age in full years on the
    submission day is at least ``at_least`` and below ``below``."""
    def check(form: dict[str, Any], today: date) -> list[Problem]:
        facts = nik_facts(str(form.get(nik_field, "")), today)
        if form.get(choice_field) != value or facts is None:
            return []
        age = age_years(facts.birth_date, today)
        if at_least is not None and age < at_least:
            return [_problem(choice_field, "age-below", years=at_least)]
        if below is not None and age >= below:
            return [_problem(choice_field, "age-not-below", years=below)]
        return []
    return check


_KIA = (nik_agrees_with_birth("nik_anak", "tanggal_lahir_anak"),
        not_in_future("tanggal_lahir_anak"))
_AKTA_LAHIR = (not_in_future("tanggal_lahir_anak"), nik_is_female("nik_ibu"),
               born_before("nik_ibu", "tanggal_lahir_anak"))
FORM_CHECKS: dict[str, tuple[Check, ...]] = {
    "dukcapil-kia-0-5-tahun": _KIA,
    "dukcapil-kia-5-17-tahun": _KIA,
    "dukcapil-akta-kelahiran-1-60-hari": _AKTA_LAHIR,
    "dukcapil-akta-kelahiran-lebih-60-hari": _AKTA_LAHIR,
    "dukcapil-akta-kematian": (not_in_future("tanggal_kematian"),
                               born_before("nik_almarhum", "tanggal_kematian")),
    "dukcapil-kk-hilang": (not_in_future("tanggal_kehilangan"),),
    "dukcapil-yanduksatlantas": (
        age_fits_choice("nik_pemohon", "kondisi", "lansia", at_least=ELDERLY_FROM_YEARS),
        age_fits_choice("nik_pemohon", "jenis_layanan", "kia", below=KIA.bands[-1].high),
    ),
}
"""The SOPs whose forms carry a NIK, a KK number or a date a rule applies to. The other
Disdukcapil SOPs (mutasi, perubahan data KK, konsolidasi) carry a NIK and a KK number only,
which the generic form check already validates."""

BIRTH_FIELDS = {"kia": ("tanggal_lahir_anak", "nik_anak"),
                "akta_kelahiran": ("tanggal_lahir_anak", None)}
"""Where each family reads the child's birth date: the date field, else the NIK's date."""


def form_problems(sop_key: str, form: dict[str, Any], today: date) -> list[Problem]:
    """Every cross-field problem of ``form`` on ``today``; empty when it holds together."""
    return [p for check in FORM_CHECKS.get(sop_key, ()) for p in check(form, today)]


@dataclass(frozen=True)
class BandRefusal:
    """The application's subject is outside the SOP's age band."""

    family: Family
    age: int
    field: str
    right: Band | None
    """The SOP that serves this age, or None when no SOP of the family does."""


def birth_of(family: Family, form: dict[str, Any], today: date) -> tuple[date, str] | None:
    date_field, nik_field = BIRTH_FIELDS[family.name]
    born = parse_day(form.get(date_field))
    if born is not None:
        return born, date_field
    facts = nik_facts(str(form.get(nik_field, "")), today) if nik_field else None
    return (facts.birth_date, nik_field) if facts and nik_field else None


def band_refusal(sop_key: str, form: dict[str, Any], today: date) -> BandRefusal | None:
    """None when the age on ``today`` lies in the band of ``sop_key`` (or the SOP has no
    band, or the birth date is not known or lies ahead: other checks report that)."""
    family = family_of(sop_key)
    if family is None:
        return None
    found = birth_of(family, form, today)
    if found is None or found[0] > today:
        return None
    born, field = found
    right = family.choose(born, today)
    if right is not None and right.sop_key == sop_key:
        return None
    return BandRefusal(family=family, age=family.age(born, today), field=field, right=right)
