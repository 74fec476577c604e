"""The agency workload: what is due on the agency's day (Asia/Jakarta, not UTC), what is late
(most late first) and escalated, the filters, the counts over the whole agency, who may look,
and that the query runs on ``ix_tracked_cases_holder``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.dialects import postgresql, sqlite

from gateway.tracking import agency
from tests.gateway.routing.harness import Stack
from tests.gateway.tracking.agency_support import AKTA, Feed, agency_stack, wib
from tests.support.problems import assert_indonesian

NOW = wib("2026-12-01 10:00")  # 03:00 UTC: both due times below are 1 December in UTC
URL = "/api/v1/agencies/disdukcapil/workload"
ADMIN = ("adm-1", "disdukcapil:admin")


async def seeded(stack: Stack) -> dict[str, str]:
    """disdukcapil, at 10:00 WIB on 1 December: ``tonight`` due 23:30 WIB (today),
    ``after_midnight`` due 00:30 WIB on the 2nd (16:30 and 17:30 UTC on the 1st: one UTC day),
    ``kabid_noon`` due 12:00 (today, another role, another SOP), ``late_day`` a day late and
    escalated, ``late_hours`` two hours late; plus a returned, a completed and another
    agency's case, none of which count."""
    feed = Feed(stack)
    opened = wib("2026-11-30 08:00")
    cases = {
        "tonight": feed.case().submitted(opened, wib("2026-12-01 23:30")),
        "after_midnight": feed.case().submitted(opened, wib("2026-12-02 00:30")),
        "kabid_noon": feed.case(sop=AKTA).submitted(opened, wib("2026-12-01 12:00"),
                                                    role="kabid", step="paraf"),
        "late_day": feed.case().submitted(wib("2026-11-27 08:00"), wib("2026-11-30 10:00"))
        .overdue(wib("2026-11-30 10:00")),
        "late_hours": feed.case().submitted(opened, wib("2026-12-01 08:00")),
        "returned": feed.case().submitted(opened, wib("2026-12-01 11:00"))
        .returned(wib("2026-11-30 09:00"), wib("2026-12-07 09:00")),
        "done": feed.case().submitted(opened, wib("2026-12-01 13:00"))
        .closed(wib("2026-11-30 15:00")),
        "dinkes": feed.case(agency="dinkes", sop="kesehatan-sip", service="umum")
        .submitted(opened, wib("2026-12-01 14:00")),
    }
    await feed.apply(*cases.values())
    return {name: case.tracking_no for name, case in cases.items()}


async def get(stack: Stack, who: tuple[str, str] | None = ADMIN, url: str = URL,
              **params: Any) -> Any:
    headers = stack.headers(*who) if who else {}
    return await stack.client.get(url, headers=headers, params=params)


def numbers(body: dict[str, Any]) -> list[str]:
    return [item["tracking_no"] for item in body["items"]]


async def test_today_is_the_agency_day_in_wib_not_the_utc_day(tmp_path: Path) -> None:
    async with agency_stack(tmp_path, NOW) as stack:
        no = await seeded(stack)
        response = await get(stack)
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["agency"], body["today"]) == ("disdukcapil", "2026-12-01")
        assert numbers(body) == [no["kabid_noon"], no["tonight"]]
        assert body["total"] == 2 and (body["limit"], body["offset"]) == (20, 0)
        assert body["counts"] == {"open": 5, "due_today": 2, "overdue": 2, "escalated": 1}
        item = body["items"][1]
        assert item["current_step"]["due_at"] == "2026-12-01T16:30:00Z"
        assert "applicant" not in item and "reason" in item and item["reason"] is None

        # At 06:59 WIB the 2nd it is still the 1st in UTC, but the agency's day has turned.
        stack.clock.now = wib("2026-12-02 06:59")
        later = (await get(stack)).json()
        assert later["today"] == "2026-12-02"
        assert numbers(later) == []  # 00:30 is past: late now, not due today
        assert later["counts"]["overdue"] == 5 and later["counts"]["due_today"] == 0


async def test_overdue_most_late_first_and_open_overdue_first(tmp_path: Path) -> None:
    async with agency_stack(tmp_path, NOW) as stack:
        no = await seeded(stack)
        overdue = (await get(stack, view="overdue")).json()
        assert numbers(overdue) == [no["late_day"], no["late_hours"]]
        escalated = overdue["items"][0]["current_step"]
        assert escalated["escalated_to"] == ["disdukcapil:kabid"]
        assert overdue["items"][1]["current_step"]["escalated_to"] == []
        assert overdue["total"] == 2 and overdue["counts"]["overdue"] == 2
        every = (await get(stack, view="open")).json()
        assert numbers(every) == [no["late_day"], no["late_hours"], no["kabid_noon"],
                                  no["tonight"], no["after_midnight"]]
        page = (await get(stack, view="open", limit=2, offset=2)).json()
        assert numbers(page) == [no["kabid_noon"], no["tonight"]]
        assert page["total"] == 5 and page["counts"]["open"] == 5


async def test_filters_narrow_the_items_not_the_counts(tmp_path: Path) -> None:
    async with agency_stack(tmp_path, NOW) as stack:
        no = await seeded(stack)
        whole = {"open": 5, "due_today": 2, "overdue": 2, "escalated": 1}
        kabid = (await get(stack, view="open", role="kabid")).json()
        assert numbers(kabid) == [no["kabid_noon"]] and kabid["counts"] == whole
        akta = (await get(stack, view="open", sop=AKTA)).json()
        assert numbers(akta) == [no["kabid_noon"]]
        by_number = (await get(stack, view="open", q=no["tonight"].lower())).json()
        assert numbers(by_number) == [no["tonight"]] and by_number["total"] == 1
        fragment = (await get(stack, view="open", q="0002-b7")).json()
        assert numbers(fragment) == [no["after_midnight"]]
        by_title = (await get(stack, view="open", q="akta kelahiran")).json()
        assert numbers(by_title) == [no["kabid_noon"]]
        nothing = (await get(stack, view="open", q="100%_")).json()
        assert nothing["items"] == [] and nothing["total"] == 0 and nothing["counts"] == whole


@pytest.mark.parametrize(("who", "status"), [
    (("op-2", "dinkes:operator"), 403), (("warga-1", "citizen"), 403),
    (("op-1", "disdukcapil:operator"), 200), (ADMIN, 200), (("root", "admin"), 200),
    (None, 401)])
async def test_who_may_see_the_workload(tmp_path: Path, who: tuple[str, str] | None,
                                        status: int) -> None:
    async with agency_stack(tmp_path, NOW) as stack:
        await seeded(stack)
        response = await get(stack, who)
        assert response.status_code == status, response.text
        if status != 200:
            assert response.headers["content-type"].startswith("application/problem+json")
            assert "DK-" not in response.text


async def test_unknown_agency_and_bad_parameters(tmp_path: Path) -> None:
    async with agency_stack(tmp_path, NOW) as stack:
        unknown = await get(stack, ("root", "admin"), "/api/v1/agencies/nowhere/workload")
        assert_indonesian(unknown, 404, "agency-not-found", "Tidak ditemukan",
                          "Instansi 'nowhere' tidak dikenal.")
        for params, field in (({"view": "late"}, "query.view"), ({"limit": 0}, "query.limit"),
                              ({"q": "x" * 101}, "query.q")):
            bad = await get(stack, **params)
            assert bad.status_code == 422, params
            assert [e["field"] for e in bad.json()["errors"]] == [field]


def _plan_sqlite(statement: Any) -> str:
    return str(statement.compile(dialect=sqlite.dialect(),
                                 compile_kwargs={"literal_binds": True}))


async def test_the_queries_use_the_holder_index_on_sqlite(tmp_path: Path) -> None:
    async with agency_stack(tmp_path, NOW) as stack:
        await seeded(stack)
        day = agency.today("disdukcapil", NOW)
        statements = [agency.workload_query("disdukcapil", view, day, NOW)
                      for view in ("today", "overdue", "open")]
        statements.append(agency.counts_query("disdukcapil", day, NOW))
        async with stack.runtime.sessions() as session:
            for statement in statements:
                plan = (await session.execute(text(
                    "EXPLAIN QUERY PLAN " + _plan_sqlite(statement)))).all()
                assert "ix_tracked_cases_holder" in " ".join(str(r[-1]) for r in plan)


@pytest.mark.integration
async def test_workload_on_postgresql(tmp_path: Path, fresh_pg_url: str) -> None:
    async with agency_stack(tmp_path, NOW, database_url=fresh_pg_url) as stack:
        no = await seeded(stack)
        body = (await get(stack)).json()
        assert body["today"] == "2026-12-01"
        assert numbers(body) == [no["kabid_noon"], no["tonight"]]
        assert body["counts"] == {"open": 5, "due_today": 2, "overdue": 2, "escalated": 1}
        every = (await get(stack, view="open")).json()
        assert numbers(every)[:2] == [no["late_day"], no["late_hours"]]
        by_title = (await get(stack, view="open", q="AKTA KELAHIRAN")).json()
        assert numbers(by_title) == [no["kabid_noon"]]
        day = agency.today("disdukcapil", NOW)
        async with stack.runtime.sessions() as session:
            await session.execute(text("ANALYZE tracked_cases"))
            await session.execute(text("SET enable_seqscan = off"))
            for statement in (agency.workload_query("disdukcapil", "today", day, NOW),
                              agency.counts_query("disdukcapil", day, NOW)):
                compiled = str(statement.compile(dialect=postgresql.dialect(),
                                                 compile_kwargs={"literal_binds": True}))
                plan = (await session.execute(text("EXPLAIN " + compiled))).scalars().all()
                assert "ix_tracked_cases_holder" in " ".join(plan), "\n".join(plan)
