"""Object-level authorisation through the gateway: nobody reads or acts on a case that is not
theirs, and each step accepts only its own actor."""

from __future__ import annotations

from pathlib import Path

from tests.gateway.routing.harness import gateway_stack


async def test_citizen_cannot_read_or_act_on_another_citizens_case(tmp_path: Path) -> None:
    async with gateway_stack(tmp_path) as stack:
        owner = stack.headers("warga-a", "citizen")
        other = stack.headers("warga-b", "citizen")
        case = await stack.open_kia(owner)
        base = f"/api/v1/dukcapil/cases/{case['id']}"
        for path in (base, f"{base}/history"):
            response = await stack.client.get(path, headers=other)
            assert response.status_code == 404, path
            assert response.json()["code"] == "case-not-found"
        await stack.act(case["id"], other, "batalkan", expect=404)
        listed = await stack.client.get("/api/v1/dukcapil/cases", headers=other)
        assert listed.json()["total"] == 0
        assert (await stack.client.get(base, headers=owner)).status_code == 200


async def test_officer_of_another_agency_cannot_act(tmp_path: Path) -> None:
    async with gateway_stack(tmp_path) as stack:
        case = await stack.open_kia(stack.headers("warga-a", "citizen"))
        stranger = stack.headers("petugas-dinkes", "dinkes:operator")
        response = await stack.client.get(f"/api/v1/dukcapil/cases/{case['id']}",
                                          headers=stranger)
        assert response.status_code == 404
        await stack.act(case["id"], stranger, "teruskan", expect=404)
        # The same role name in the right agency may.
        await stack.act(case["id"], stack.headers("op", "disdukcapil:operator"), "teruskan")


async def test_wrong_actor_for_the_step_is_refused(tmp_path: Path) -> None:
    async with gateway_stack(tmp_path) as stack:
        owner = stack.headers("warga-a", "citizen")
        operator = stack.headers("op", "disdukcapil:operator")
        case = await stack.open_kia(owner)
        # The citizen cannot act on the officer's step, nor a kabid on the operator's.
        refused = await stack.act(case["id"], owner, "teruskan", expect=403)
        assert refused["code"] in ("role-not-permitted", "action-not-available")
        await stack.act(case["id"], stack.headers("kabid", "disdukcapil:kabid"), "teruskan",
                        expect=403)
        await stack.act(case["id"], operator, "teruskan")
        returned = await stack.act(case["id"], operator, "tidak_lengkap",
                                   comment="KK tidak terbaca")
        assert returned["status"] == "returned"
        # Returned: the applicant's step. The officer can neither resubmit nor withdraw it.
        for action in ("lengkapi", "batalkan"):
            response = await stack.act(case["id"], operator, action, expect=403)
            assert response["code"] in ("not-case-owner", "role-not-permitted")
        resumed = await stack.act(case["id"], owner, "lengkapi", comment="KK sudah diunggah")
        assert resumed["status"] == "open"
