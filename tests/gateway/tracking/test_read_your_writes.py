"""Read-your-writes at the gateway: a case write's answer names the case and its seq; where
the tracking read model has not applied it within the budget, the answer says so
(``X-Tracking-Pending``) instead of failing, and the waiter sees it once it is applied. (The
first-read guarantee with the consumer running is in ``tests/gateway/test_allinone.py``.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.tracking.part import wait_budget
from gateway.tracking.visible import DEFAULT_WAIT_S
from tests.gateway.routing.harness import gateway_stack

CITIZEN = ("warga-a", "citizen")


def test_the_budget_defaults_to_two_seconds_where_the_consumer_runs(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HALO_TRACKING_WAIT_S", raising=False)
    assert wait_budget(workers=True) == DEFAULT_WAIT_S == 2.0
    assert wait_budget(workers=False) == 0.0
    monkeypatch.setenv("HALO_TRACKING_WAIT_S", "0.5")
    assert wait_budget(workers=False) == 0.5
    monkeypatch.setenv("HALO_TRACKING_WAIT_S", "lama")
    with pytest.raises(SystemExit, match="HALO_TRACKING_WAIT_S"):
        wait_budget(workers=True)


async def test_without_a_consumer_the_write_says_it_is_pending(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HALO_TRACKING_WAIT_S", "0.05")
    async with gateway_stack(tmp_path) as stack:
        case = await stack.open_kia(stack.headers(*CITIZEN))
        wait = stack.runtime.state["read_your_writes"]
        assert await wait(case["id"], 1) is False
        await stack.sync()
        assert await wait(case["id"], 1) is True
        assert await wait(case["id"], 2) is False


async def test_the_pending_header_names_the_seq(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HALO_TRACKING_WAIT_S", "0.05")
    async with gateway_stack(tmp_path) as stack:
        owner = stack.headers(*CITIZEN)
        response = await stack.client.get("/api/v1/dukcapil/sops", headers=owner)
        assert "x-tracking-pending" not in response.headers
        case = await stack.open_kia(owner)
        moved = await stack.client.post(f"/api/v1/dukcapil/cases/{case['id']}/actions",
                                        headers=owner, json={"action": "batalkan"})
        assert moved.status_code == 200, moved.text
        assert moved.headers["x-case-seq"] == moved.headers["x-tracking-pending"] == "2"
        refused = await stack.client.post(f"/api/v1/dukcapil/cases/{case['id']}/actions",
                                          headers=owner, json={"action": "batalkan"})
        assert refused.status_code == 409
        assert "x-tracking-pending" not in refused.headers
