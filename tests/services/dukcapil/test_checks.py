"""The cross-field checks of Disdukcapil forms and the age-band refusal, without I/O."""

from __future__ import annotations

from datetime import date

from services.dukcapil.domain_checks import band_refusal, form_problems

TODAY = date(2026, 12, 3)
KIA05 = "dukcapil-kia-0-5-tahun"
KIA517 = "dukcapil-kia-5-17-tahun"
AKTA60 = "dukcapil-akta-kelahiran-1-60-hari"
AKTA_LATE = "dukcapil-akta-kelahiran-lebih-60-hari"


def kia(nik: str, born: str) -> dict[str, str]:
    return {"nik_anak": nik, "tanggal_lahir_anak": born, "nomor_kk": "1801012202200003"}


def test_a_child_s_nik_must_encode_the_birth_date_given() -> None:
    """1801014505240001 encodes 5 May 2024 (45 - 40 = 5): the same day passes, 6 May not."""
    assert form_problems(KIA05, kia("1801014505240001", "2024-05-05"), TODAY) == []
    assert form_problems(KIA05, kia("1801014505240001", "2024-05-06"), TODAY) == [
        {"field": "nik_anak", "problem": "nik-birth-date-mismatch",
         "ctx": {"date_field": "tanggal_lahir_anak"}}]


def test_malformed_values_are_left_to_the_generic_check() -> None:
    assert form_problems(KIA05, kia("12", "kemarin"), TODAY) == []
    assert form_problems(KIA05, {}, TODAY) == []


def test_a_birth_date_after_the_submission_day_is_refused() -> None:
    problems = form_problems(AKTA60, {"tanggal_lahir_anak": "2026-12-04"}, TODAY)
    assert problems == [{"field": "tanggal_lahir_anak", "problem": "date-in-future"}]


def test_the_mother_s_nik_is_a_woman_s_born_before_the_child() -> None:
    """1801015203950002: day 52 - 40 = 12, a woman born 12 March 1995. 1801011203950002:
    the same date without +40, a man's NIK. 1801014101260001: a woman born 1 January 2026,
    after a child born 1 October 2025."""
    base = {"tanggal_lahir_anak": "2026-11-20"}
    assert form_problems(AKTA60, {**base, "nik_ibu": "1801015203950002"}, TODAY) == []
    assert form_problems(AKTA60, {**base, "nik_ibu": "1801011203950002"}, TODAY) == [
        {"field": "nik_ibu", "problem": "nik-not-female"}]
    late = {"tanggal_lahir_anak": "2025-10-01", "nik_ibu": "1801014101260001"}
    assert form_problems(AKTA_LATE, late, TODAY) == [
        {"field": "nik_ibu", "problem": "nik-born-after-date",
         "ctx": {"date_field": "tanggal_lahir_anak"}}]


def test_a_death_is_after_the_birth_and_not_ahead() -> None:
    sop = "dukcapil-akta-kematian"
    ok = {"nik_almarhum": "1801021708500012", "tanggal_kematian": "2026-11-30"}
    assert form_problems(sop, ok, TODAY) == []
    ahead = {**ok, "tanggal_kematian": "2026-12-05"}
    assert [p["problem"] for p in form_problems(sop, ahead, TODAY)] == ["date-in-future"]
    before = {**ok, "tanggal_kematian": "1949-01-01"}
    assert [p["problem"] for p in form_problems(sop, before, TODAY)] == ["nik-born-after-date"]


def test_home_service_for_the_elderly_needs_sixty_years() -> None:
    """1801021708660012: born 17 August 1966, 60 on 17 August 2026 -> lansia on 3 December.
    1801021712660012: born 17 December 1966, still 59 on 3 December 2026."""
    sop = "dukcapil-yanduksatlantas"
    sixty = {"nik_pemohon": "1801021708660012", "kondisi": "lansia"}
    assert form_problems(sop, sixty, TODAY) == []
    fifty_nine = {"nik_pemohon": "1801021712660012", "kondisi": "lansia"}
    assert form_problems(sop, fifty_nine, TODAY) == [
        {"field": "kondisi", "problem": "age-below", "ctx": {"years": 60}}]
    assert form_problems(sop, {**fifty_nine, "kondisi": "sakit"}, TODAY) == []
    adult_kia = {"nik_pemohon": "1801021708900012", "kondisi": "sakit", "jenis_layanan": "kia"}
    assert form_problems(sop, adult_kia, TODAY) == [
        {"field": "jenis_layanan", "problem": "age-not-below", "ctx": {"years": 17}}]


def test_a_six_year_old_belongs_to_the_kia_5_17() -> None:
    """Born 1 June 2020: on 3 December 2026 the sixth birthday (1 June) has passed -> 6."""
    refusal = band_refusal(KIA05, kia("1801010106200001", "2020-06-01"), TODAY)
    assert refusal is not None and refusal.right is not None
    assert (refusal.age, refusal.right.sop_key, refusal.field) == (6, KIA517,
                                                                   "tanggal_lahir_anak")
    assert band_refusal(KIA517, kia("1801010106200001", "2020-06-01"), TODAY) is None


def test_exactly_five_is_no_longer_the_kia_0_5() -> None:
    """Born 3 December 2021, submitted 3 December 2026: 2026 - 2021 = 5 full years."""
    form = kia("1801010312210001", "2021-12-03")
    refusal = band_refusal(KIA05, form, TODAY)
    assert refusal is not None and refusal.right is not None
    assert (refusal.age, refusal.right.sop_key) == (5, KIA517)
    assert band_refusal(KIA517, form, TODAY) is None


def test_seventeen_has_no_kia() -> None:
    refusal = band_refusal(KIA517, kia("1801010312090001", "2009-12-03"), TODAY)
    assert refusal is not None and refusal.right is None and refusal.age == 17


def test_without_a_date_the_nik_gives_the_birth() -> None:
    refusal = band_refusal(KIA05, {"nik_anak": "1801010106200001"}, TODAY)
    assert refusal is not None and refusal.field == "nik_anak" and refusal.age == 6


def test_sixty_days_and_sixty_one() -> None:
    """4 October -> 3 December: 27 days left of October + 30 of November + 3 = 60 (on
    time); 3 October -> 61 (late)."""
    assert band_refusal(AKTA60, {"tanggal_lahir_anak": "2026-10-04"}, TODAY) is None
    late = band_refusal(AKTA60, {"tanggal_lahir_anak": "2026-10-03"}, TODAY)
    assert late is not None and late.right is not None
    assert (late.age, late.right.sop_key) == (61, AKTA_LATE)
    early = band_refusal(AKTA_LATE, {"tanggal_lahir_anak": "2026-10-05"}, TODAY)
    assert early is not None and early.right is not None
    assert (early.age, early.right.sop_key) == (59, AKTA60)


def test_no_band_for_other_sops_or_unknown_births() -> None:
    assert band_refusal("dukcapil-akta-kematian", {}, TODAY) is None
    assert band_refusal(AKTA60, {"tanggal_lahir_anak": "2026-12-09"}, TODAY) is None
    assert band_refusal(KIA05, {"tanggal_lahir_anak": "bukan tanggal"}, TODAY) is None


def test_a_nik_s_sex_agrees_with_a_sex_field() -> None:
    """No shipped form has a person's NIK and sex together (the akta's jenis_kelamin is the
    baby's, who has no NIK yet), so the check is offered for SOP authors and tested alone:
    1801014505240001 is a girl's (45 > 40), 1801010106200001 a boy's."""
    from services.dukcapil.domain_checks import nik_agrees_with_sex

    check = nik_agrees_with_sex("nik", "jenis_kelamin")
    assert check({"nik": "1801014505240001", "jenis_kelamin": "perempuan"}, TODAY) == []
    assert check({"nik": "1801010106200001", "jenis_kelamin": "laki_laki"}, TODAY) == []
    assert check({"nik": "1801010106200001", "jenis_kelamin": "perempuan"}, TODAY) == [
        {"field": "nik", "problem": "nik-sex-mismatch", "ctx": {"sex_field": "jenis_kelamin"}}]
