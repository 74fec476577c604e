"""The ``on_resubmit`` hook point: called when a returned case is completed (``lengkapi``),
with the merged form in clear, before anything is stored. A value it normalises is stored;
a refusal writes nothing (no history, no document, the form as it was; the case stays
returned). A withdrawal of a returned case does not call it."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlmodel import col

from services.dukcapil.app import SPEC
from shared.cases.hooks import Hooks
from shared.db.tables import CaseRow, DocumentRow, HistoryRow
from shared.web.app import ServiceSpec, create_service_app
from shared.web.problems import ProblemError
from tests.support.apps import running, service_settings, wiring
from tests.support.kia import FORM, KIA, PDF
from tests.support.tokens import TestTokens

TOKENS = TestTokens()
CITIZEN = TOKENS.headers("warga-1", "citizen")
OPERATOR = TOKENS.headers("op-1", "disdukcapil:operator")


@dataclass
class Seen:
    forms: list[dict[str, Any]] = field(default_factory=list)
    events: list[str] = field(default_factory=list)


@pytest.fixture
async def svc(tmp_path: Path) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient, Seen]]:
    seen, hooks = Seen(), Hooks()

    @hooks.on_resubmit(KIA)
    async def check(_session: Any, sop: Any, row: CaseRow, done: Any,
                    form: dict[str, Any]) -> None:
        seen.forms.append(dict(form))
        seen.events.append(done.entries[0].event)
        assert row.status == "returned"  # the row as stored before the resubmission
        if form.get("nama_anak") == "Tolak":
            raise ProblemError(422, "invalid-submission")
        form["nama_anak"] = str(form["nama_anak"]).title()

    settings = service_settings("dukcapil", f"sqlite+aiosqlite:///{tmp_path / 'd.db'}",
                                tmp_path)
    spec = ServiceSpec(name="dukcapil", title=SPEC.title, sops_dir=SPEC.sops_dir, hooks=hooks)
    app = create_service_app(spec, settings, wiring(TOKENS))
    async with running(app) as client:
        yield app, client, seen


async def returned(client: httpx.AsyncClient) -> str:
    case = (await client.post("/cases", headers=CITIZEN, files={"berkas_persyaratan": PDF},
                              data={"data": json.dumps({"sop_key": KIA, "form": FORM})})).json()
    url = f"/cases/{case['id']}/actions"
    assert (await client.post(url, headers=OPERATOR, json={"action": "teruskan"})
            ).status_code == 200
    back = await client.post(url, headers=OPERATOR,
                             json={"action": "tidak_lengkap", "comment": "Nama salah"})
    assert back.json()["status"] == "returned"
    return str(case["id"])


async def lengkapi(client: httpx.AsyncClient, case_id: str, form: dict[str, Any]
                   ) -> httpx.Response:
    return await client.post(f"/cases/{case_id}/actions", headers=CITIZEN,
                             files={"berkas_persyaratan": PDF},
                             data={"data": json.dumps({"action": "lengkapi", "form": form})})


async def facts(app: FastAPI, case_id: str) -> tuple[str, dict[str, Any], int, int]:
    runtime = app.state.runtime
    async with runtime.sessions() as session:
        row = await session.get(CaseRow, case_id)
        assert row is not None
        sop = await runtime.cases.sop_for(session, row)
        form = runtime.cases.cipher.open_form(row.form, sop.personal_fields())
        history = await session.scalar(select(func.count()).select_from(HistoryRow).where(
            col(HistoryRow.case_id) == case_id))
        docs = await session.scalar(select(func.count()).select_from(DocumentRow).where(
            col(DocumentRow.case_id) == case_id))
        return row.status, form, int(history or 0), int(docs or 0)


async def test_the_hook_sees_the_merged_form_and_its_normalising_is_stored(
        svc: tuple[FastAPI, httpx.AsyncClient, Seen]) -> None:
    app, client, seen = svc
    case_id = await returned(client)
    got = await lengkapi(client, case_id, {"nama_anak": "siti rahma"})
    assert got.status_code == 200 and got.json()["status"] == "open"
    assert seen.events == ["case.resubmitted"]
    assert seen.forms == [{**FORM, "nama_anak": "siti rahma"}]  # merged, in clear
    status, form, _, _ = await facts(app, case_id)
    assert status == "open" and form == {**FORM, "nama_anak": "Siti Rahma"}


async def test_a_refusal_writes_nothing_and_the_case_stays_returned(
        svc: tuple[FastAPI, httpx.AsyncClient, Seen]) -> None:
    app, client, _ = svc
    case_id = await returned(client)
    before = await facts(app, case_id)
    got = await lengkapi(client, case_id, {"nama_anak": "Tolak"})
    assert got.status_code == 422 and got.json()["code"] == "invalid-submission"
    assert got.headers["content-type"].startswith("application/problem+json")
    assert await facts(app, case_id) == before
    assert before[0] == "returned" and before[1]["nama_anak"] == FORM["nama_anak"]


async def test_a_withdrawal_does_not_call_it(
        svc: tuple[FastAPI, httpx.AsyncClient, Seen]) -> None:
    _, client, seen = svc
    case_id = await returned(client)
    got = await client.post(f"/cases/{case_id}/actions", headers=CITIZEN,
                            json={"action": "batalkan"})
    assert got.status_code == 200 and got.json()["status"] == "withdrawn"
    assert seen.forms == []
