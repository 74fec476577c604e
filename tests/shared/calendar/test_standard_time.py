"""Parsing of the standard times printed in Perbup Lampung Selatan 19/2026 (every real string)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from shared.calendar.standard_time import StandardTime, StandardTimeError, parse_standard_time
from tests.support.seed import SEED

# Every distinct time_raw of the seed that is a duration: text -> (unit, amount, amount_min).
ACCEPTED: dict[str, tuple[str, int, int | None]] = {
    "1 - 3 bulan": ("month", 3, 1),
    "Dalam Hari Kerja yang sama": ("same_working_day", 1, None),  # by that office day's close
    "1 Hari": ("day", 1, None),
    "1 Hari Dokumen": ("day", 1, None),
    "1 Hari Kerja": ("working_day", 1, None),
    "1 Jam": ("hour", 1, None),
    "1 Menit": ("minute", 1, None),
    "1 bulan": ("month", 1, None),
    "1 bulan - 12 bulan": ("month", 12, 1),
    "1 hari": ("day", 1, None),
    "1 hari kerja": ("working_day", 1, None),
    "1 jam": ("hour", 1, None),
    "1 menit": ("minute", 1, None),
    "1 x 24 jam": ("elapsed_hour", 24, None),
    "10 Manit": ("minute", 10, None),
    "10 Menit": ("minute", 10, None),
    "10 menit": ("minute", 10, None),
    "120 Menit": ("minute", 120, None),
    "14 s d 30 Hari": ("day", 30, 14),
    "15 Menit": ("minute", 15, None),
    "15 menit": ("minute", 15, None),
    "15 mnt": ("minute", 15, None),
    "2 Hari": ("day", 2, None),
    "2 Jam": ("hour", 2, None),
    "2 Menit": ("minute", 2, None),
    "2 bulan": ("month", 2, None),
    "2 hari kerja": ("working_day", 2, None),
    "2 jam": ("hour", 2, None),
    "2 menit": ("minute", 2, None),
    "2 minggu": ("week", 2, None),
    "20 Menit": ("minute", 20, None),
    "20 menit": ("minute", 20, None),
    "25 Menit": ("minute", 25, None),
    "3 Hari": ("day", 3, None),
    "3 Jam": ("hour", 3, None),
    "3 Menit": ("minute", 3, None),
    "3 hari": ("day", 3, None),
    "3 hari kerja": ("working_day", 3, None),
    "30 Manit": ("minute", 30, None),
    "30 Menit": ("minute", 30, None),
    "30 menit": ("minute", 30, None),
    "30 menit - 1 jam": ("minute", 60, 30),
    "40 menit": ("minute", 40, None),
    "5 Hari": ("day", 5, None),
    "5 Menit": ("minute", 5, None),
    "5 menit": ("minute", 5, None),
    "5-20 Menit": ("minute", 20, 5),
    "60 Menit": ("minute", 60, None),
    "60 menit": ("minute", 60, None),
    "7 Hari Pemeriksaan": ("day", 7, None),
    "8 Jam": ("hour", 8, None),
    "8 menit": ("minute", 8, None),
    "Maksimal 1 Hari": ("day", 1, None),
    "± 25 Menit": ("minute", 25, None),
    "± 4 Jam": ("hour", 4, None),
}

# Every distinct time_raw of the seed that is deliberately refused (not a fixed duration).
REJECTED = (
    "-",
    "1 jam - selesai",  # open-ended: "1 hour until done"
    "2 menit /d disesuaikan",  # open-ended: "2 minutes up to as needed"
    "30 menit / 60 menit",  # two mutu baku rows merged in one cell; ambiguous
    "Berkala",
    "Disesuaikan dengan lokasi",
    "Menyesuaikan",
    "Menyesuaikan Jadwal Tim Penilai Kinerja",
    "Menyesuaikan waktu SOP layanan PD",
    "Relatif tergantung Lokasi",
    "Selesai",
    "Sesuai dengan SPK",
    "Tentatif",
    "Tentative",
    "Tentative - Setelah mendapatkan Hasil Pertimbangan",
    "Tidak Ditetapkan",
)

# Forms named in the brief that the seed does not happen to contain.
OTHER_FORMS: dict[str, tuple[str, int, int | None]] = {
    "1x24 jam": ("elapsed_hour", 24, None),
    "2 x 24 Jam": ("elapsed_hour", 48, None),
    "3 X 24 JAM.": ("elapsed_hour", 72, None),
    "14 s/d 30 hari": ("day", 30, 14),
    "14 s.d 30 Hari": ("day", 30, 14),
    "14 s.d. 30 hari": ("day", 30, 14),
    "14 sd 30 hari": ("day", 30, 14),
    "14 sampai dengan 30 hari": ("day", 30, 14),
    "1-3 bulan": ("month", 3, 1),
    "3-7 hari kerja": ("working_day", 7, 3),
    "3 – 7 Hari Kerja": ("working_day", 7, 3),
    "1 jam 30 menit": ("minute", 90, None),
    "2 Jam dan 15 Menit": ("minute", 135, None),
    "5 HK": ("working_day", 5, None),
    "3  Hari   Kerja.": ("working_day", 3, None),
    "10menit": ("minute", 10, None),
    "2 pekan": ("week", 2, None),
    "6 hari - 2 minggu": ("day", 14, 6),
    "1 jam - 90 menit": ("minute", 90, 60),
    "kurang lebih 2 jam": ("hour", 2, None),
}


@pytest.mark.parametrize("raw", sorted(ACCEPTED | OTHER_FORMS))
def test_accepted_forms(raw: str) -> None:
    unit, amount, amount_min = (ACCEPTED | OTHER_FORMS)[raw]
    parsed = parse_standard_time(raw)
    assert (parsed.unit, parsed.amount, parsed.amount_min) == (unit, amount, amount_min)
    assert parsed.raw == raw


@pytest.mark.parametrize("raw", REJECTED)
def test_seed_texts_that_are_not_durations_are_refused(raw: str) -> None:
    with pytest.raises(StandardTimeError) as caught:
        parse_standard_time(raw)
    assert repr(raw) in str(caught.value)
    assert "tidak dapat dibaca" in str(caught.value)


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "segera",
        "2 hari 2 jam",
        "0 menit",
        "0 x 24 jam",
        "30 menit - 10 menit",
        "5 - 5 hari",
        "3 hari - 2 jam",
        "1 bulan - 2 hari kerja",
        "1,5 jam",
        "3 x 8 jam",
        "1 hari sekali",
        "jam 10",
        "10",
    ],
)
def test_unreadable_texts_are_refused(raw: str) -> None:
    with pytest.raises(StandardTimeError):
        parse_standard_time(raw)


def test_error_is_a_value_error_and_non_text_is_refused() -> None:
    assert issubclass(StandardTimeError, ValueError)
    with pytest.raises(StandardTimeError):
        parse_standard_time(15)  # type: ignore[arg-type]


def test_every_seed_string_is_either_read_or_deliberately_refused() -> None:
    sops = json.loads(SEED.read_text(encoding="utf-8"))
    found = {step["time_raw"] for sop in sops for step in sop["steps"] if step["time_raw"]}
    assert found == set(ACCEPTED) | set(REJECTED)


@pytest.mark.parametrize(
    ("raw", "label"),
    [
        ("10 Menit", "10 menit"),
        ("1 Hari Kerja", "1 hari kerja"),
        ("14 s d 30 Hari", "14–30 hari"),
        ("2 x 24 Jam", "2 x 24 jam"),
        ("± 4 Jam", "4 jam"),
        ("2 minggu", "2 minggu"),
        ("1 - 3 bulan", "1–3 bulan"),
        ("30 menit - 1 jam", "30–60 menit"),
    ],
)
def test_label(raw: str, label: str) -> None:
    assert parse_standard_time(raw).label == label
    assert str(parse_standard_time(raw)) == label


def test_model_is_frozen_and_validated() -> None:
    std = StandardTime(raw="36 jam", unit="elapsed_hour", amount=36)
    assert std.label == "36 jam"
    with pytest.raises(ValidationError):
        std.amount = 5  # type: ignore[misc]
    with pytest.raises(ValidationError):
        StandardTime(raw="0 menit", unit="minute", amount=0)
    with pytest.raises(ValidationError):
        StandardTime(raw="x", unit="day", amount=5, amount_min=5)
    with pytest.raises(ValidationError):
        StandardTime(raw="x", unit="fortnight", amount=5)  # type: ignore[arg-type]
    assert StandardTime.model_validate(std.model_dump()) == std


_WORDS = {
    "minute": ["menit", "Menit", "MENIT", "mnt"],
    "hour": ["jam", "Jam"],
    "working_day": ["hari kerja", "Hari Kerja", "HK"],
    "day": ["hari", "Hari"],
    "week": ["minggu", "Minggu"],
    "month": ["bulan", "Bulan"],
}


@given(
    amount=st.integers(min_value=1, max_value=100_000),
    unit=st.sampled_from(sorted(_WORDS)),
    data=st.data(),
    spaces=st.sampled_from(["", " ", "  "]),
    prefix=st.sampled_from(["", "± ", "±", "Maksimal "]),
    suffix=st.sampled_from(["", ".", " ."]),
)
def test_any_single_amount_round_trips(
    amount: int, unit: str, data: st.DataObject, spaces: str, prefix: str, suffix: str
) -> None:
    word = data.draw(st.sampled_from(_WORDS[unit]))
    parsed = parse_standard_time(f"  {prefix}{amount}{spaces}{word}{suffix} ")
    assert (parsed.unit, parsed.amount, parsed.amount_min) == (unit, amount, None)


@given(
    low=st.integers(min_value=1, max_value=500),
    gap=st.integers(min_value=1, max_value=500),
    sep=st.sampled_from(["s/d", "s.d", "s d", "sd", "-", "–", "sampai", "hingga"]),
)
def test_any_range_keeps_both_bounds(low: int, gap: int, sep: str) -> None:
    parsed = parse_standard_time(f"{low} {sep} {low + gap} hari kerja")
    assert (parsed.unit, parsed.amount, parsed.amount_min) == ("working_day", low + gap, low)
