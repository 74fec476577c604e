"""The bank reconciliation's day is bounded: a day at either end of the calendar
(``0001-01-01``, ``9999-12-31``, which schemathesis sends) has no WIB day to convert to UTC; it
is a 422 naming ``tanggal`` in Bahasa Indonesia, not a 500."""

from __future__ import annotations

import pytest

from tests.services.pajak.conftest import PETUGAS, Pajak
from tests.support.problems import assert_indonesian


@pytest.mark.parametrize(("day", "message"), [("9999-12-31", "Maksimal 2100-12-31."),
                                              ("0001-01-01", "Minimal 2000-01-01.")])
async def test_a_day_beyond_the_calendar_is_refused(pajak: Pajak, day: str,
                                                    message: str) -> None:
    refused = await pajak.client.get("/bank/rekonsiliasi", headers=PETUGAS,
                                     params={"tanggal": day})
    problem = assert_indonesian(refused, 422, "validation-error", "Data tidak dapat diproses",
                                "Permintaan tidak valid; periksa kolom yang disebutkan.")
    assert [(e["field"], e["message"]) for e in problem["errors"]] == [("query.tanggal",
                                                                         message)]
    kept = await pajak.client.get("/bank/rekonsiliasi", headers=PETUGAS,
                                  params={"tanggal": "2100-12-31"})
    assert kept.status_code == 200, kept.text
