"""Authorisation through the gateway's proxy route ``/api/v1/<service>/...`` (issue 3), with
the services running in-process behind it. ``test_bola`` covers the simple cases (another
citizen's case, an officer of an agency outside the flow, the wrong actor of a one-agency
SOP); this adds:

* tampered tokens (``tests.support.forgeries``) are refused by the gateway with an opaque
  401 and never reach the service;
* an SOP that involves two agencies (``damkar-bantuan-kebakaran``: Damkar, then BPKAD, then
  the applicant): the second agency's officer may read the case but not act on the first
  agency's step, and the reverse; no officer signs the applicant's step;
* another citizen cannot complete (with an upload) or withdraw a case returned to its
  applicant, and the 404 is the same as for a case that does not exist.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.gateway.routing.harness import PDF, Stack, gateway_stack
from tests.support.forgeries import FORGERIES, assert_refused_without_leak, key_material
from tests.support.sops import required_documents, route_to, sample_form, spot_sop

BANTUAN = spot_sop("damkar", "damkar-bantuan-kebakaran")


class Recording(httpx.AsyncBaseTransport):
    """Passes requests to a service and remembers which ones reached it."""

    def __init__(self, inner: httpx.AsyncBaseTransport, seen: list[tuple[str, str]]) -> None:
        self.inner = inner
        self.seen = seen

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.seen.append((request.method, request.url.path))
        return await self.inner.handle_async_request(request)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def officer(stack: Stack, agency: str, role: str) -> dict[str, str]:
    return stack.headers(f"petugas-{agency}-{role}", f"{agency}:{role}")


# --- tampered tokens ------------------------------------------------------------------------

@pytest.mark.parametrize("kind", sorted(FORGERIES))
async def test_forged_tokens_are_refused_at_the_gateway_and_never_proxied(
        tmp_path: Path, kind: str) -> None:
    seen: list[tuple[str, str]] = []
    async with gateway_stack(tmp_path, wrap=lambda t: Recording(t, seen)) as stack:
        owner = stack.headers("warga-a", "citizen")
        case = await stack.open_kia(owner)
        forge = FORGERIES[kind]
        authority = stack.runtime
        assert key_material(authority) == key_material(stack.tokens)  # the keys both trust
        base = f"/api/v1/dukcapil/cases/{case['id']}"
        attempts = [
            ("GET", "/api/v1/dukcapil/cases",
             forge(authority, "warga-a", ["citizen"], "citizen"), None),
            ("GET", base, forge(authority, "intruder"), None),
            ("GET", f"{base}/history", forge(authority, "warga-a", ["citizen"], "citizen"),
             None),
            ("POST", f"{base}/actions",
             forge(authority, "intruder", ["disdukcapil:operator"], "officer"),
             {"action": "teruskan"}),
            ("POST", f"{base}/actions", forge(authority, "warga-a", ["citizen"], "citizen"),
             {"action": "batalkan"}),
        ]
        reached = len(seen)
        for method, path, token, body in attempts:
            response = await stack.client.request(method, path, headers=bearer(token),
                                                  json=body)
            assert_refused_without_leak(response, token, authority)
            assert response.json()["instance"] == path
            assert case["tracking_no"] not in response.text
        assert len(seen) == reached  # the gateway refused them all itself

        after = (await stack.client.get(base, headers=owner)).json()
        assert (after["status"], after["current_step"]["id"]) == (
            case["status"], case["current_step"]["id"])
        history = (await stack.client.get(f"{base}/history", headers=owner)).json()
        assert [h["event"] for h in history] == ["case.submitted"]
        # The same claims genuinely signed pass the gateway and the service.
        genuine = stack.runtime.issuer.issue("intruder", ["disdukcapil:operator"], "officer")
        moved = await stack.client.post(f"{base}/actions", headers=bearer(genuine),
                                        json={"action": "teruskan"})
        assert moved.status_code == 200, moved.text
        assert seen[-1] == ("POST", f"/cases/{case['id']}/actions")


# --- function level: two agencies in one flow -----------------------------------------------

async def open_bantuan(stack: Stack, who: dict[str, str]) -> dict[str, Any]:
    files = {k: (f"{k}.pdf", PDF, "application/pdf") for k in required_documents(BANTUAN)}
    response = await stack.client.post(
        "/api/v1/damkar/cases", headers=who, files=files,
        data={"data": json.dumps({"sop_key": BANTUAN.key, "form": sample_form(BANTUAN)})})
    assert response.status_code == 201, response.text
    return dict(response.json())


async def act(stack: Stack, case_id: str, who: dict[str, str], action: str,
              expect: int = 200, code: str | None = None) -> dict[str, Any]:
    response = await stack.client.post(f"/api/v1/damkar/cases/{case_id}/actions",
                                       headers=who, json={"action": action})
    assert response.status_code == expect, (action, response.text)
    if code is not None:
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["code"] == code, response.text
    return dict(response.json())


async def test_two_agency_flow_seen_by_each_agency_once_it_arrives_acted_on_only_by_its_own(
        tmp_path: Path) -> None:
    async with gateway_stack(tmp_path, ("damkar",)) as stack:
        owner = stack.headers("warga-a", "citizen")
        damkar_operator = officer(stack, "damkar", "operator")
        bpkad_kabid = officer(stack, "bpkad", "kabid")
        case = await open_bantuan(stack, owner)
        url = f"/api/v1/damkar/cases/{case['id']}"
        assert case["current_step"]["agency"] == "damkar"

        # At Damkar's step, BPKAD's steps lie ahead: its officers cannot tell the case exists,
        # through the service or the tracking view, not even with the action name its own
        # later step uses.
        assert (await stack.client.get(url, headers=bpkad_kabid)).status_code == 404
        assert (await stack.client.get(f"{url}/history", headers=bpkad_kabid)).status_code == 404
        await act(stack, case["id"], bpkad_kabid, "terverifikasi", 404, "case-not-found")
        await stack.sync()
        assert (await stack.client.get(f"/api/v1/tracking/{case['tracking_no']}",
                                       headers=bpkad_kabid)).status_code == 404
        refused = await act(stack, case["id"], owner, "terverifikasi", 403,
                            "role-not-permitted")
        assert "damkar:operator" in refused["detail"]
        # An agency outside the flow sees nothing.
        outsider = officer(stack, "disdukcapil", "operator")
        assert (await stack.client.get(url, headers=outsider)).status_code == 404
        await act(stack, case["id"], outsider, "terverifikasi", 404, "case-not-found")
        await stack.sync()
        inbox = await stack.client.get("/api/v1/inbox", headers=bpkad_kabid)
        assert inbox.json()["total"] == 0

        # Walk to BPKAD's first step; now Damkar's officers read but may not act.
        for step_id, action in route_to(BANTUAN, "tinjau_bpkad")[1:]:
            step = BANTUAN.step(step_id)
            await act(stack, case["id"], officer(stack, step.agency or "damkar", step.actor),
                      action)
        shown = await stack.client.get(url, headers=damkar_operator)
        assert shown.status_code == 200
        assert shown.json()["current_step"]["id"] == "tinjau_bpkad"
        assert shown.json()["actions"] == []
        for who in (damkar_operator, officer(stack, "damkar", "kepala_dinas"),
                    officer(stack, "damkar", "kabid"), officer(stack, "bpkad", "staf"),
                    officer(stack, "damkar", "integrasi"), owner):
            await act(stack, case["id"], who, "ditinjau", 403, "role-not-permitted")
        await stack.sync()
        inbox = await stack.client.get("/api/v1/inbox", headers=bpkad_kabid)
        assert [i["tracking_no"] for i in inbox.json()["items"]] == [case["tracking_no"]]
        assert (await stack.client.get(f"/api/v1/tracking/{case['tracking_no']}",
                                       headers=bpkad_kabid)).status_code == 200

        # On to the applicant's step: no officer of either agency signs for the applicant.
        for step_id, action in route_to(BANTUAN, "tanda_terima"):
            if step_id in {s for s, _ in route_to(BANTUAN, "tinjau_bpkad")}:
                continue
            step = BANTUAN.step(step_id)
            await act(stack, case["id"], officer(stack, step.agency or "damkar", step.actor),
                      action)
        at = (await stack.client.get(url, headers=owner)).json()
        assert at["current_step"]["id"] == "tanda_terima"
        assert at["current_step"]["kind"] == "applicant"
        for who in (damkar_operator, officer(stack, "bpkad", "staf"), bpkad_kabid,
                    stack.headers("root", "admin")):
            await act(stack, case["id"], who, "tandatangani_tanda_terima", 403,
                      "not-case-owner")
        await act(stack, case["id"], stack.headers("warga-b", "citizen"),
                  "tandatangani_tanda_terima", 404, "case-not-found")
        done = await act(stack, case["id"], owner, "tandatangani_tanda_terima")
        assert done["status"] == "completed"


# --- object level: a returned case ------------------------------------------------------------

async def test_another_citizen_cannot_complete_or_withdraw_a_returned_case(
        tmp_path: Path) -> None:
    async with gateway_stack(tmp_path) as stack:
        owner = stack.headers("warga-a", "citizen")
        other = stack.headers("warga-b", "citizen")
        operator = stack.headers("op", "disdukcapil:operator")
        case = await stack.open_kia(owner)
        await stack.act(case["id"], operator, "teruskan")
        await stack.act(case["id"], operator, "tidak_lengkap", comment="KK tidak terbaca")
        base = "/api/v1/dukcapil/cases"
        completed = await stack.client.post(
            f"{base}/{case['id']}/actions", headers=other,
            files={"berkas_persyaratan": ("lain.pdf", b"%PDF-1.4 milik B", "application/pdf")},
            data={"data": json.dumps({"action": "lengkapi"})})
        withdrawn = await stack.client.post(f"{base}/{case['id']}/actions", headers=other,
                                            json={"action": "batalkan"})
        missing = await stack.client.post(f"{base}/00000000-0000-4000-8000-000000000000/actions",
                                          headers=other, json={"action": "batalkan"})
        for response in (completed, withdrawn):
            assert response.status_code == 404 and response.json()["code"] == "case-not-found"
            assert response.json()["detail"] == missing.json()["detail"]
            assert case["tracking_no"] not in response.text
        shown = (await stack.client.get(f"{base}/{case['id']}", headers=owner)).json()
        assert shown["status"] == "returned" and len(shown["documents"]) == 1
        await stack.sync()
        mine = (await stack.client.get("/api/v1/me/cases", headers=other)).json()
        assert mine["total"] == 0
        await stack.act(case["id"], owner, "lengkapi", comment="KK sudah diunggah")
