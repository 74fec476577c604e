"""The permit registry's pure rules, with worked examples computed by hand."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from services.perizinan.domain import (
    check_limit,
    hash_key,
    nik_hash,
    over_limit,
    permit_valid_until,
    place_key,
    reminders_due,
    status_at,
)
from services.perizinan.rules import HEALTH_PREFIX, RULES, profession_of, rule_for
from services.perizinan.settings import RegistrySettings

SOPS = Path(__file__).resolve().parents[3] / "services" / "perizinan" / "sops"
ISSUED = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)  # 3 Desember 2026, 09.00 WIB


def test_a_bidan_may_hold_two_places_and_a_renewal_does_not_count() -> None:
    """Permenkes 28/2017 Pasal 6(1): at most 2 SIPB.
    Held {Puskesmas Natar}; applying for Klinik Sehat: 1 other place < 2, allowed.
    Held {Puskesmas Natar, Klinik Sehat}; a third place: 2 others, 2 >= 2, refused.
    The same two held, applying again for " puskesmas  NATAR " (a renewal): the other places
    are {klinik sehat}, 1 < 2, allowed."""
    bidan = rule_for("bidan")
    assert bidan.max_places == 2 and "Pasal 6 ayat (1)" in bidan.source
    one = {place_key("Puskesmas Natar")}
    assert check_limit(bidan, one, "Klinik Sehat").allowed
    two = one | {place_key("Klinik Sehat")}
    refused = check_limit(bidan, two, "RS Bob Bazar")
    assert (refused.allowed, refused.held, refused.limit) == (False, 2, 2)
    assert check_limit(bidan, two, " puskesmas  NATAR ").allowed


def test_a_doctor_may_hold_three_places() -> None:
    """3 places for dokter/dokter gigi: {A, B} + C = 3 allowed; {A, B, C} + D refused."""
    dokter = rule_for("dokter-dokter-gigi")
    assert dokter.max_places == 3
    assert check_limit(dokter, {"a", "b"}, "C").allowed
    assert not check_limit(dokter, {"a", "b", "c"}, "D").allowed


def test_a_profession_without_a_figure_has_no_limit_but_says_why() -> None:
    rule = rule_for("fisioterapis")
    assert rule.max_places is None and "682 ayat (2)" in rule.source
    assert check_limit(rule, {str(i) for i in range(10)}, "x").allowed


def test_every_rule_names_its_source_and_unverified_ones_say_so() -> None:
    for rule in RULES.values():
        assert rule.source and rule.validity_source
        if not rule.verified:
            assert "Belum diperiksa" in rule.note


def test_every_health_sop_has_a_profession_and_the_others_none() -> None:
    keys = [p.stem for p in SOPS.glob("*.yaml")]
    health = [k for k in keys if k.startswith(HEALTH_PREFIX)]
    assert len(keys) == 37 and len(health) == 27
    assert {profession_of(k) for k in health} >= {"bidan", "perawat", "apoteker",
                                                 "dokter-dokter-gigi", "internship"}
    assert profession_of("kesbangpol-rekomendasi-penelitian") is None


def test_a_sip_runs_five_years_from_its_issue() -> None:
    """UU 17/2023 Pasal 264(3): 5 years. 2026-12-03 02:00Z + 5 y = 2031-12-03 02:00Z.
    Issued 29 Feb 2028: 29 Feb 2033 does not exist, so 28 Feb 2033 (same hour)."""
    rule = rule_for("perawat")
    assert permit_valid_until(ISSUED, rule, None) == datetime(2031, 12, 3, 2, 0, tzinfo=UTC)
    leap = datetime(2028, 2, 29, 3, 0, tzinfo=UTC)
    assert permit_valid_until(leap, rule, None) == datetime(2033, 2, 28, 3, 0, tzinfo=UTC)


def test_an_internship_permit_ends_with_the_internship() -> None:
    """Last day 30 Jun 2027: valid until 1 Jul 2027 00:00 WIB = 30 Jun 2027 17:00Z."""
    rule = rule_for("internship")
    end = permit_valid_until(ISSUED, rule, None, "2027-06-30")
    assert end == datetime(2027, 6, 30, 17, 0, tzinfo=UTC)
    # no date in the form: no rule-given end, the output's own validity (none) stands
    assert permit_valid_until(ISSUED, rule, None, None) is None


def test_a_hosted_permit_keeps_its_outputs_validity() -> None:
    until = datetime(2027, 12, 3, 2, 0, tzinfo=UTC)
    assert permit_valid_until(ISSUED, None, until) == until
    assert permit_valid_until(ISSUED, None, None) is None


def test_reminders_take_the_nearest_threshold_reached_once() -> None:
    """Valid until 2031-12-03 02:00Z; thresholds 90/30/7 days.
    On 2031-10-01 02:00Z, 63 days are left: only 90 is reached, so [90].
    On 2031-11-20 02:00Z, 13 days are left: 90 and 30 are reached; the nearest, 30.
    Once 30 is sent, nothing until 7 days are left (2031-11-26 02:00Z: exactly 7 -> [7]).
    At or after the end: nothing (the permit expires instead)."""
    until = datetime(2031, 12, 3, 2, 0, tzinfo=UTC)
    days = (90, 30, 7)
    assert reminders_due(until, datetime(2031, 10, 1, 2, 0, tzinfo=UTC), days, set()) == [90]
    assert reminders_due(until, datetime(2031, 10, 1, 2, 0, tzinfo=UTC), days, {90}) == []
    assert reminders_due(until, datetime(2031, 11, 20, 2, 0, tzinfo=UTC), days, {90}) == [30]
    assert reminders_due(until, datetime(2031, 11, 25, 2, 0, tzinfo=UTC), days, {90, 30}) == []
    assert reminders_due(until, datetime(2031, 11, 26, 2, 0, tzinfo=UTC), days, {30}) == [7]
    assert reminders_due(until, until, days, set()) == []
    assert reminders_due(None, until, days, set()) == []
    assert reminders_due(until, datetime(2031, 1, 1, tzinfo=UTC), days, set()) == []


def test_status_at_a_time() -> None:
    until = datetime(2031, 12, 3, 2, 0, tzinfo=UTC)
    assert status_at("active", until, datetime(2031, 12, 3, 1, 59, tzinfo=UTC)) == "active"
    assert status_at("active", until, until) == "expired"
    assert status_at("revoked", until, datetime(2040, 1, 1, tzinfo=UTC)) == "revoked"
    assert status_at("active", None, datetime(2040, 1, 1, tzinfo=UTC)) == "active"


def test_the_nik_hash_is_keyed_and_stable() -> None:
    key, other = hash_key(b"k" * 32), hash_key(b"j" * 32)
    nik = "1801015003900001"
    assert nik_hash(key, nik) == nik_hash(key, f" {nik} ")
    assert nik_hash(key, nik) != nik_hash(other, nik)
    assert nik not in nik_hash(key, nik) and len(nik_hash(key, nik)) == 64


def test_reminder_days_are_a_setting(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    assert RegistrySettings.from_env().reminder_days == (90, 30, 7)
    monkeypatch.setenv("HALO_PERIZINAN_REMINDER_DAYS", "14, 60")
    assert RegistrySettings.from_env().reminder_days == (60, 14)
    monkeypatch.setenv("HALO_PERIZINAN_REMINDER_DAYS", "0")
    try:
        RegistrySettings.from_env()
    except ValueError as exc:
        assert "1-366" in str(exc)
    else:
        raise AssertionError("0 days accepted")


def test_sip_ke_beyond_the_limit() -> None:
    """A bidan (2 places) may file SIP ke-1 or ke-2, not ke-3; a doctor (3) ke-3."""
    assert not over_limit(rule_for("bidan"), "2")
    assert over_limit(rule_for("bidan"), "3")
    assert not over_limit(rule_for("dokter-dokter-gigi"), "3")
    assert not over_limit(rule_for("fisioterapis"), "3")  # no limit
    assert not over_limit(rule_for("bidan"), None)
