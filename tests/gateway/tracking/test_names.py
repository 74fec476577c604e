"""One vocabulary in the service and the gateway: every answer carries the new names
(``case_id``, ``overdue``, ``type``/``step``/``next_step``) and, for one more release, the old
ones (``id``, ``late``, ``event``/``step_id``/``next_step_id``) with the same values."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from gateway.tracking.schemas import CaseSummary, Holder
from shared.web.schemas import HistoryOut
from tests.gateway.routing.harness import gateway_stack

CITIZEN = ("warga-n", "citizen")
OPERATOR = ("op-n", "disdukcapil:operator")
HISTORY_PAIRS = (("type", "event"), ("step", "step_id"), ("next_step", "next_step_id"))


def same_case_id(case: dict[str, Any]) -> str:
    assert case["case_id"] == case["id"] and case["case_id"]
    return str(case["case_id"])


def same_overdue(summary: dict[str, Any], expected: bool) -> None:
    assert summary["overdue"] is summary["late"] is expected
    step = summary["current_step"]
    assert step["overdue"] is step["late"] is expected


async def test_service_answers_carry_both_names(tmp_path: Path) -> None:
    async with gateway_stack(tmp_path) as stack:
        owner, operator = stack.headers(*CITIZEN), stack.headers(*OPERATOR)
        opened = await stack.open_kia(owner)
        case_id = same_case_id(opened)
        moved = await stack.act(case_id, operator, "teruskan")
        assert same_case_id(moved) == case_id

        read = (await stack.client.get(f"/api/v1/dukcapil/cases/{case_id}",
                                       headers=owner)).json()
        assert same_case_id(read) == case_id
        page = (await stack.client.get("/api/v1/dukcapil/cases", headers=owner)).json()
        assert [same_case_id(c) for c in page["items"]] == [case_id]

        history = (await stack.client.get(f"/api/v1/dukcapil/cases/{case_id}/history",
                                          headers=owner)).json()
        assert [(h["type"], h["step"], h["next_step"]) for h in history] == [
            ("case.submitted", "pendaftaran", "verifikasi_permohonan"),
            ("case.step_completed", "verifikasi_permohonan", "verifikasi_berkas")]
        for entry in history:
            for new, old in HISTORY_PAIRS:
                assert entry[new] == entry[old]


async def test_gateway_answers_carry_both_names(tmp_path: Path) -> None:
    async with gateway_stack(tmp_path) as stack:
        owner, operator = stack.headers(*CITIZEN), stack.headers(*OPERATOR)
        case = await stack.open_kia(owner)
        await stack.act(case["case_id"], operator, "teruskan")
        await stack.sync()
        no = case["tracking_no"]

        def views() -> list[tuple[str, dict[str, str]]]:
            return [(f"/api/v1/tracking/{no}", owner), ("/api/v1/me/cases", owner),
                    ("/api/v1/inbox", operator), ("/api/v1/inbox?state=overdue", operator)]

        for overdue in (False, True):
            for path, who in views():
                response = await stack.client.get(path, headers=who)
                assert response.status_code == 200, response.text
                body = response.json()
                items = [body] if "timeline" in body else body["items"]
                if path.endswith("overdue") and not overdue:
                    assert items == []
                    continue
                assert [i["case_id"] for i in items] == [case["case_id"]]
                for item in items:
                    same_overdue(item, overdue)
            stack.clock.advance(days=10)

        tracked = (await stack.client.get(f"/api/v1/tracking/{no}", headers=owner)).json()
        history = (await stack.client.get(f"/api/v1/dukcapil/cases/{case['case_id']}/history",
                                          headers=owner)).json()
        assert [(e["type"], e["step"], e["next_step"]) for e in tracked["timeline"]] == [
            (h["type"], h["step"], h["next_step"]) for h in history]


def test_either_name_builds_the_same_body_and_two_values_are_refused() -> None:
    base = {"seq": 1, "at": "2026-12-03T01:00:00Z", "sop_version": 1, "action": None,
            "actor_role": "pemohon", "actor_agency": None, "status": "open", "due_at": None,
            "comment": None, "documents": []}
    old = HistoryOut.model_validate({**base, "event": "case.submitted", "step_id": "a",
                                     "next_step_id": "b"})
    new = HistoryOut.model_validate({**base, "type": "case.submitted", "step": "a",
                                     "next_step": "b"})
    assert old.model_dump() == new.model_dump()
    with pytest.raises(ValidationError):
        HistoryOut.model_validate({**base, "type": "x", "event": "y", "step": None,
                                   "next_step": None})
    holder: dict[str, object] = {"id": "s", "role": "operator", "agency": "a",
                                 "kind": "officer", "holder": "a:o", "due_at": None}
    assert Holder.model_validate({**holder, "late": True}).overdue is True
    with pytest.raises(ValidationError):
        Holder.model_validate({**holder, "late": True, "overdue": False})
    assert "overdue" in CaseSummary.model_fields and "late" in CaseSummary.model_fields
