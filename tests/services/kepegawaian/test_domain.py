"""The BKD's pure leave rules, with worked examples computed by hand on the real 2026 office
calendar (national holidays and the cuti bersama of Keppres 42/2025)."""

from __future__ import annotations

from datetime import date

import pytest

from services.kepegawaian import rules
from services.kepegawaian.domain import (
    LeaveAsk,
    LeaveRefused,
    YearLedger,
    add_months,
    carried_into,
    cltn_check,
    full_years,
    parse_nip,
    quote,
    signer_for,
    working_days,
)
from shared.calendar import OfficeCalendar

OFFICE = OfficeCalendar()
SINCE_2010 = date(2010, 1, 1)


def ask(kind: str, start: date, end: date, **kw: object) -> LeaveAsk:
    return LeaveAsk(kind=kind, start=start, end=end, service_start=SINCE_2010, **kw)  # type: ignore[arg-type]


def test_nip_reads_birth_date_and_tmt() -> None:
    """198507152010011002: born 1985-07-15, TMT CPNS January 2010, sex 1, serial 002."""
    nip = parse_nip("19850715 201001 1 002")
    assert (nip.birth, nip.tmt, nip.sex) == (date(1985, 7, 15), date(2010, 1, 1), 1)
    assert nip.kind == "pns"
    pppk = parse_nip("199009132025242014")  # NI PPPK: 2025, agreement code 24, sex 2, 014
    assert (pppk.kind, pppk.birth, pppk.tmt, pppk.sex) == ("pppk", date(1990, 9, 13),
                                                          date(2025, 1, 1), 2)
    for bad in ("1985071520100110", "198513152010011002", "198507152010001002",
                "198507152010013002", "202007151990011002"):
        with pytest.raises(LeaveRefused) as refused:
            parse_nip(bad)
        assert refused.value.code == "not-nip"


def test_days_over_ascension_and_its_cuti_bersama() -> None:
    """Mon 11 - Fri 22 May 2026: 11, 12, 13 work (3); Thu 14 Kenaikan Yesus Kristus (holiday),
    Fri 15 cuti bersama, 16-17 weekend; 18-22 work (5): 3 + 5 = 8 working days of 12."""
    assert working_days(date(2026, 5, 11), date(2026, 5, 22), OFFICE) == 8


def test_days_over_nyepi_and_lebaran() -> None:
    """Mon 16 - Fri 27 March 2026: 16, 17 work (2); 18 cuti bersama Nyepi, 19 Nyepi, 20 cuti
    bersama Idul Fitri, 21-22 weekend (and Idul Fitri), 23 and 24 cuti bersama; 25, 26, 27
    work (3): 2 + 3 = 5 working days."""
    assert working_days(date(2026, 3, 16), date(2026, 3, 27), OFFICE) == 5


def test_carry_over_of_four_unused_days() -> None:
    """2025: 12 entitled, 8 taken -> 4 unused <= 6 -> 2026: 12 + 4 = 16 available."""
    carried = carried_into(YearLedger(2025, taken=8), YearLedger(2024, taken=3))
    assert carried == 4
    assert YearLedger(2026, carried=carried).available == 16


def test_carry_over_is_capped_at_six_days_total_eighteen() -> None:
    """2025: 12 entitled, 2 taken -> 10 unused, cap 18 - 12 = 6 -> 2026: 18."""
    carried = carried_into(YearLedger(2025, taken=2), YearLedger(2024, taken=5))
    assert carried == 6 and YearLedger(2026, carried=carried).available == 18


def test_two_unused_years_carry_twelve_total_twenty_four() -> None:
    """2024 and 2025 not used at all: 2025 had 12 + 6 carried = 18 unused, cap 24 - 12 = 12
    -> 2026: 12 + 12 = 24 (PP 11/2017 Pasal 313 ayat (2))."""
    carried = carried_into(YearLedger(2025, carried=6), YearLedger(2024))
    assert carried == 12 and YearLedger(2026, carried=carried).available == 24
    # Unknown 2024 (not in the ledger): one unused year only -> cap 6.
    assert carried_into(YearLedger(2025, carried=6), None) == 6
    assert carried_into(None, None) == 0


def test_annual_request_within_the_balance() -> None:
    """16 available (4 carried) - 8 days of 11-22 May = 8 left."""
    ledger = YearLedger(2026, carried=4)
    got = quote(ask("tahunan", date(2026, 5, 11), date(2026, 5, 22)), OFFICE, ledger)
    assert (got.days, got.year) == (8, 2026)
    assert ledger.available - got.days == 8


def test_annual_request_over_the_balance_is_refused_with_the_figures() -> None:
    """16 available, 10 taken (Jan-Apr) -> 6 left; 11-22 May asks 8 > 6: refused."""
    ledger = YearLedger(2026, carried=4, taken=10)
    with pytest.raises(LeaveRefused) as refused:
        quote(ask("tahunan", date(2026, 5, 11), date(2026, 5, 22)), OFFICE, ledger)
    assert refused.value.code == "cuti-melebihi-saldo"
    assert refused.value.params["sisa"] == 6 and refused.value.params["diminta"] == 8
    assert "Pasal 311" in refused.value.params["aturan"]


def test_pending_days_count_against_the_balance() -> None:
    """12 entitled, 5 pending in another request -> 7 left; 8 asked: refused."""
    with pytest.raises(LeaveRefused):
        quote(ask("tahunan", date(2026, 5, 11), date(2026, 5, 22)), OFFICE,
              YearLedger(2026, pending=5))


def test_first_year_has_no_annual_leave() -> None:
    """TMT CPNS 1 Sept 2025, leave on 4 May 2026: 0 full years < 1 (Pasal 311 ayat (1))."""
    with pytest.raises(LeaveRefused) as refused:
        quote(LeaveAsk("tahunan", date(2026, 5, 4), date(2026, 5, 4), date(2025, 9, 1)),
              OFFICE)
    assert refused.value.code == "cuti-masa-kerja-kurang"
    assert full_years(date(2025, 5, 4), date(2026, 5, 4)) == 1


def test_only_holidays_count_no_day() -> None:
    """Sat 21 - Tue 24 March 2026: weekend, then two cuti bersama: 0 working days."""
    with pytest.raises(LeaveRefused) as refused:
        quote(ask("tahunan", date(2026, 3, 21), date(2026, 3, 24)), OFFICE)
    assert refused.value.code == "cuti-tanpa-hari-kerja"


def test_month_limits() -> None:
    """Cuti melahirkan 3 months: 1 June - 31 Aug 2026 fits (1 Sept = 1 June + 3 months is
    the first day too many); cuti alasan penting 1 month: 1-30 June fits, 1 July does not."""
    assert add_months(date(2026, 6, 1), 3) == date(2026, 9, 1)
    quote(ask("bersalin", date(2026, 6, 1), date(2026, 8, 31)), OFFICE)
    with pytest.raises(LeaveRefused) as refused:
        quote(ask("bersalin", date(2026, 6, 1), date(2026, 9, 1)), OFFICE)
    assert refused.value.code == "cuti-melebihi-batas" and refused.value.params["batas"] == 3
    quote(ask("alasan_penting", date(2026, 6, 1), date(2026, 6, 30)), OFFICE)
    with pytest.raises(LeaveRefused):
        quote(ask("alasan_penting", date(2026, 6, 1), date(2026, 7, 1)), OFFICE)
    with pytest.raises(LeaveRefused) as fourth:
        quote(ask("bersalin", date(2026, 6, 1), date(2026, 6, 30), childbirths_before=3),
              OFFICE)
    assert fourth.value.code == "cuti-melahirkan-batas"


def test_cuti_besar_needs_five_years_and_pppk_has_none() -> None:
    """TMT 2022-01: on 4 May 2026 4 full years < 5 -> refused; PPPK: no cuti besar at all;
    PPPK cuti sakit: 1 month (PP 49/2018 Pasal 83 ayat (4)): 4 May - 3 June fits and counts
    23 weekdays (5 + 5 + 5 + 5 + 3) less Kenaikan 14, cuti bersama 15, Idul Adha 27, cuti
    bersama 28 May and Pancasila 1 June = 18 working days."""
    with pytest.raises(LeaveRefused) as short:
        quote(LeaveAsk("besar", date(2026, 5, 4), date(2026, 6, 4), date(2022, 1, 1)), OFFICE)
    assert short.value.params == {"minimal": 5, "masa_kerja": 4,
                                  "aturan": rules.PNS_RULES["besar"].source}
    with pytest.raises(LeaveRefused) as pppk:
        quote(ask("besar", date(2026, 5, 4), date(2026, 6, 4), employee_kind="pppk"), OFFICE)
    assert pppk.value.code == "cuti-jenis-tidak-berhak"
    with pytest.raises(LeaveRefused):
        quote(ask("sakit", date(2026, 5, 4), date(2026, 6, 4), employee_kind="pppk"), OFFICE)
    assert quote(ask("sakit", date(2026, 5, 4), date(2026, 6, 3), employee_kind="pppk"),
                 OFFICE).days == 18  # 4 May-3 June: 23 weekdays - 14, 15, 27, 28 May, 1 June


def test_annual_request_across_the_new_year_is_refused() -> None:
    with pytest.raises(LeaveRefused) as refused:
        quote(ask("tahunan", date(2026, 12, 28), date(2027, 1, 5)), OFFICE)
    assert refused.value.code == "cuti-lintas-tahun"


@pytest.mark.parametrize(("kind", "position", "abroad", "signer", "assumed"), [
    ("tahunan", "struktural_eselon_ii", False, "bupati", False),
    ("sakit", "struktural_eselon_iii", False, "sekda", False),
    ("alasan_penting", "struktural_eselon_iv_ke_bawah", False, "kepala_bkd", False),
    ("bersalin", "fungsional", False, "kepala_bkd", False),
    ("tahunan", "pelaksana", False, "kepala_bkd", True),
    ("tahunan", "fungsional", True, "sekda", False),
    ("tahunan", "struktural_eselon_ii", True, "bupati", False),
    ("besar", "pelaksana", False, "sekda", True),
])
def test_signatory_follows_the_position(kind: str, position: str, abroad: bool, signer: str,
                                        assumed: bool) -> None:
    """Perbup 19/2026, Pelayanan Cuti Pegawai langkah 7: the three lists of signers."""
    rule = signer_for(kind, position, abroad)
    assert (rule.signer, rule.assumed) == (signer, assumed)
    assert rule.action == {"bupati": "ke_bupati", "sekda": "ke_sekda",
                           "kepala_bkd": "ke_kepala_bkd"}[signer]


def test_cltn_limits() -> None:
    """5 years of service (TMT 2010: 16 years on 1 June 2026); 36 months at most, an
    extension 12; TMT 2023: 3 years < 5 refused."""
    cltn_check("pemberian", 36, SINCE_2010, date(2026, 6, 1))
    cltn_check("pengaktifan_kembali", None, date(2025, 1, 1), date(2026, 6, 1))
    for kind, months, since in (("pemberian", 37, SINCE_2010), ("perpanjangan", 13, SINCE_2010),
                                ("pemberian", 12, date(2023, 1, 1))):
        with pytest.raises(LeaveRefused):
            cltn_check(kind, months, since, date(2026, 6, 1))


def test_no_annual_leave_in_a_year_with_cuti_besar() -> None:
    """Peraturan BKN 24/2017: a cuti besar in 2026 leaves no annual leave in 2026; in 2027
    the annual right is back (Mon 11 - Tue 12 January 2027: 2 working days)."""
    with pytest.raises(LeaveRefused) as refused:
        quote(ask("tahunan", date(2026, 11, 2), date(2026, 11, 3), big_leave_that_year=True),
              OFFICE)
    assert refused.value.code == "cuti-tahunan-setelah-cuti-besar"
    assert quote(ask("tahunan", date(2027, 1, 11), date(2027, 1, 12)), OFFICE).days == 2


def test_dates_outside_the_ledger_years_are_refused() -> None:
    for start, end in ((date(1999, 12, 31), date(2000, 1, 3)), (date(2100, 12, 30),
                                                              date(2101, 1, 2))):
        with pytest.raises(LeaveRefused) as refused:
            quote(ask("sakit", start, end), OFFICE)
        assert refused.value.code == "cuti-tahun-di-luar-jangkauan"
