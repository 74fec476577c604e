"""A real KIA case in the dukcapil service, walked to completion through the gateway: its
events reach the tracking read model, then its applicant answers the survey and the agency's
report counts it."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from tests.gateway.routing.harness import gateway_stack

STEPS = (("operator", "teruskan"), ("operator", "lengkap"), ("kabid", "sampaikan_ke_kadis"),
         ("kepala_dinas", "tte"), ("operator", "serahkan"))


def parts() -> list[Any]:
    return [importlib.import_module(f"gateway.{p}.part").PART
            for p in ("tracking", "survey", "routing")]


async def test_a_completed_case_is_answered_and_reported(tmp_path: Path) -> None:
    async with gateway_stack(tmp_path, parts=parts) as stack:
        owner = stack.headers("warga-a", "citizen")
        case = await stack.open_kia(owner)
        path = f"/api/v1/survey/{case['tracking_no']}"
        await stack.sync()
        assert (await stack.client.get(path, headers=owner)).json()["state"] == "not_closed"

        for role, action in STEPS:
            stack.clock.advance(minutes=5)
            await stack.act(case["id"], stack.headers(f"u-{role}", f"disdukcapil:{role}"),
                            action)
        # Closed in the service, not yet in the read model: still "not closed" here.
        early = await stack.client.post(path, headers=owner,
                                        json={"answers": {f"u{i}": 4 for i in range(1, 10)}})
        assert early.status_code == 409 and early.json()["code"] == "survey-case-open"
        await stack.sync()

        status = (await stack.client.get(path, headers=owner)).json()
        assert (status["state"], status["status"], status["agency"]) == (
            "open", "completed", "disdukcapil")
        answers = {f"u{i}": 4 if i % 2 else 3 for i in range(1, 10)}
        done = await stack.client.post(path, headers=owner, json={"answers": answers})
        assert done.status_code == 201, done.text

        report = (await stack.client.get("/api/v1/survey/reports?agency=disdukcapil",
                                         headers=stack.headers("adm", "disdukcapil:admin")))
        unit = report.json()["unit"]
        # Five 4s and four 3s: IKM = 32/9 = 3.5556; × 25 = 88.89 -> A, Sangat baik.
        assert (unit["respondents"], unit["population"], unit["minimum_sample"]) == (1, 1, 1)
        assert (unit["ikm"], unit["ikm_conversion"], unit["quality"]) == (3.5556, 88.89, "A")
        assert report.json()["per_sop"][0]["title"] == case["title"]
