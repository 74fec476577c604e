"""Every output the 113 SOPs declare, issued through the service API: each case is walked to
the output's step as the roles the steps name (bringing what officer actions declare), leaves
it by its issuing action, and gets a pending, numbered document of the declared kind in that
transaction; the worker then signs them all, and every PDF validates against the test CA and
carries its verification QR code."""

from __future__ import annotations

import json
import re
from collections import deque
from pathlib import Path
from typing import Any

import httpx
import pytest

from shared.engine.state import Principal
from shared.outputs.ca import LocalCa
from shared.outputs.signing import LocalSigner
from shared.sop.model import OutputSpec, SopDefinition
from tests.shared.outputs.support import qr_texts, validate
from tests.support import pajak as pajak_support
from tests.support.apps import running, runtime_of, service_settings, wiring
from tests.support.sops import (
    APPLICANT,
    SERVICES,
    action_files,
    action_inputs,
    actor_for,
    all_sops,
    required_documents,
    sample_form,
)
from tests.support.tokens import TestTokens

TOKENS = TestTokens()
CA = LocalCa()
PDF = b"%PDF-1.4 berkas persyaratan uji"
FIELDS = {"nop": "18.01.040.005.001-0123.0", "nop_tetangga": "18.01.040.005.001-0123.0",
          "tahun_pajak": 2026, "nip": "198507152010011002",
          "jenis_jabatan": "fungsional", "di_luar_negeri": False}
"""Fields a department checks beyond their type (pajak: a NOP of this regency; kepegawaian:
a NIP, and a leave at home of a position whose Surat Cuti the Kepala BKD signs, the signer
the walker reaches first)."""
NUMBER = re.compile(r"\d{3}(\.\d+)?/\d{4}/[A-Z0-9.\-]+/[IVX]+/20\d\d")


def headers(who: Principal) -> dict[str, str]:
    return TOKENS.headers(who.subject, *sorted(who.roles))


def path_between(sop: SopDefinition, start: str, target: str
                 ) -> list[tuple[str, str]] | None:
    """The shortest (step, forward action) walk from ``start`` to ``target``, if any."""
    prev: dict[str, tuple[str, str] | None] = {start: None}
    queue = deque([start])
    while queue:
        current = queue.popleft()
        for action in sop.step(current).actions:
            nxt = action.to if action.kind == "forward" else None
            if nxt and not nxt.startswith("@") and nxt not in prev:
                prev[nxt] = (current, action.name)
                queue.append(nxt)
    if target not in prev:
        return None
    walk: list[tuple[str, str]] = []
    node = target
    while (hop := prev[node]) is not None:
        walk.append(hop)
        node = hop[0]
    return list(reversed(walk))


def issuing_action(sop: SopDefinition, spec: OutputSpec) -> str:
    return spec.action or next(a.name for a in sop.step(spec.step).actions
                               if a.kind == "forward" and a.to != "@rejected")


async def issue(client: httpx.AsyncClient, sop: SopDefinition, spec: OutputSpec,
                app: Any = None) -> dict[str, Any]:
    form = sample_form(sop)
    body = {"sop_key": sop.key, "form": {**form, **{k: v for k, v in FIELDS.items()
                                                    if k in form}}}
    files = {k: (f"{k}.pdf", PDF, "application/pdf") for k in required_documents(sop)}
    who = headers(APPLICANT)
    opened = await (client.post("/cases", headers=who, files=files,
                                data={"data": json.dumps(body)}) if files
                    else client.post("/cases", headers=who, json=body))
    assert opened.status_code == 201, (sop.key, opened.text)
    case = opened.json()
    current = case["current_step"]["id"]
    walk = path_between(sop, current, spec.step)
    if sop.step(spec.step).kind == "automatic":
        walk = walk or []  # the system leaves it on its own (at opening, when it comes first)
    else:
        assert walk is not None, (sop.key, current, spec.step)
        walk.append((spec.step, issuing_action(sop, spec)))
    for step_id, action in walk:
        if app is not None:  # a bank pays the pembayaran case's code before its bank step
            await pajak_support.before_action(app, sop.key, step_id, case["id"])
        inputs, _ = action_inputs(sop, step_id, action)
        files = action_files(sop, step_id, action)
        act = {"action": action, "comment": "Catatan uji", **({"form": inputs} if inputs else {})}
        moved = await client.post(f"/cases/{case['id']}/actions",
                                  headers=headers(actor_for(sop, sop.step(step_id))),
                                  **({"files": files, "data": {"data": json.dumps(act)}}
                                     if files else {"json": act}))
        assert moved.status_code == 200, (sop.key, step_id, action, moved.text)
        # The act's answer is the case as committed: what reading it again gives the actor
        # (its documents, with this act's uploads, and its outputs, with what it issued).
        again = await client.get(f"/cases/{case['id']}",
                                 headers=headers(actor_for(sop, sop.step(step_id))))
        assert moved.json() == again.json(), (sop.key, step_id, action)
    listed = await client.get(f"/cases/{case['id']}/outputs", headers=headers(APPLICANT))
    [output] = [o for o in listed.json() if o["title"] == spec.title]
    assert output["status"] == "pending" and output["kind"] == spec.kind
    assert NUMBER.fullmatch(output["number"]), output["number"]
    if spec.code:
        assert output["number"].startswith(f"{spec.code}/")
    return {"case": case, "output": output, "sop": sop}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.integration)])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """SQLite, or a fresh PostgreSQL database (where the issuer takes the number and inserts
    the output in one statement on the driver connection, shared/outputs/numbered_insert.py)."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}"
    return str(request.getfixturevalue("fresh_pg_url"))


@pytest.mark.parametrize("service", SERVICES)
async def test_every_declared_output_is_issued_and_signed(service: str, database: str,
                                                          tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    monkeypatch.setenv("HALO_VAR_DIR", str(tmp_path / "var"))
    newest: dict[str, SopDefinition] = {}
    for sop in all_sops()[service]:  # cases open on the newest version of a key
        if sop.key not in newest or sop.version > newest[sop.key].version:
            newest[sop.key] = sop
    declared = [(s, o) for s in newest.values() for o in s.outputs]
    assert declared, service
    module = __import__(f"services.{service}.app", fromlist=["create_app"])
    app = module.create_app(service_settings(service, database, tmp_path), wiring(TOKENS))
    async with running(app) as client:
        outputs = runtime_of(app).outputs
        assert outputs is not None
        outputs.worker.signer = LocalSigner(CA)
        if service == "pajak":  # the demo objects: the pembayaran case bills one of them
            await pajak_support.seed_bills(app)
        issued = [await issue(client, sop, spec, app) for sop, spec in declared]
        numbers = [i["output"]["number"] for i in issued]
        assert len(set(numbers)) == len(numbers)
        while await outputs.worker.run_once():
            pass
        for item in issued:
            case, output = item["case"], item["output"]
            who = headers(APPLICANT)
            [now] = [o for o in (await client.get(f"/cases/{case['id']}/outputs",
                                                  headers=who)).json()
                     if o["id"] == output["id"]]
            assert now["status"] == "issued", (item["sop"].key, now)
            pdf = (await client.get(now["pdf_url"], headers=who)).content
            status = await validate(pdf, CA)
            assert status.intact and status.trusted, item["sop"].key
            assert qr_texts(pdf) == [now["verify_url"]]
