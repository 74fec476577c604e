"""The data of case events: reasons leave the service with long numbers masked."""

from __future__ import annotations

from shared.cases.event_data import scrub


def test_scrub_masks_long_numbers_and_keeps_the_words() -> None:
    assert scrub("NIK 1801014505240001, HP 0812-3456-7890 atau +62 812 3456 7890.") == (
        "NIK [disamarkan], HP [disamarkan] atau [disamarkan].")
    assert scrub("Berkas ke-3 dari 12 lembar, RT 004/RW 002") == (
        "Berkas ke-3 dari 12 lembar, RT 004/RW 002")
    assert scrub("") == ""
