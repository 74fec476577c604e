"""External-institution steps completed by an integration callback through HTTP
(ARCHITECTURE.md §3, shared/engine/access.py): a case is walked to a ``kind: external`` step
through the service's ``POST /cases/{id}/actions``; the agency's integration account
``<agency>:integrasi`` completes it, and the history and the event name that role. The
applicant, officers and integration accounts of another agency, and the agency's officers of
another role are refused with problem+json and nothing is written."""

from __future__ import annotations

import importlib
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from shared.db.tables import CaseRow, HistoryRow, OutboxRow
from shared.events.envelope import EventEnvelope
from shared.sop.model import SopDefinition, Step
from tests.support import pajak as pajak_support
from tests.support.apps import running, runtime_of, service_settings, wiring
from tests.support.sops import actor_for, all_sops, required_documents, route_to, sample_form
from tests.support.tokens import TestTokens

TOKENS = TestTokens()
CITIZEN = TOKENS.headers("warga-eksternal", "citizen")
OTHER_CITIZEN = TOKENS.headers("warga-lain", "citizen")
PDF = b"%PDF-1.4 berkas uji"
FORMS: dict[str, dict[str, Any]] = {
    # The NOP hook of pajak checks the number against the region's format.
    # A demo object with a 2026 SPPT (tests/support/pajak.py): the code step bills it.
    "bpprd-pbb-pembayaran": {"nop": pajak_support.DEMO_NOP, "tahun_pajak": 2026},
    # The BKD's hooks check the NIP and the leave, and the signer follows the position: the
    # Sekretaris Daerah (the first external step) signs an Eselon III's annual leave.
    "bkd-cuti-pegawai": {
        "nip": "198507152010011002", "nama": "Siti Aminah", "jabatan": "Kepala Bagian",
        "jenis_jabatan": "struktural_eselon_iii", "unit_kerja": "Sekretariat Daerah",
        "jenis_cuti": "tahunan", "tanggal_mulai": "2026-05-04", "tanggal_selesai": "2026-05-05",
        "di_luar_negeri": False, "alamat_selama_cuti": "Kalianda",
        "telepon": "+6281234567890"},
}

CHOSEN = [
    ("umum", "diskominfo-reset-passphrase-tte"),   # BSrE, after a front-office step
    ("pajak", "bpprd-pbb-pembayaran"),             # the bank's payment callback
    ("kepegawaian", "bkd-cuti-pegawai"),           # SIASN BKN
]


def _sop(service: str, key: str) -> SopDefinition:
    return next(s for s in all_sops()[service] if s.key == key)


def _external(sop: SopDefinition) -> Step:
    return next(s for s in sop.steps if s.kind == "external")


def test_the_chosen_sops_have_an_external_step_behind_other_steps() -> None:
    for service, key in CHOSEN:
        sop = _sop(service, key)
        step = _external(sop)
        assert route_to(sop, step.id), f"{key}: external step {step.id} is not reachable"
        assert step.actor and (step.agency or sop.agency)


@pytest.fixture(scope="module")
async def apps(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[dict[str, Any]]:
    tmp = Path(tmp_path_factory.mktemp("eksternal"))
    out: dict[str, Any] = {}
    opened: list[Any] = []
    try:
        for service in sorted({s for s, _ in CHOSEN}):
            module = importlib.import_module(f"services.{service}.app")
            app = module.create_app(service_settings(
                service, f"sqlite+aiosqlite:///{tmp / (service + '.db')}", tmp), wiring(TOKENS))
            context = running(app)
            client = await context.__aenter__()
            opened.append(context)
            out[service] = (app, client)
            if service == "pajak":
                await pajak_support.seed_bills(app)
        yield out
    finally:
        for context in reversed(opened):
            await context.__aexit__(None, None, None)


def _headers(sop: SopDefinition, step: Step) -> dict[str, str]:
    if step.kind == "applicant":
        return CITIZEN
    who = actor_for(sop, step)
    return TOKENS.headers(who.subject, *sorted(who.roles))


async def _counts(app: FastAPI) -> tuple[int, int, int]:
    async with runtime_of(app).sessions() as s:
        return (await s.scalar(select(func.count()).select_from(CaseRow)) or 0,
                await s.scalar(select(func.count()).select_from(HistoryRow)) or 0,
                await s.scalar(select(func.count()).select_from(OutboxRow)) or 0)


async def _walk_to_external(client: httpx.AsyncClient, sop: SopDefinition) -> dict[str, Any]:
    form = FORMS.get(sop.key) or sample_form(sop)
    files = {key: (f"{key}.pdf", PDF, "application/pdf") for key in required_documents(sop)}
    if files:
        opened = await client.post("/cases", headers=CITIZEN, files=files, data={
            "data": json.dumps({"sop_key": sop.key, "form": form})})
    else:
        opened = await client.post("/cases", headers=CITIZEN,
                                   json={"sop_key": sop.key, "form": form})
    assert opened.status_code == 201, opened.text
    case: dict[str, Any] = opened.json()
    target = _external(sop)
    route = route_to(sop, target.id)
    at = case["current_step"]["id"]
    steps = [s for s, _ in route]
    assert at in steps or at == target.id, (at, route)
    remaining = route[steps.index(at):] if at != target.id else []
    for step_id, action in remaining:
        moved = await client.post(f"/cases/{case['id']}/actions",
                                  headers=_headers(sop, sop.step(step_id)),
                                  json={"action": action, "step": step_id})
        assert moved.status_code == 200, moved.text
        case = moved.json()
    assert case["current_step"]["id"] == target.id and case["current_step"]["kind"] == "external"
    return case


def _other_agency(sop: SopDefinition) -> str:
    involved = {sop.agency} | {s.agency for s in sop.steps if s.agency}
    return next(a for a in ("damkar", "disdukcapil", "dinkes", "bpprd") if a not in involved)


@pytest.mark.parametrize(("service", "key"), CHOSEN)
async def test_an_integration_callback_completes_the_external_step(
        apps: dict[str, Any], service: str, key: str) -> None:
    app, client = apps[service]
    sop = _sop(service, key)
    step = _external(sop)
    agency = step.agency or sop.agency
    other = _other_agency(sop)
    case = await _walk_to_external(client, sop)
    url = f"/cases/{case['id']}/actions"
    action = step.actions[0]
    assert action.kind == "forward"
    other_role = "front_office" if step.actor != "front_office" else "operator"

    refusals = [
        (CITIZEN, 403, "role-not-permitted"),                       # the applicant
        (OTHER_CITIZEN, 404, "case-not-found"),                     # not their case
        (TOKENS.headers("petugas-lain", f"{other}:{step.actor}"), 404, "case-not-found"),
        (TOKENS.headers("petugas-lain-op", f"{other}:operator"), 404, "case-not-found"),
        (TOKENS.headers("sistem-lain", f"{other}:integrasi"), 404, "case-not-found"),
        (TOKENS.headers("petugas-sama", f"{agency}:{other_role}"), 403, "role-not-permitted"),
    ]
    before = await _counts(app)
    for who, status, code in refusals:
        response = await client.post(url, headers=who,
                                     json={"action": action.name, "step": step.id})
        assert response.status_code == status, (code, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["code"] == code and response.json()["detail"]
    assert await _counts(app) == before
    still = (await client.get(f"/cases/{case['id']}", headers=CITIZEN)).json()
    assert still["current_step"]["id"] == step.id and still["status"] == "open"

    system = TOKENS.headers(f"sistem-{agency}", f"{agency}:integrasi")
    await pajak_support.before_action(app, sop.key, step.id, case["id"])
    before = await _counts(app)  # the bank's payment is the pajak domain's, not the case's
    shown = (await client.get(f"/cases/{case['id']}", headers=system)).json()
    assert [a["name"] for a in shown["actions"]] == [a.name for a in step.actions]
    done = await client.post(url, headers=system, json={
        "action": action.name, "step": step.id, "comment": "callback sistem eksternal"})
    assert done.status_code == 200, done.text
    if action.to and not action.to.startswith("@"):
        assert done.json()["current_step"]["id"] == action.to

    history = (await client.get(f"/cases/{case['id']}/history", headers=CITIZEN)).json()
    last = history[-1]
    assert (last["event"], last["step_id"], last["action"]) == (
        "case.step_completed", step.id, action.name)
    assert (last["actor_role"], last["actor_agency"]) == ("integrasi", agency)
    assert last["comment"] == "callback sistem eksternal"
    assert last["next_step_id"] == action.to
    after = await _counts(app)
    assert after == (before[0], before[1] + 1, before[2] + 1)  # one entry, one event

    async with runtime_of(app).sessions() as s:
        row = await s.scalar(select(OutboxRow).where(OutboxRow.key == case["id"])
                             .order_by(OutboxRow.id.desc()).limit(1))  # type: ignore[attr-defined]
    assert row is not None
    event = EventEnvelope.from_bytes(row.payload.encode())
    assert (event.type, event.step, event.action, event.actor_role, event.actor_agency) == (
        "case.step_completed", step.id, action.name, "integrasi", agency)

    # The callback completed the step once: repeating it is refused, and writes nothing.
    again = await client.post(url, headers=system, json={"action": action.name,
                                                         "step": step.id})
    assert again.status_code in (403, 409), again.text
    assert again.headers["content-type"] == "application/problem+json"
    assert await _counts(app) == after


@pytest.mark.parametrize(("service", "key"), CHOSEN[:1])
async def test_the_agency_officer_may_record_the_external_result_instead(
        apps: dict[str, Any], service: str, key: str) -> None:
    """The other way access.py allows: the step's own officer role records the result."""
    _, client = apps[service]
    sop = _sop(service, key)
    step = _external(sop)
    agency = step.agency or sop.agency
    case = await _walk_to_external(client, sop)
    officer = TOKENS.headers(f"petugas-{step.actor}", f"{agency}:{step.actor}")
    done = await client.post(f"/cases/{case['id']}/actions", headers=officer,
                             json={"action": step.actions[0].name, "step": step.id})
    assert done.status_code == 200, done.text
    last = (await client.get(f"/cases/{case['id']}/history", headers=CITIZEN)).json()[-1]
    assert (last["actor_role"], last["actor_agency"], last["action"]) == (
        step.actor, agency, step.actions[0].name)


async def test_the_integration_account_acts_on_external_steps_only(
        apps: dict[str, Any]) -> None:
    """``<agency>:integrasi`` is not an officer: at an officer step it is refused."""
    app, client = apps["umum"]
    sop = _sop("umum", "diskominfo-reset-passphrase-tte")
    form = sample_form(sop)
    opened = await client.post("/cases", headers=CITIZEN,
                               json={"sop_key": sop.key, "form": form})
    assert opened.status_code == 201, opened.text
    case = opened.json()
    step = sop.step(case["current_step"]["id"])
    assert step.kind == "officer"
    before = await _counts(app)
    response = await client.post(
        f"/cases/{case['id']}/actions",
        headers=TOKENS.headers("sistem-diskominfo", f"{sop.agency}:integrasi"),
        json={"action": step.actions[0].name, "step": step.id})
    assert response.status_code == 403, response.text
    assert response.json()["code"] == "role-not-permitted"
    assert await _counts(app) == before
