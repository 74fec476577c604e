"""The tracking read model, driven by real cases in a real service app: the timeline, the
current step and its holder, late flags, "my cases", the unified inbox and who may see what."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from shared.events.envelope import RETURNED_ACTIVITY
from tests.gateway.routing.harness import KIA, KIA_FORM, PDF, gateway_stack

CITIZEN = ("warga-a", "citizen")
OPERATOR = ("op-1", "disdukcapil:operator")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def compact(tracking_no: str) -> str:
    return tracking_no.replace("-", "").lower()


async def test_timeline_current_step_due_and_late(tmp_path: Path) -> None:
    async with gateway_stack(tmp_path) as stack:
        owner = stack.headers(*CITIZEN)
        case = await stack.open_kia(owner)
        stack.clock.advance(minutes=3)
        moved = await stack.act(case["id"], stack.headers(*OPERATOR), "teruskan")
        await stack.sync()
        response = await stack.client.get(f"/api/v1/tracking/{compact(case['tracking_no'])}",
                                          headers=owner)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["tracking_no"] == case["tracking_no"]
        assert (body["service"], body["sop_key"], body["status"]) == ("dukcapil", KIA, "open")
        assert body["case_url"] == f"/api/v1/dukcapil/cases/{case['id']}"
        assert body["title"] == case["title"] and body["agency"] == "disdukcapil"
        assert [(e["seq"], e["type"], e["step"], e["action"], e["actor_role"],
                 e["actor_agency"]) for e in body["timeline"]] == [
            (1, "case.submitted", "pendaftaran", "ajukan", "pemohon", None),
            (2, "case.step_completed", "verifikasi_permohonan", "teruskan", "operator",
             "disdukcapil")]
        assert body["timeline"][1]["next_step"] == "verifikasi_berkas"
        current = body["current_step"]
        assert current["id"] == "verifikasi_berkas"
        assert (current["role"], current["agency"], current["kind"]) == (
            "operator", "disdukcapil", "officer")
        assert current["holder"] == "disdukcapil:operator"
        assert current["nomor"] == 3 == moved["current_step"]["nomor"]
        assert current["activity"] == moved["current_step"]["activity"]
        assert current["activity"].startswith("Operator Halo Lamsel memverifikasi berkas")
        assert at(current["due_at"]) == at(moved["current_step"]["due_at"])
        assert current["late"] is False and body["late"] is False

        stack.clock.advance(days=5)
        late = (await stack.client.get(f"/api/v1/tracking/{case['tracking_no']}",
                                       headers=owner)).json()
        assert late["current_step"]["late"] is True and late["late"] is True


async def test_returned_case_is_held_by_the_applicant(tmp_path: Path) -> None:
    async with gateway_stack(tmp_path) as stack:
        owner = stack.headers(*CITIZEN)
        operator = stack.headers(*OPERATOR)
        case = await stack.open_kia(owner)
        await stack.act(case["id"], operator, "teruskan")
        returned = await stack.act(case["id"], operator, "tidak_lengkap", comment="KK buram")
        await stack.sync()
        body = (await stack.client.get(f"/api/v1/tracking/{case['tracking_no']}",
                                       headers=owner)).json()
        assert body["status"] == "returned"
        current = body["current_step"]
        assert (current["role"], current["agency"], current["holder"], current["kind"]) == (
            "pemohon", None, "pemohon", "applicant")
        assert current["nomor"] == 3
        assert current["activity"] == RETURNED_ACTIVITY
        assert current["due_at"] is not None
        assert returned["applicant_due_at"] is not None
        assert body["timeline"][-1]["type"] == "case.returned"

        waiting = await stack.client.get("/api/v1/inbox?state=returned", headers=operator)
        assert [c["tracking_no"] for c in waiting.json()["items"]] == [case["tracking_no"]]
        held = await stack.client.get("/api/v1/inbox", headers=operator)
        assert held.json()["total"] == 0

        await stack.act(case["id"], owner, "lengkapi", comment="KK sudah diunggah")
        await stack.sync()
        body = (await stack.client.get(f"/api/v1/tracking/{case['tracking_no']}",
                                       headers=owner)).json()
        assert body["status"] == "open"
        assert body["current_step"]["holder"] == "disdukcapil:operator"
        assert body["current_step"]["activity"].startswith("Operator Halo Lamsel")
        assert (await stack.client.get("/api/v1/inbox?state=returned",
                                       headers=operator)).json()["total"] == 0


async def test_completed_case_has_the_whole_timeline(tmp_path: Path) -> None:
    async with gateway_stack(tmp_path) as stack:
        owner = stack.headers(*CITIZEN)
        case = await stack.open_kia(owner)
        for role, action in (("operator", "teruskan"), ("operator", "lengkap"),
                             ("kabid", "sampaikan_ke_kadis"), ("kepala_dinas", "tte"),
                             ("operator", "serahkan")):
            stack.clock.advance(minutes=5)
            await stack.act(case["id"], stack.headers(f"u-{role}", f"disdukcapil:{role}"),
                            action)
        await stack.sync()
        body = (await stack.client.get(f"/api/v1/tracking/{case['tracking_no']}",
                                       headers=owner)).json()
        assert body["status"] == "completed"
        assert body["current_step"] is None and body["late"] is False
        assert body["closed_at"] is not None
        assert [e["seq"] for e in body["timeline"]] == [1, 2, 3, 4, 5, 6]
        assert body["timeline"][-1]["type"] == "case.completed"
        assert [e["actor_role"] for e in body["timeline"]] == [
            "pemohon", "operator", "operator", "kabid", "kepala_dinas", "operator"]


async def test_who_may_read_a_timeline(tmp_path: Path) -> None:
    async with gateway_stack(tmp_path) as stack:
        case = await stack.open_kia(stack.headers(*CITIZEN))
        await stack.sync()
        path = f"/api/v1/tracking/{case['tracking_no']}"
        allowed = [stack.headers(*CITIZEN), stack.headers(*OPERATOR),
                   stack.headers("kadis", "disdukcapil:kepala_dinas"),
                   stack.headers("root", "admin")]
        for who in allowed:
            assert (await stack.client.get(path, headers=who)).status_code == 200
        refused = [stack.headers("warga-b", "citizen"),
                   stack.headers("dinkes", "dinkes:operator"),
                   stack.headers("bpprd", "bpprd:kabid", "citizen")]
        for who in refused:
            response = await stack.client.get(path, headers=who)
            assert response.status_code == 404
            assert response.json()["code"] == "case-not-found"
        unknown = await stack.client.get("/api/v1/tracking/DK-0000-0000",
                                         headers=stack.headers(*CITIZEN))
        assert unknown.status_code == 404
        assert (await stack.client.get(path)).status_code == 401


async def test_my_cases_newest_first_and_paginated(tmp_path: Path) -> None:
    async with gateway_stack(tmp_path) as stack:
        owner = stack.headers(*CITIZEN)
        opened = []
        for _ in range(3):
            opened.append(await stack.open_kia(owner))
            stack.clock.advance(minutes=10)
        await stack.open_kia(stack.headers("warga-b", "citizen"))
        await stack.sync()
        first = (await stack.client.get("/api/v1/me/cases?limit=2", headers=owner)).json()
        assert first["total"] == 3 and (first["limit"], first["offset"]) == (2, 0)
        rest = (await stack.client.get("/api/v1/me/cases?limit=2&offset=2",
                                       headers=owner)).json()
        numbers = [c["tracking_no"] for c in first["items"] + rest["items"]]
        assert numbers == [c["tracking_no"] for c in reversed(opened)]
        item = first["items"][0]
        assert item["current_step"]["holder"] == "disdukcapil:operator"
        assert item["service"] == "dukcapil" and "timeline" not in item
        none = (await stack.client.get("/api/v1/me/cases",
                                       headers=stack.headers("warga-c", "citizen"))).json()
        assert none == {"items": [], "total": 0, "limit": 20, "offset": 0}


async def test_inbox_across_roles_overdue_first(tmp_path: Path) -> None:
    async with gateway_stack(tmp_path) as stack:
        owner = stack.headers(*CITIZEN)
        operator = stack.headers(*OPERATOR)
        cases = []
        for _ in range(3):
            cases.append(await stack.open_kia(owner))
            stack.clock.advance(hours=1)
        # Opened Monday 09:00, 10:00, 11:00; now 11:02. The operator's step takes 10 office
        # minutes: the first two are overdue, the third is not.
        stack.clock.advance(minutes=-58)
        await stack.sync()
        inbox = (await stack.client.get("/api/v1/inbox", headers=operator)).json()
        assert inbox["total"] == 3
        items = inbox["items"]
        assert [i["tracking_no"] for i in items] == [c["tracking_no"] for c in cases]
        dues = [i["current_step"]["due_at"] for i in items]
        assert dues == sorted(dues)
        assert {(i["current_step"]["nomor"], i["current_step"]["activity"]) for i in items} == {
            (2, "Operator Halo Lamsel memverifikasi permohonan masuk dari pemohon")}
        lates = [i["late"] for i in items]
        assert lates == [True, True, False]

        overdue = (await stack.client.get("/api/v1/inbox?state=overdue",
                                          headers=operator)).json()
        assert [i["tracking_no"] for i in overdue["items"]] == [
            c["tracking_no"] for c in cases[:2]]

        kabid = stack.headers("kabid", "disdukcapil:kabid")
        assert (await stack.client.get("/api/v1/inbox", headers=kabid)).json()["total"] == 0
        await stack.act(cases[1]["id"], operator, "teruskan")
        await stack.act(cases[1]["id"], operator, "lengkap")
        await stack.sync()
        at_kabid = (await stack.client.get("/api/v1/inbox", headers=kabid)).json()
        assert [i["tracking_no"] for i in at_kabid["items"]] == [cases[1]["tracking_no"]]
        assert (await stack.client.get("/api/v1/inbox", headers=operator)).json()["total"] == 2

        for query, total in (("service=dukcapil", 2), ("service=pajak", 0),
                             (f"sop={KIA}", 2), ("sop=lain", 0), ("limit=1&offset=1", 2)):
            page = (await stack.client.get(f"/api/v1/inbox?{query}", headers=operator)).json()
            assert page["total"] == total, query
        page = (await stack.client.get("/api/v1/inbox?limit=1&offset=1",
                                       headers=operator)).json()
        assert [i["tracking_no"] for i in page["items"]] == [cases[2]["tracking_no"]]

        other = stack.headers("dinkes", "dinkes:operator")
        assert (await stack.client.get("/api/v1/inbox", headers=other)).json()["total"] == 0
        citizen = await stack.client.get("/api/v1/inbox", headers=owner)
        assert citizen.status_code == 403
        bad = await stack.client.get("/api/v1/inbox?state=semua", headers=operator)
        assert bad.status_code == 422


async def test_out_of_range_paging_is_a_422_not_a_500(tmp_path: Path) -> None:
    async with gateway_stack(tmp_path) as stack:
        owner, officer = stack.headers(*CITIZEN), stack.headers(*OPERATOR)
        for path, who in (("/api/v1/me/cases?offset=99999999999999999999", owner),
                          ("/api/v1/me/cases?status=bogus", owner),
                          ("/api/v1/inbox?offset=99999999999999999999", officer),
                          ("/api/v1/dukcapil/cases?offset=99999999999999999999", owner)):
            response = await stack.client.get(path, headers=who)
            assert response.status_code == 422, (path, response.text)
            assert response.json()["code"] == "validation-error"


async def test_an_assisted_case_is_the_citizens_own(tmp_path: Path) -> None:
    async with gateway_stack(tmp_path) as stack:
        front_office = stack.headers("fo-1", "disdukcapil:front_office")
        response = await stack.client.post(
            "/api/v1/dukcapil/cases", headers=front_office,
            data={"data": json.dumps({"sop_key": KIA, "form": KIA_FORM,
                                      "on_behalf_of": CITIZEN[0]})},
            files={"berkas_persyaratan": ("berkas.pdf", PDF, "application/pdf")})
        assert response.status_code == 201, response.text
        await stack.sync()
        mine = (await stack.client.get("/api/v1/me/cases", headers=stack.headers(*CITIZEN)))
        assert [c["tracking_no"] for c in mine.json()["items"]] == [
            response.json()["tracking_no"]]
        theirs = await stack.client.get("/api/v1/me/cases", headers=front_office)
        assert theirs.json()["total"] == 0
        tracked = (await stack.client.get(f"/api/v1/tracking/{response.json()['tracking_no']}",
                                          headers=stack.headers(*CITIZEN))).json()
        assert tracked["timeline"][0]["actor_role"] == "pemohon"
