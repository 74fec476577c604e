"""Authorisation straight against a service app (no gateway in front), issue 3:

* object level: a citizen neither reads nor acts on another citizen's case, on any route
  under ``/cases/{case_id}`` (the document list and download included: the routes are read
  from the OpenAPI document);
* tampered tokens (``tests.support.forgeries``) are refused with an opaque 401.

Function level (agencies, citizens and officers on each other's steps):
``test_security_direct_roles.py``. Every refusal writes nothing; fixtures in ``conftest.py``.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi import FastAPI

from tests.services.security_harness import (
    DK_OPERATOR,
    KIA,
    KIA_FORM,
    OTHER_CITIZEN,
    OWNER,
    TOKENS,
    Service,
    open_kia,
    without_request,
)
from tests.support.forgeries import FORGERIES, assert_refused_without_leak

# --- object level ------------------------------------------------------------------------------

def case_routes(app: FastAPI) -> list[tuple[str, str]]:
    """(method, path) of every route that names one case, read from the OpenAPI document
    rather than listed by hand, so a route added later (a document download, say) is
    covered too."""
    paths: dict[str, dict[str, Any]] = app.openapi()["paths"]
    return sorted((method.upper(), path) for path, ops in paths.items()
                  if "{case_id}" in path for method in ops)


def fill(path: str, case: dict[str, Any]) -> str:
    doc = case["documents"][0]["id"] if case["documents"] else "x"
    output = case["outputs"][0]["id"] if case.get("outputs") else "x"
    return (path.replace("{case_id}", case["id"]).replace("{document_id}", doc)
            .replace("{doc_id}", doc).replace("{output_id}", output))


async def test_every_case_route_answers_another_citizen_as_if_the_case_did_not_exist(
        dukcapil: Service) -> None:
    case = await open_kia(dukcapil)
    routes = case_routes(dukcapil.app)
    assert ("GET", "/cases/{case_id}") in routes
    assert ("GET", "/cases/{case_id}/history") in routes
    assert ("POST", "/cases/{case_id}/actions") in routes
    missing = {**case, "id": "00000000-0000-4000-8000-000000000000"}
    before = (await dukcapil.counts(), await dukcapil.snapshot(case["id"]))
    for method, path in routes:
        body = {"action": "batalkan"} if method == "POST" else None
        theirs = await dukcapil.client.request(method, fill(path, case), headers=OTHER_CITIZEN,
                                               json=body)
        nothing = await dukcapil.client.request(method, fill(path, missing),
                                                headers=OTHER_CITIZEN, json=body)
        assert theirs.status_code == 404, (method, path, theirs.text)
        assert theirs.headers["content-type"] == "application/problem+json"
        assert theirs.json()["code"] == "case-not-found"
        # Indistinguishable from a case that does not exist: no existence oracle.
        assert without_request(theirs.json()) == without_request(nothing.json())
        for secret in (case["tracking_no"], KIA, KIA_FORM["nama_anak"], "berkas"):
            assert secret not in theirs.text
    assert (await dukcapil.counts(), await dukcapil.snapshot(case["id"])) == before
    for method, path in routes:
        if method == "GET":  # the owner reads the very same URLs
            mine = await dukcapil.client.get(fill(path, case), headers=OWNER)
            if "{output_id}" in path:  # a fresh KIA has no output yet: the case is seen
                assert mine.json()["code"] == "output-not-found", (path, mine.text)
                continue
            assert mine.status_code == 200, (path, mine.text)


async def test_another_citizen_sees_none_of_the_case_in_lists(dukcapil: Service) -> None:
    case = await open_kia(dukcapil)
    for scope in ("mine", "inbox"):
        listed = await dukcapil.client.get("/cases", headers=OTHER_CITIZEN,
                                           params={"scope": scope})
        assert listed.status_code == 200
        assert listed.json()["total"] == 0 and listed.json()["items"] == []
        assert case["tracking_no"] not in listed.text
    for params in ({"status": "open"}, {"sop_key": KIA}, {"scope": "inbox", "status": "open"}):
        assert (await dukcapil.client.get("/cases", headers=OTHER_CITIZEN, params=params)
                ).json()["total"] == 0
    assert (await dukcapil.client.get("/cases", headers=OWNER)).json()["total"] == 1


async def test_another_citizen_cannot_act_on_a_returned_case(dukcapil: Service) -> None:
    """While the case waits for its applicant, "the applicant" is still only its owner:
    another citizen can neither complete it (with an upload) nor withdraw it."""
    case = await open_kia(dukcapil)
    await dukcapil.act(case["id"], DK_OPERATOR, "teruskan")
    await dukcapil.act(case["id"], DK_OPERATOR, "tidak_lengkap", comment="KK tidak terbaca")
    before = (await dukcapil.counts(), await dukcapil.snapshot(case["id"]))
    completed = await dukcapil.client.post(
        f"/cases/{case['id']}/actions", headers=OTHER_CITIZEN,
        files={"berkas_persyaratan": ("lain.pdf", b"%PDF-1.4 milik B", "application/pdf")},
        data={"data": json.dumps({"action": "lengkapi"})})
    assert completed.status_code == 404 and completed.json()["code"] == "case-not-found"
    await dukcapil.refused(case["id"], OTHER_CITIZEN, "batalkan", 404, "case-not-found")
    assert (await dukcapil.counts(), await dukcapil.snapshot(case["id"])) == before
    shown = (await dukcapil.client.get(f"/cases/{case['id']}", headers=OWNER)).json()
    assert shown["status"] == "returned" and len(shown["documents"]) == 1


# --- tampered tokens ----------------------------------------------------------------------------

@pytest.mark.parametrize("kind", sorted(FORGERIES))
async def test_forged_tokens_cannot_list_read_or_act(dukcapil: Service, kind: str) -> None:
    case = await open_kia(dukcapil)
    forge = FORGERIES[kind]
    before = (await dukcapil.counts(), await dukcapil.snapshot(case["id"]))
    attempts = [
        # The owner's own list, as the owner.
        ("GET", "/cases", forge(TOKENS, "warga-a", ["citizen"], "citizen"), None),
        # Anyone's case, as a platform admin.
        ("GET", f"/cases/{case['id']}", forge(TOKENS, "intruder"), None),
        # The operator's step, as an operator.
        ("POST", f"/cases/{case['id']}/actions",
         forge(TOKENS, "intruder", ["disdukcapil:operator"], "officer"), {"action": "teruskan"}),
    ]
    for method, path, token, body in attempts:
        response = await dukcapil.client.request(
            method, path, headers={"Authorization": f"Bearer {token}"}, json=body)
        assert_refused_without_leak(response, token, TOKENS)
        assert case["tracking_no"] not in response.text
    assert (await dukcapil.counts(), await dukcapil.snapshot(case["id"])) == before

    # The same claims, genuinely signed, are accepted: the forgery is what was refused.
    genuine = TOKENS.issuer.issue("warga-a", ["citizen"], "citizen")
    listed = await dukcapil.client.get("/cases", headers={"Authorization": f"Bearer {genuine}"})
    assert listed.status_code == 200 and listed.json()["total"] == 1
    real_operator = TOKENS.issuer.issue("intruder", ["disdukcapil:operator"], "officer")
    moved = await dukcapil.client.post(f"/cases/{case['id']}/actions",
                                       headers={"Authorization": f"Bearer {real_operator}"},
                                       json={"action": "teruskan"})
    assert moved.status_code == 200, moved.text
