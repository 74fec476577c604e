"""Escalation and automatic closing through real service apps and the gateway: an overdue
step stands in the supervisor's inbox (the service's and the gateway's unified one), the
event names that supervisor, a second level follows after a working day of the December 2026
calendar; a return's reason reaches the case and the applicant's timeline."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select

from shared.db.tables import HistoryRow, OutboxRow
from shared.engine.timed import AUTO_COMPLETE_NOTE
from tests.gateway.routing.harness import PDF, Clock, gateway_stack
from tests.support.sops import actor_for, route_to, sample_form, spot_sop

J = ZoneInfo("Asia/Jakarta")
OPERATOR = ("op-1", "disdukcapil:operator")
KABID = ("kabid-1", "disdukcapil:kabid")
KADIS = ("kadis-1", "disdukcapil:kepala_dinas")


async def _inbox_numbers(stack, who: tuple[str, str], *, service: bool = False) -> list[str]:
    headers = stack.headers(*who)
    if service:
        response = await stack.client.get("/api/v1/dukcapil/cases?scope=inbox",
                                          headers=headers)
    else:
        response = await stack.client.get("/api/v1/inbox", headers=headers)
    assert response.status_code == 200, response.text
    return [item["tracking_no"] for item in response.json()["items"]]


async def _events(stack, case_id: str) -> list[dict]:
    async with stack.service("dukcapil").sessions() as session:
        rows = await session.scalars(select(OutboxRow).where(OutboxRow.key == case_id)
                                     .order_by(OutboxRow.id))
        return [json.loads(r.payload) for r in rows]


async def test_an_overdue_step_reaches_the_supervisors_inbox_then_the_next(
        tmp_path: Path) -> None:
    clock = Clock(datetime(2026, 12, 23, 15, 50, tzinfo=J))  # Wednesday before Christmas
    async with gateway_stack(tmp_path, clock=clock) as stack:
        sweeper = stack.service("dukcapil").sweeper
        case = await stack.open_kia(stack.headers("warga-a", "citizen"))
        number = case["tracking_no"]
        await stack.sync()
        assert await _inbox_numbers(stack, KABID) == []
        assert await _inbox_numbers(stack, KABID, service=True) == []

        clock.now = datetime(2026, 12, 23, 15, 58, tzinfo=J)  # 80 % of the ten minutes
        assert await sweeper.run_once() == (0, 1)
        clock.now = datetime(2026, 12, 23, 16, 5, tzinfo=J)  # due 16:00
        assert await sweeper.run_once() == (1, 0)
        await stack.sync()
        for service in (False, True):
            assert await _inbox_numbers(stack, KABID, service=service) == [number]
            assert await _inbox_numbers(stack, OPERATOR, service=service) == [number]
            assert await _inbox_numbers(stack, KADIS, service=service) == []
        shown = (await stack.client.get(f"/api/v1/dukcapil/cases/{case['id']}",
                                        headers=stack.headers(*KABID))).json()
        assert shown["current_step"]["overdue"] is True
        assert shown["current_step"]["escalated_to"] == ["disdukcapil:kabid"]
        overdue = [e for e in await _events(stack, case["id"]) if e["type"] == "case.overdue"]
        assert [e["data"]["escalate_to"] for e in overdue] == [
            {"agency": "disdukcapil", "role": "kabid", "level": 1}]
        assert [e["type"] for e in await _events(stack, case["id"])] == [
            "case.submitted", "case.due_soon", "case.overdue"]

        # One working day later: 24 Dec cuti bersama, 25 Dec Christmas, the weekend, then
        # Monday 28 Dec 07:30 to Tuesday 29 Dec 07:30.
        clock.now = datetime(2026, 12, 29, 7, 29, tzinfo=J)
        assert await sweeper.run_once() == (0, 0)
        clock.now = datetime(2026, 12, 29, 7, 30, tzinfo=J)
        assert await sweeper.run_once() == (0, 1)
        assert await sweeper.run_once() == (0, 0)
        await stack.sync()
        for service in (False, True):
            assert await _inbox_numbers(stack, KADIS, service=service) == [number]
            assert await _inbox_numbers(stack, KABID, service=service) == [number]
        tracking = (await stack.client.get(f"/api/v1/tracking/{number}",
                                           headers=stack.headers(*KADIS))).json()
        assert tracking["current_step"]["escalated_to"] == ["disdukcapil:kabid",
                                                           "disdukcapil:kepala_dinas"]
        assert tracking["timeline"][-1]["type"] == "case.escalated"
        assert tracking["timeline"][-1]["details"]["escalate_to"]["role"] == "kepala_dinas"

        # The operator acts: the supervisors' inboxes empty again.
        await stack.act(case["id"], stack.headers(*OPERATOR), "teruskan")
        await stack.sync()
        for service in (False, True):
            assert await _inbox_numbers(stack, KADIS, service=service) == []
            assert await _inbox_numbers(stack, KABID, service=service) == []


async def test_the_return_reason_reaches_the_case_and_the_applicants_timeline(
        tmp_path: Path) -> None:
    async with gateway_stack(tmp_path) as stack:
        owner = stack.headers("warga-a", "citizen")
        operator = stack.headers(*OPERATOR)
        case = await stack.open_kia(owner)
        await stack.act(case["id"], operator, "teruskan")
        back = await stack.client.post(
            f"/api/v1/dukcapil/cases/{case['id']}/actions", headers=operator, json={
                "action": "tidak_lengkap",
                "comment": "KK 1801012202200003 buram, unggah ulang",
                "requested": {"documents": ["berkas_persyaratan"], "fields": []}})
        assert back.status_code == 200, back.text
        body = back.json()
        assert body["return_reason"] == "KK 1801012202200003 buram, unggah ulang"
        assert body["requested"] == {"documents": ["berkas_persyaratan"], "fields": []}
        await stack.sync()
        tracking = (await stack.client.get(f"/api/v1/tracking/{case['tracking_no']}",
                                           headers=owner)).json()
        last = tracking["timeline"][-1]
        assert last["type"] == "case.returned"
        # The number in the officer's words never leaves the service in an event.
        assert last["details"]["reason"] == "KK [disamarkan] buram, unggah ulang"
        assert last["details"]["requested"] == {"documents": ["berkas_persyaratan"],
                                                "fields": []}
        assert datetime.fromisoformat(last["details"]["deadline"]) == datetime.fromisoformat(
            body["applicant_due_at"])
        assert tracking["reason"] == "KK [disamarkan] buram, unggah ulang"
        for event in await _events(stack, case["id"]):
            assert "1801012202200003" not in json.dumps(event)
        # Without the document asked for, the resubmission is refused and nothing changes.
        refused = await stack.client.post(
            f"/api/v1/dukcapil/cases/{case['id']}/actions", headers=owner,
            json={"action": "lengkapi", "comment": "sudah"})
        assert refused.status_code == 422
        assert refused.json()["code"] == "resubmission-incomplete"
        assert "berkas_persyaratan" in refused.json()["detail"]
        again = await stack.client.get(f"/api/v1/dukcapil/cases/{case['id']}", headers=owner)
        assert again.json()["status"] == "returned"
        async with stack.service("dukcapil").sessions() as session:
            rows = (await session.scalars(select(HistoryRow).where(
                HistoryRow.case_id == case["id"]))).all()
            assert [r.event for r in rows][-1] == "case.returned"



async def test_a_receipt_nobody_confirms_closes_itself_by_the_sweeper(tmp_path: Path) -> None:
    sop = spot_sop("perizinan", "dishub-numpang-uji-keluar")
    clock = Clock(datetime(2026, 12, 17, 10, 0, tzinfo=J))  # Thursday
    async with gateway_stack(tmp_path, ("perizinan",), clock=clock) as stack:
        owner = stack.headers("warga-a", "citizen")
        opened = await stack.client.post(
            "/api/v1/perizinan/cases", headers=owner,
            data={"data": json.dumps({"sop_key": sop.key, "form": sample_form(sop)})},
            files={d.key: (f"{d.key}.pdf", PDF, "application/pdf")
                   for d in sop.documents if d.required})
        assert opened.status_code == 201, opened.text
        case = opened.json()
        for step, action in route_to(sop, "penerimaan")[1:]:
            who = actor_for(sop, sop.step(step))
            moved = await stack.client.post(
                f"/api/v1/perizinan/cases/{case['id']}/actions",
                headers=stack.headers(who.subject, *who.roles), json={"action": action})
            assert moved.status_code == 200, moved.text
        body = moved.json()
        assert body["current_step"]["id"] == "penerimaan"
        # Ten working days from Thu 17 Dec 10:00 past cuti bersama (24 Dec), Christmas,
        # New Year and Isra Mi'raj (5 Jan 2027): Wednesday 6 January 2027, 10:00.
        assert datetime.fromisoformat(body["auto_complete_at"]) == datetime(
            2027, 1, 6, 10, 0, tzinfo=J)
        sweeper = stack.service("perizinan").sweeper
        clock.now = datetime(2027, 1, 6, 9, 59, tzinfo=J)
        await sweeper.run_once()
        assert (await stack.client.get(f"/api/v1/perizinan/cases/{case['id']}",
                                       headers=owner)).json()["status"] == "open"
        clock.now = datetime(2027, 1, 6, 10, 0, tzinfo=J)
        await sweeper.run_once()
        closed = (await stack.client.get(f"/api/v1/perizinan/cases/{case['id']}",
                                         headers=owner)).json()
        assert closed["status"] == "completed"
        history = (await stack.client.get(f"/api/v1/perizinan/cases/{case['id']}/history",
                                          headers=owner)).json()
        assert (history[-1]["event"], history[-1]["actor_role"], history[-1]["comment"],
                history[-1]["data"]) == ("case.completed", "system", AUTO_COMPLETE_NOTE,
                                         {"auto": True})
        await stack.sync()
        tracking = (await stack.client.get(f"/api/v1/tracking/{case['tracking_no']}",
                                           headers=owner)).json()
        assert tracking["status"] == "completed"
        assert tracking["timeline"][-1]["details"] == {"auto": True}
