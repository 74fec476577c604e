"""Every time in every JSON answer is RFC 3339 in UTC with ``Z``: the service's case, its
history and documents, the gateway's tracking timeline (a return's deadline included), inbox
and "my cases". The same due time reads the same in each."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.gateway.routing.harness import gateway_stack

CITIZEN = ("warga-a", "citizen")
OPERATOR = ("op-1", "disdukcapil:operator")
DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
UTC_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


def times(value: Any, path: str = "$") -> list[tuple[str, str]]:
    """Every (path, text) in ``value`` that is a datetime."""
    if isinstance(value, dict):
        return [t for k, v in value.items() for t in times(v, f"{path}.{k}")]
    if isinstance(value, list):
        return [t for i, v in enumerate(value) for t in times(v, f"{path}[{i}]")]
    return [(path, value)] if isinstance(value, str) and DATETIME.match(value) else []


def assert_utc(body: Any, at_least: int) -> None:
    found = times(body)
    assert len(found) >= at_least, found
    assert [(p, t) for p, t in found if not UTC_Z.match(t)] == []


async def test_every_answer_writes_times_in_utc_with_z(tmp_path: Path) -> None:
    async with gateway_stack(tmp_path) as stack:
        owner, operator = stack.headers(*CITIZEN), stack.headers(*OPERATOR)
        case = await stack.open_kia(owner)
        assert_utc(case, 3)  # created_at, updated_at, current_step.due_at
        moved = await stack.act(case["id"], operator, "teruskan")
        assert_utc(moved, 3)
        returned = await stack.act(case["id"], operator, "tidak_lengkap", comment="KK buram")
        assert_utc(returned, 4)  # + applicant_due_at
        await stack.sync()
        base = f"/api/v1/dukcapil/cases/{case['id']}"
        read = (await stack.client.get(base, headers=owner)).json()
        assert_utc(read, 4)
        assert read["current_step"]["due_at"] == read["applicant_due_at"] == returned[
            "applicant_due_at"]
        history = (await stack.client.get(f"{base}/history", headers=owner)).json()
        assert_utc(history, 3)
        documents = (await stack.client.get(f"{base}/documents", headers=owner)).json()
        assert_utc(documents, 1)
        tracking = (await stack.client.get(f"/api/v1/tracking/{case['tracking_no']}",
                                           headers=owner)).json()
        assert_utc(tracking, 8)
        assert tracking["timeline"][-1]["details"]["deadline"] == read["applicant_due_at"]
        assert tracking["current_step"]["due_at"] == read["applicant_due_at"]
        mine = (await stack.client.get("/api/v1/me/cases", headers=owner)).json()
        assert_utc(mine, 3)
        waiting = (await stack.client.get("/api/v1/inbox?state=returned",
                                          headers=operator)).json()
        assert_utc(waiting, 3)
        assert waiting["items"][0]["current_step"]["due_at"] == read["applicant_due_at"]
