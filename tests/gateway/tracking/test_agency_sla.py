"""The agency SLA report on a hand-computed set of cases: on time and late, rejected, open,
escalated, the median working days on the office calendar, the period's WIB boundaries; the
CSV download parsed back; who may read it; refused parameters."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from gateway.tracking.agency import calendar_of
from gateway.tracking.sla import CSV_COLUMNS, working_days
from shared.calendar.business import OfficeCalendar
from tests.gateway.routing.harness import Stack
from tests.gateway.tracking.agency_support import AKTA, KIA, TITLES, Feed, agency_stack, wib

NOW = wib("2026-12-03 10:00")
URL = "/api/v1/agencies/disdukcapil/reports/sla"
NOVEMBER = {"from": "2026-11-01", "to": "2026-11-30"}
KABID = ("kabid-1", "disdukcapil:kabid")

AKTA_ROW = {"sop_key": AKTA, "title": TITLES[AKTA], "service": "dukcapil", "submitted": 2,
            "completed": 1, "rejected": 0, "open": 0, "completed_on_time": 1,
            "completed_late": 0, "on_time_rate": 1.0, "overdue_open": 0, "escalated": 0,
            "median_working_days": 4.0}
KIA_ROW = {"sop_key": KIA, "title": TITLES[KIA], "service": "dukcapil", "submitted": 7,
           "completed": 3, "rejected": 1, "open": 3, "completed_on_time": 2,
           "completed_late": 1, "on_time_rate": 0.6667, "overdue_open": 1, "escalated": 1,
           "median_working_days": 2.0}
TOTALS = {"sop_key": None, "title": None, "service": None, "submitted": 9, "completed": 4,
          "rejected": 1, "open": 3, "completed_on_time": 3, "completed_late": 1,
          "on_time_rate": 0.75, "overdue_open": 1, "escalated": 1, "median_working_days": 2.5}


async def seeded(stack: Stack) -> None:
    """November 2026 (no holidays in it) at disdukcapil. KIA: ``on_time`` Mon 2 → Wed 4
    (2 working days); ``late`` Fri 6 → Mon 9 (1), its second step overdue then escalated;
    ``boundary`` Tue 10 at 23:30 WIB (16:30 UTC) → Fri 13 (3); ``rejected``; ``late_open``
    (its step due 23 Nov); ``returned``; ``last_minute`` submitted 30 Nov 23:30 WIB. AKTA:
    Mon 16 → Fri 20 (4), and a withdrawn one. Outside: 1 Dec 00:30 WIB (still 30 Nov in
    UTC), 31 Oct 23:00 WIB, and another agency's case."""
    feed = Feed(stack)
    far = wib("2026-12-31 09:00")
    await feed.apply(
        feed.case().submitted(wib("2026-11-02 09:00"), wib("2026-11-03 09:00"))
        .closed(wib("2026-11-04 10:00")),
        feed.case().submitted(wib("2026-11-06 08:00"), wib("2026-11-06 10:00"))
        .moved(wib("2026-11-06 09:00"), wib("2026-11-06 15:00"), "kabid", "paraf")
        .overdue(wib("2026-11-06 15:00"), "kepala_dinas")
        .escalated(wib("2026-11-09 08:00"))
        .closed(wib("2026-11-09 09:00")),
        feed.case().submitted(wib("2026-11-10 23:30"), wib("2026-11-11 16:00"))
        .closed(wib("2026-11-13 11:00")),
        feed.case().submitted(wib("2026-11-11 09:00"), far)
        .closed(wib("2026-11-12 09:00"), "rejected"),
        feed.case().submitted(wib("2026-11-20 09:00"), wib("2026-11-23 09:00"))
        .overdue(wib("2026-11-23 09:00")),
        feed.case().submitted(wib("2026-11-24 09:00"), far)
        .returned(wib("2026-11-24 10:00"), wib("2026-12-08 10:00")),
        feed.case().submitted(wib("2026-11-30 23:30"), far),
        feed.case().submitted(wib("2026-12-01 00:30"), far),
        feed.case().submitted(wib("2026-10-31 23:00"), far).closed(wib("2026-11-02 09:00")),
        feed.case(sop=AKTA).submitted(wib("2026-11-16 09:00"), far)
        .closed(wib("2026-11-20 14:00")),
        feed.case(sop=AKTA).submitted(wib("2026-11-17 09:00"), far)
        .closed(wib("2026-11-17 10:00"), "withdrawn"),
        feed.case(agency="dinkes", sop="kesehatan-sip", service="umum")
        .submitted(wib("2026-11-05 09:00"), far).closed(wib("2026-11-05 10:00")))


async def get(stack: Stack, who: tuple[str, str] | None = KABID, **params: Any) -> Any:
    headers = stack.headers(*who) if who else {}
    return await stack.client.get(URL, headers=headers, params=params)


async def test_the_figures_per_sop_and_in_total(tmp_path: Path) -> None:
    async with agency_stack(tmp_path, NOW) as stack:
        await seeded(stack)
        response = await get(stack, **NOVEMBER)
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["agency"], body["from"], body["to"]) == (
            "disdukcapil", "2026-11-01", "2026-11-30")
        assert body["generated_at"] == "2026-12-03T03:00:00Z"
        assert body["sops"] == [AKTA_ROW, KIA_ROW]
        assert body["totals"] == TOTALS


async def test_the_default_period_is_the_month_so_far_in_wib(tmp_path: Path) -> None:
    async with agency_stack(tmp_path, NOW) as stack:
        await seeded(stack)
        body = (await get(stack)).json()
        assert (body["from"], body["to"]) == ("2026-12-01", "2026-12-03")
        assert body["totals"]["submitted"] == 1 and body["totals"]["open"] == 1
        assert body["totals"]["on_time_rate"] is None
        assert body["totals"]["median_working_days"] is None
        empty = (await get(stack, **{"from": "2026-01-01", "to": "2026-01-31"})).json()
        assert empty["sops"] == [] and empty["totals"]["submitted"] == 0


async def test_csv_download_parses_back_to_the_same_figures(tmp_path: Path) -> None:
    async with agency_stack(tmp_path, NOW) as stack:
        await seeded(stack)
        response = await get(stack, format="csv", **NOVEMBER)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "text/csv; charset=utf-8"
        assert response.headers["content-disposition"] == (
            'attachment; filename="sla-disdukcapil-2026-11-01-2026-11-30.csv"')
        assert '"Penerbitan Akta Kelahiran, Kutipan Pertama"' in response.text
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"), newline="")))
        assert rows[0] == list(CSV_COLUMNS)
        parsed = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
        assert [r["sop_key"] for r in parsed] == [AKTA, KIA, ""]
        assert parsed[0]["title"] == TITLES[AKTA]
        for got, want in zip(parsed, (AKTA_ROW, KIA_ROW, {**TOTALS, "title": "TOTAL"}),
                             strict=True):
            assert got == {k: "" if v is None else str(v) for k, v in want.items()}


@pytest.mark.parametrize(("who", "status"), [
    (KABID, 200), (("kadis", "disdukcapil:kepala_dinas"), 200),
    (("adm", "disdukcapil:admin"), 200), (("root", "admin"), 200),
    (("op-1", "disdukcapil:operator"), 403), (("kabid-2", "dinkes:kabid"), 403),
    (("warga", "citizen"), 403), (None, 401)])
async def test_who_may_read_the_report(tmp_path: Path, who: tuple[str, str] | None,
                                       status: int) -> None:
    async with agency_stack(tmp_path, NOW) as stack:
        response = await get(stack, who, **NOVEMBER)
        assert response.status_code == status, response.text
        csv_too = await get(stack, who, format="csv", **NOVEMBER)
        assert csv_too.status_code == status


@pytest.mark.parametrize(("params", "field", "message"), [
    ({"from": "2026-13-01"}, "query.from", "Harus berupa tanggal (TTTT-BB-HH)."),
    ({"to": "30-11-2026"}, "query.to", "Harus berupa tanggal (TTTT-BB-HH)."),
    ({"from": "2026-11-30", "to": "2026-11-01"}, "query.from",
     "Tanggal awal (2026-11-30) tidak boleh sesudah tanggal akhir (2026-11-01)."),
    ({"from": "2025-01-01", "to": "2026-01-02"}, "query.to",
     "Periode paling panjang 366 hari (diminta 367 hari)."),
    ({"from": "1999-12-31"}, "query.from", "Tanggal harus di antara 2000-01-01 dan 2099-12-31."),
    ({"to": "9999-12-31"}, "query.to", "Tanggal harus di antara 2000-01-01 dan 2099-12-31."),
    ({"format": "xlsx"}, "query.format", "Pilih salah satu pilihan yang tersedia.")])
async def test_refused_parameters_name_the_parameter_in_indonesian(
        tmp_path: Path, params: dict[str, str], field: str, message: str) -> None:
    async with agency_stack(tmp_path, NOW) as stack:
        response = await get(stack, **params)
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/problem+json"
        problem = response.json()
        assert problem["code"] == "validation-error"
        assert [(e["field"], e["message"]) for e in problem["errors"]] == [(field, message)]


async def test_a_year_and_a_day_is_the_longest_period(tmp_path: Path) -> None:
    async with agency_stack(tmp_path, NOW) as stack:
        response = await get(stack, **{"from": "2025-12-01", "to": "2026-12-01"})
        assert response.status_code == 200, response.text
        unknown = await stack.client.get("/api/v1/agencies/nowhere/reports/sla",
                                         headers=stack.headers("root", "admin"))
        assert unknown.status_code == 404 and unknown.json()["code"] == "agency-not-found"


def test_working_days_skip_weekends_holidays_and_cuti_bersama() -> None:
    office = calendar_of("disdukcapil")
    assert working_days(office, wib("2026-11-06 14:00"), wib("2026-11-09 09:00")) == 1
    assert working_days(office, wib("2026-11-10 08:00"), wib("2026-11-10 15:00")) == 0
    # 24 Dec cuti bersama, 25 Dec Christmas, then the weekend: Wed 23 → Mon 28 is one day.
    assert working_days(office, wib("2026-12-23 10:00"), wib("2026-12-28 09:00")) == 1
    regional = OfficeCalendar(extra_holidays=(date(2026, 12, 28),))
    assert working_days(regional, wib("2026-12-23 10:00"), wib("2026-12-29 09:00")) == 1
    # Submitted at 23:30 WIB (16:30 UTC): the WIB day is the day of submission.
    assert working_days(office, wib("2026-11-10 23:30"), wib("2026-11-11 07:30")) == 1


@pytest.mark.integration
async def test_report_on_postgresql(tmp_path: Path, fresh_pg_url: str) -> None:
    async with agency_stack(tmp_path, NOW, database_url=fresh_pg_url) as stack:
        await seeded(stack)
        body = (await get(stack, **NOVEMBER)).json()
        assert body["sops"] == [AKTA_ROW, KIA_ROW]
        assert body["totals"] == TOTALS
        text = (await get(stack, format="csv", **NOVEMBER)).text
        assert list(csv.reader(io.StringIO(text)))[-1][:4] == ["", "TOTAL", "", "9"]
