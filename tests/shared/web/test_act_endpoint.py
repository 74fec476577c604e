"""The act as a plain ASGI endpoint (shared.web.act_endpoint) answers as the FastAPI route
does: the same requests to two dukcapil apps, one with the endpoint and one without, on the
same frozen clock, give the same statuses, headers and bodies (the random ids aside), for a
whole KIA walk and for every refusal the route gives."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client import REGISTRY

from services.dukcapil.app import create_app
from shared.web import act_endpoint
from shared.web.act_endpoint import ActEndpoint
from tests.support.apps import running, service_settings, wiring
from tests.support.kia import FORM, KIA, PDF
from tests.support.tokens import TestTokens

NOW = datetime(2026, 12, 2, 2, 30, tzinfo=UTC)  # a Wednesday, 09:30 WIB
WALK = [("operator", "teruskan", "verifikasi_permohonan"),
        ("operator", "lengkap", "verifikasi_berkas"),
        ("kabid", "sampaikan_ke_kadis", "verifikasi_siak"),
        ("kepala_dinas", "tte", "tte_kadis"),
        ("operator", "serahkan", "penyerahan")]
ROUTE = "/cases/{case_id}/actions"
_RANDOM = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"  # ids
                     r"|\b[A-Z]{2}(?:-[0-9A-Z]{5}){4}\b")  # an output's verification code
COMPARED_HEADERS = ("content-type", "content-length", "content-language", "www-authenticate",
                    "x-case-seq", "retry-after")


class Way:
    """One app and what its answers are, the random ids and verification codes replaced by
    their order of first appearance (the same walk gives the same order in both apps)."""

    def __init__(self, client: httpx.AsyncClient, tokens: TestTokens) -> None:
        self.client, self.tokens = client, tokens
        self.names: dict[str, str] = {}

    def _plain(self, text: str) -> str:
        def name(match: re.Match[str]) -> str:
            return self.names.setdefault(match.group(0), f"<id{len(self.names)}>")
        return _RANDOM.sub(name, text)

    def answer(self, response: httpx.Response, tracking: str | None = None) -> dict[str, Any]:
        text = response.text if tracking is None else response.text.replace(tracking, "<no>")
        headers = {k: response.headers[k] for k in COMPARED_HEADERS if k in response.headers}
        if "x-case-id" in response.headers:
            headers["x-case-id"] = self._plain(response.headers["x-case-id"])
        body = json.loads(self._plain(text)) if text else None
        if isinstance(body, dict) and "request_id" in body:  # a problem's, made per request
            body["request_id"] = "<request>"
        return {"status": response.status_code, "headers": headers, "body": body}

    def officer(self, role: str) -> dict[str, str]:
        return self.tokens.headers(f"petugas-{role}", f"disdukcapil:{role}")

    async def open(self, citizen: str) -> dict[str, Any]:
        response = await self.client.post(
            "/cases", headers=self.tokens.headers(citizen, "citizen"), files={
                "berkas_persyaratan": PDF},
            data={"data": json.dumps({"sop_key": KIA, "form": FORM})})
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body

    async def act(self, case: dict[str, Any], headers: dict[str, str], **kwargs: Any
                  ) -> dict[str, Any]:
        response = await self.client.post(f"/cases/{case['id']}/actions", headers=headers,
                                          **kwargs)
        return self.answer(response, case.get("tracking_no"))


@pytest.fixture
async def ways(tmp_path: Path) -> AsyncIterator[tuple[Way, Way]]:
    """(with the endpoint, without it): two dukcapil apps on SQLite, the same clock."""
    tokens = TestTokens()
    async with AsyncExitStack() as stack:
        made = []
        for name in ("endpoint", "route"):
            app = create_app(service_settings("dukcapil",
                                              f"sqlite+aiosqlite:///{tmp_path / name}.db",
                                              tmp_path / name), wiring(tokens, clock=lambda: NOW))
            if name == "route":
                app.user_middleware = [m for m in app.user_middleware
                                       if m.cls is not ActEndpoint]
                app.middleware_stack = None
            made.append(Way(await stack.enter_async_context(running(app)), tokens))
        yield made[0], made[1]


def served(status: str) -> float:
    return REGISTRY.get_sample_value("halo_http_requests_total", {
        "service": "dukcapil", "method": "POST", "route": ROUTE, "status": status}) or 0.0


async def test_a_whole_walk_answers_as_the_route_does(ways: tuple[Way, Way],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    act = act_endpoint._act

    async def counted(request: Any, case_id: str) -> Any:
        calls.append(case_id)
        return await act(request, case_id)

    monkeypatch.setattr(act_endpoint, "_act", counted)
    before = served("200")
    seen = []
    for way in ways:
        case = await way.open("warga-1")
        answers = [await way.act(case, way.officer(role), json={"action": action, "step": step})
                   for role, action, step in WALK]
        seen.append(answers)
    endpoint, route = seen
    assert endpoint == route
    assert [a["status"] for a in endpoint] == [200] * len(WALK)
    assert endpoint[-1]["body"]["status"] == "completed"
    assert [a["headers"]["x-case-seq"] for a in endpoint] == ["2", "3", "4", "5", "6"]
    assert endpoint[0]["headers"]["x-case-id"] == "<id0>"
    assert endpoint[0]["headers"]["content-type"] == "application/json"
    assert len(calls) == len(WALK)  # the endpoint app's acts only: the other's were routed
    # Both apps count their acts under the route's label.
    assert served("200") == before + 2 * len(WALK)


async def test_refusals_answer_as_the_route_does(ways: tuple[Way, Way]) -> None:
    seen = []
    for way in ways:
        case = await way.open("warga-2")
        other = await way.open("warga-3")
        citizen = way.tokens.headers("warga-3", "citizen")
        operator = way.officer("operator")
        step = {"action": "teruskan", "step": "verifikasi_permohonan"}
        seen.append([
            await way.act(case, {}, json=step),
            await way.act(case, {"Authorization": "Bearer rusak"}, json=step),
            await way.act({"id": "tidak-ada"}, operator, json=step),
            await way.act(case, citizen, json=step),  # not the applicant: no such case
            await way.act(case, {**operator, "Content-Type": "application/json"},
                          content=b"{rusak"),
            await way.act(case, operator, json={"step": "verifikasi_permohonan"}),
            await way.act(case, operator, json={"action": "tidak-ada", "step": step["step"]}),
            await way.act(case, operator, json={**step, "step": "penyerahan"}),
            await way.act(case, {**operator, "Content-Type": "text/plain"},
                          content=b"action=teruskan"),
            await way.act(case, way.officer("kabid"), json=step),
            await way.act(case, {**operator, "Accept-Language": "en"},
                          json={"action": "tidak-ada"}),
            await way.act(other, operator, json=step),  # and the walk still goes on
        ])
    endpoint, route = seen
    assert endpoint == route
    statuses = [a["status"] for a in endpoint]
    assert statuses[:4] == [401, 401, 404, 404]
    assert all(400 <= s < 500 for s in statuses[4:-1]), statuses
    assert statuses[-1] == 200
    assert endpoint[0]["headers"]["www-authenticate"] == "Bearer"
    assert endpoint[2]["body"]["code"] == "case-not-found"
    assert endpoint[8]["status"] == 415
    assert endpoint[10]["headers"]["content-language"] == "en"
    assert all(a["headers"]["content-type"] == "application/problem+json"
               for a in endpoint[:-1])


async def test_other_methods_and_paths_still_reach_fastapi(ways: tuple[Way, Way]) -> None:
    endpoint, _ = ways
    case = await endpoint.open("warga-4")
    operator = endpoint.officer("operator")
    read = await endpoint.client.get(f"/cases/{case['id']}/actions", headers=operator)
    nested = await endpoint.client.post(f"/cases/{case['id']}/actions/x", headers=operator,
                                        json={})
    history = await endpoint.client.get(f"/cases/{case['id']}/history", headers=operator)
    assert read.status_code == 405
    assert nested.status_code == 404
    assert history.status_code == 200 and len(history.json()) == 1
