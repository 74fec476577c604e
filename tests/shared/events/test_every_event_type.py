"""Every case event type the code emits, produced by real service apps (Dukcapil's KIA and an
Umum SOP that archives), each as written to the outbox, validates against the published
contract; the suite's outbox check catches a broken one, and a broken copy of each real
event is refused (the check can fail).

The clock is moved for the sweeper: a reminder, an overdue mark, the second level, and the
expiry of a returned case; the output worker issues the KIA and its head revokes it."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlmodel import col

from services.dukcapil.app import create_app as create_dukcapil
from services.umum.app import create_app as create_umum
from shared.db.tables import OutboxRow
from shared.events.contract import CASE_EVENT_TYPES
from shared.events.memory import InProcessBus
from shared.outputs.ca import LocalCa
from shared.outputs.signing import LocalSigner
from tests.shared.outputs.support import JAKARTA, Clock, fresh_database
from tests.support import event_contract
from tests.support.apps import running, runtime_of, service_settings, wiring
from tests.support.kia import FORM, KIA, PDF
from tests.support.sops import required_documents, sample_form, spot_sop
from tests.support.tokens import TestTokens

TOKENS = TestTokens()
CITIZEN = TOKENS.headers("warga-a", "citizen")
OPERATOR = TOKENS.headers("op-1", "disdukcapil:operator")
KABID = TOKENS.headers("kabid-1", "disdukcapil:kabid")
KADIS = TOKENS.headers("kadis-1", "disdukcapil:kepala_dinas")
FRONT = TOKENS.headers("fo-1", "brida:front_office")
BRIDA = "brida-informasi-data-inovasi"


class Apps:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.apps: dict[str, FastAPI] = {}
        self.clients: dict[str, httpx.AsyncClient] = {}

    async def open(self, service: str, key: str, form: dict[str, Any],
                   files: dict[str, Any]) -> dict[str, Any]:
        opened = await self.clients[service].post(
            "/cases", headers=CITIZEN, files=files,
            data={"data": json.dumps({"sop_key": key, "form": form})})
        assert opened.status_code == 201, opened.text
        return dict(opened.json())

    async def act(self, service: str, case: dict[str, Any], who: dict[str, str],
                  action: str, **body: Any) -> dict[str, Any]:
        url = f"/cases/{case['id']}/actions"
        if "files" in body:
            files = body.pop("files")
            moved = await self.clients[service].post(
                url, headers=who, files=files,
                data={"data": json.dumps({"action": action, **body})})
        else:
            moved = await self.clients[service].post(url, headers=who,
                                                     json={"action": action, **body})
        assert moved.status_code == 200, moved.text
        return dict(moved.json())

    async def sweep(self, service: str = "dukcapil") -> None:
        await runtime_of(self.apps[service]).sweeper.run_once()

    async def outbox(self, service: str) -> list[OutboxRow]:
        async with runtime_of(self.apps[service]).sessions() as session:
            return list(await session.scalars(select(OutboxRow).order_by(col(OutboxRow.id))))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)])
async def apps(request: pytest.FixtureRequest, tmp_path: Path,
               monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Apps]:
    monkeypatch.setenv("HALO_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("HALO_SIGNER", raising=False)
    made = Apps(Clock(datetime(2026, 12, 3, 9, 0, tzinfo=JAKARTA)))  # a Thursday
    async with AsyncExitStack() as stack:
        for name, factory in (("dukcapil", create_dukcapil), ("umum", create_umum)):
            url = (await stack.enter_async_context(fresh_database())
                   if request.param == "postgresql"
                   else f"sqlite+aiosqlite:///{tmp_path / name}.db")
            app = factory(service_settings(name, url, tmp_path),
                          wiring(TOKENS, InProcessBus(), clock=made.clock))
            made.clients[name] = await stack.enter_async_context(running(app))
            made.apps[name] = app
        yield made


async def _walk_every_type(apps: Apps) -> None:
    kia = ("dukcapil", KIA, FORM, {"berkas_persyaratan": PDF})
    # Returned (a NIK in the reason), resubmitted, issued, revoked, completed.
    a = await apps.open(*kia)
    await apps.act("dukcapil", a, OPERATOR, "teruskan")
    await apps.act("dukcapil", a, OPERATOR, "tidak_lengkap",
                   comment="KK 1801012202200003 buram",
                   requested={"documents": ["berkas_persyaratan"], "fields": []})
    await apps.act("dukcapil", a, CITIZEN, "lengkapi", files={"berkas_persyaratan": PDF})
    for who, action in ((OPERATOR, "lengkap"), (KABID, "sampaikan_ke_kadis"), (KADIS, "tte")):
        await apps.act("dukcapil", a, who, action)
    outputs = runtime_of(apps.apps["dukcapil"]).outputs
    assert outputs is not None
    outputs.worker.signer = LocalSigner(LocalCa())
    assert await outputs.worker.run_once() == 1
    [output] = (await apps.clients["dukcapil"].get(f"/cases/{a['id']}/outputs",
                                                   headers=CITIZEN)).json()
    revoked = await apps.clients["dukcapil"].post(
        f"/cases/{a['id']}/outputs/{output['id']}/revoke", headers=KADIS,
        json={"reason": "Salah cetak, NIK 1801014505240001 keliru"})
    assert revoked.status_code == 200, revoked.text
    await apps.act("dukcapil", a, OPERATOR, "serahkan")
    # Rejected; withdrawn.
    b = await apps.open(*kia)
    for who, action in ((OPERATOR, "teruskan"), (OPERATOR, "lengkap")):
        await apps.act("dukcapil", b, who, action)
    await apps.act("dukcapil", b, KABID, "tolak", comment="Data tidak sesuai SIAK")
    await apps.act("dukcapil", await apps.open(*kia), CITIZEN, "batalkan")
    # Archived, on an Umum SOP whose classification step files the request away.
    sop = spot_sop("umum", BRIDA)
    files = {k: PDF for k in required_documents(sop)}
    c = await apps.open("umum", BRIDA, sample_form(sop), files)
    for action in ("lengkap", "catat", "jelas"):
        await apps.act("umum", c, FRONT, action)
    await apps.act("umum", c, FRONT, "tidak_termasuk", comment="Bukan data inovasi")
    # The clock: due soon, overdue, escalated (a working day later), expired.
    late = await apps.open(*kia)
    gone = await apps.open(*kia)
    await apps.act("dukcapil", gone, OPERATOR, "teruskan")
    await apps.act("dukcapil", gone, OPERATOR, "tidak_lengkap", comment="Foto buram")
    for when in (datetime(2026, 12, 3, 9, 9, tzinfo=JAKARTA),
                 datetime(2026, 12, 3, 9, 12, tzinfo=JAKARTA),
                 datetime(2026, 12, 4, 9, 13, tzinfo=JAKARTA),
                 datetime(2026, 12, 9, 10, 0, tzinfo=JAKARTA)):
        apps.clock.now = when
        await apps.sweep()
    shown = (await apps.clients["dukcapil"].get(f"/cases/{late['id']}", headers=KABID)).json()
    assert shown["current_step"]["overdue"] is True


async def test_every_event_type_the_code_emits_follows_the_contract(apps: Apps) -> None:
    await _walk_every_type(apps)
    rows = await apps.outbox("dukcapil") + await apps.outbox("umum")
    case_rows = [r for r in rows if r.topic.endswith(".case-events.v1")]
    payloads = [json.loads(r.payload) for r in case_rows]
    assert {p["type"] for p in payloads} == set(CASE_EVENT_TYPES)
    for row in case_rows:
        assert event_contract.contract_problems(row.topic, row.payload) == [], row.payload
    assert event_contract.violations() == []
    text = json.dumps(payloads)
    for number in ("1801012202200003", "1801014505240001", FORM["nama_anak"]):
        assert number not in text
    # What the relay puts on the bus is the same: every record conforms, keyed by case id.
    on_bus = 0
    for app in apps.apps.values():
        runtime = runtime_of(app)
        while await runtime.relay.run_once():
            pass
        bus = runtime.bus
        assert isinstance(bus, InProcessBus)
        for topic, parts in bus._logs.items():
            for record in (r for part in parts for r in part):
                assert event_contract.contract_problems(topic, record.value) == []
                assert record.key == json.loads(record.value)["case_id"]
                on_bus += 1
    assert on_bus == len(case_rows)
    # Each real event, broken: its data loses a key every event has.
    for row, payload in zip(case_rows, payloads, strict=True):
        del payload["data"]["agency"]
        assert event_contract.contract_problems(row.topic, payload) != [], payload["type"]


async def test_the_suites_outbox_check_catches_a_broken_event(apps: Apps) -> None:
    good = (await apps.outbox("dukcapil")) or None
    assert good is None
    await apps.open("dukcapil", KIA, FORM, {"berkas_persyaratan": PDF})
    [row] = await apps.outbox("dukcapil")
    broken = json.loads(row.payload)
    broken.update(event_id="not-a-uuid", status="lost")
    async with runtime_of(apps.apps["dukcapil"]).sessions() as session:
        session.add(OutboxRow(event_id="e-broken", topic=row.topic, key=row.key,
                              payload=json.dumps(broken), created_at=row.created_at,
                              attempts=0))
        await session.commit()
    found = event_contract.violations()
    assert len(found) == 1
    assert "event_id" in found[0] and "status" in found[0] and "case.submitted" in found[0]
    event_contract.forget()  # written on purpose: the test itself must not fail for it
