"""The all-in-one process, in-process: every service behind the gateway, one bus, demo
accounts; a KIA case walked to completion purely through gateway HTTP calls, then its
complete timeline read from the tracking read model (fed by the relay and the consumer
running as background tasks)."""

from __future__ import annotations

import asyncio
import io
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from gateway.allinone_app import DEMO_FORM, DEMO_PDF, DEMO_SOP, build_app
from gateway.settings import SERVICES

DEMO_PASSWORDS = {"citizen": "Demo-Warga-2026", "officer": "Demo-Petugas-2026"}


@pytest.fixture
async def allinone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                   ) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient, str]]:
    monkeypatch.setenv("HALO_VAR_DIR", str(tmp_path))
    for name in ("HALO_ENV", "HALO_WORKERS", "HALO_DATABASE_URL", "HALO_GATEWAY_DATABASE_URL",
                 "HALO_KEY_DIR", "HALO_RUN_MIGRATIONS",
                 *(f"HALO_{s.upper()}_DATABASE_URL" for s in SERVICES)):
        monkeypatch.delenv(name, raising=False)
    out = io.StringIO()
    app = build_app(demo=True, out=out)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://halo") as client:
            yield app, client, out.getvalue()


async def login(client: httpx.AsyncClient, who: str, password: str) -> dict[str, str]:
    response = await client.post("/api/v1/auth/login", json={"login": who,
                                                             "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def eventually(check: Any, deadline_s: float = 10.0) -> Any:
    """Poll ``check`` (async, returns a truthy value when done) until the deadline."""
    until = time.monotonic() + deadline_s
    while True:
        result = await check()
        if result:
            return result
        assert time.monotonic() < until, "the read model did not catch up in time"
        await asyncio.sleep(0.05)


async def test_allinone_serves_every_service_with_demo_data(
        allinone: tuple[FastAPI, httpx.AsyncClient, str], tmp_path: Path) -> None:
    _, client, printed = allinone
    assert "warga1@demo.halo.lamsel" in printed and "Demo-Warga-2026" in printed
    assert "/api/v1/inbox" in printed and "curl" in printed
    assert f"E-mail notifications: Maildir {tmp_path / 'mail'}" in printed
    assert "/verify/<code>" in printed
    counts = {}
    for name in SERVICES:
        assert (tmp_path / f"{name}.db").exists()
        listed = await client.get(f"/api/v1/{name}/sops")
        assert listed.status_code == 200
        counts[name] = len(listed.json())
    assert counts == {"dukcapil": 11, "perizinan": 37, "pengaduan": 8, "damkar": 5, "pajak": 4,
                      "kepegawaian": 7, "umum": 41}
    assert (await client.get("/readyz")).status_code == 200
    catalog = (await client.get("/api/v1/catalog")).json()
    assert catalog["unavailable"] == [] and catalog["total"] == 113
    assert len({(e["service"], e["key"]) for e in catalog["items"]}) == 113
    # A department's own demo data: pajak's tax objects with their 2026 bills.
    bill = await client.get("/api/v1/pajak/tagihan",
                            params={"nop": "18.01.040.005.001-0123.0", "tahun": 2026})
    assert bill.status_code == 200, bill.text

    operator = await login(client, "operator.disdukcapil@demo.halo.lamsel",
                           DEMO_PASSWORDS["officer"])

    async def inbox_filled() -> Any:
        body = (await client.get("/api/v1/inbox", headers=operator)).json()
        return body if body["total"] >= 2 else None

    inbox = await eventually(inbox_filled)
    assert {i["service"] for i in inbox["items"]} == {"dukcapil"}


async def test_allinone_walks_a_case_to_completion_through_the_gateway(
        allinone: tuple[FastAPI, httpx.AsyncClient, str]) -> None:
    _, client, _ = allinone
    citizen = await login(client, "warga2@demo.halo.lamsel", DEMO_PASSWORDS["citizen"])
    opened = await client.post(
        "/api/v1/dukcapil/cases", headers=citizen,
        data={"data": json.dumps({"sop_key": DEMO_SOP, "form": DEMO_FORM})},
        files={"berkas_persyaratan": ("berkas.pdf", DEMO_PDF, "application/pdf")})
    assert opened.status_code == 201, opened.text
    case = opened.json()
    for role, action in (("operator", "teruskan"), ("operator", "lengkap"),
                         ("kabid", "sampaikan_ke_kadis"), ("kepala_dinas", "tte"),
                         ("operator", "serahkan")):
        officer = await login(client, f"{role}.disdukcapil@demo.halo.lamsel",
                              DEMO_PASSWORDS["officer"])
        moved = await client.post(f"/api/v1/dukcapil/cases/{case['id']}/actions",
                                  headers=officer, json={"action": action})
        assert moved.status_code == 200, moved.text
    assert moved.json()["status"] == "completed"

    async def complete() -> Any:
        response = await client.get(f"/api/v1/tracking/{case['tracking_no']}",
                                    headers=citizen)
        if response.status_code != 200:
            return None
        body = response.json()
        issued = any(e["type"] == "case.output_issued" for e in body["timeline"])
        return body if body["status"] == "completed" and issued else None

    body = await eventually(complete)
    # The output worker signs the KIA in the background once the kepala dinas signed off:
    # its event lands after that step, wherever the operator's hand-over falls.
    timeline = [e for e in body["timeline"] if e["type"] != "case.output_issued"]
    assert [e["type"] for e in timeline] == [
        "case.submitted", "case.step_completed", "case.step_completed",
        "case.step_completed", "case.step_completed", "case.completed"]
    assert [e["actor_role"] for e in timeline] == [
        "pemohon", "operator", "operator", "kabid", "kepala_dinas", "operator"]
    types = [e["type"] for e in body["timeline"]]
    assert types.count("case.output_issued") == 1 and types.index("case.output_issued") > 4
    assert body["current_step"] is None and body["closed_at"] is not None
    mine = (await client.get("/api/v1/me/cases", headers=citizen)).json()
    assert [c["tracking_no"] for c in mine["items"]] == [case["tracking_no"]]


async def test_a_full_run_leaves_no_personal_data_or_secret_in_the_logs(
        allinone: tuple[FastAPI, httpx.AsyncClient, str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Register, log in, refresh, submit with NIKs in the form, act, fail, track, log out:
    every log line of the whole process, at DEBUG, configured as the processes configure
    it, is captured and searched."""
    import logging
    import sys

    from shared.observability.logging import configure_logging

    _, client, _ = allinone
    buffer = io.StringIO()
    root = logging.getLogger()
    old_level, old_handlers = root.level, root.handlers[:]
    monkeypatch.setattr(sys, "stdout", buffer)
    configure_logging("DEBUG")
    nik, phone, email = "1801016107900004", "081377788899", "siti.rahma@contoh.id"
    password = "Lamsel-Sejahtera-77"
    secrets = [nik, phone, "+6281377788899", email, password, DEMO_FORM["nik_anak"],
               DEMO_FORM["nomor_kk"], DEMO_FORM["nama_anak"]]
    try:
        registered = await client.post("/api/v1/auth/register", json={
            "nik": nik, "name": "Siti Rahma", "email": email, "phone": phone,
            "password": password})
        assert registered.status_code == 201, registered.text
        bad = await client.post("/api/v1/auth/login", json={"login": nik, "password": "salah-1"})
        assert bad.status_code == 401
        tokens = (await client.post("/api/v1/auth/login", json={
            "login": phone, "password": password})).json()
        refreshed = (await client.post("/api/v1/auth/refresh", json={
            "refresh_token": tokens["refresh_token"]})).json()
        secrets += [tokens["access_token"], tokens["refresh_token"],
                    refreshed["access_token"], refreshed["refresh_token"]]
        citizen = {"Authorization": f"Bearer {refreshed['access_token']}"}
        opened = await client.post(
            "/api/v1/dukcapil/cases", headers=citizen,
            data={"data": json.dumps({"sop_key": DEMO_SOP, "form": DEMO_FORM})},
            files={"berkas_persyaratan": ("berkas.pdf", DEMO_PDF, "application/pdf")})
        assert opened.status_code == 201
        invalid = await client.post("/api/v1/dukcapil/cases", headers=citizen, json={
            "sop_key": DEMO_SOP, "form": {**DEMO_FORM, "nik_anak": nik[:15]}})
        assert invalid.status_code == 422 and nik[:15] not in invalid.text
        wrong = await client.post(f"/api/v1/dukcapil/cases/{opened.json()['id']}/actions",
                                  headers=citizen, json={"action": "teruskan"})
        assert wrong.status_code == 403
        assert (await client.get(f"/api/v1/tracking/{opened.json()['tracking_no']}",
                                 headers=citizen)).status_code in (200, 404)
        await client.post("/api/v1/auth/logout", json={
            "refresh_token": refreshed["refresh_token"]})
        tampered = await client.get("/api/v1/me/cases",
                                    headers={"Authorization": "Bearer " + nik + ".x.y"})
        assert tampered.status_code == 401
    finally:
        root.handlers[:] = old_handlers
        root.setLevel(old_level)
    text = buffer.getvalue()
    assert text.count("\n") > 10, "the run logged nothing: the check would prove nothing"
    for secret in secrets:
        leaked = [line[:300] for line in text.splitlines() if secret in line]
        assert not leaked, f"a personal value or secret reached the logs: {leaked[:2]}"


async def test_a_case_just_written_is_in_the_inbox_on_the_first_read(
        allinone: tuple[FastAPI, httpx.AsyncClient, str]) -> None:
    """Read-your-writes: the gateway relays a case write only once the tracking read model
    (fed by the relay and consumer tasks) has applied it, so no read needs a retry."""
    _, client, _ = allinone
    citizen = await login(client, "warga3@demo.halo.lamsel", DEMO_PASSWORDS["citizen"])
    operator = await login(client, "operator.disdukcapil@demo.halo.lamsel",
                           DEMO_PASSWORDS["officer"])
    for n in range(8):
        opened = await client.post(
            "/api/v1/dukcapil/cases", headers=citizen,
            data={"data": json.dumps({"sop_key": DEMO_SOP, "form": DEMO_FORM})},
            files={"berkas_persyaratan": ("berkas.pdf", DEMO_PDF, "application/pdf")})
        assert opened.status_code == 201, opened.text
        case = opened.json()
        assert opened.headers["x-case-id"] == case["id"]
        assert int(opened.headers["x-case-seq"]) == 1
        assert "x-tracking-pending" not in opened.headers
        inbox = (await client.get("/api/v1/inbox?limit=100", headers=operator)).json()
        assert case["tracking_no"] in {i["tracking_no"] for i in inbox["items"]}, n
        mine = (await client.get("/api/v1/me/cases?limit=100", headers=citizen)).json()
        assert case["tracking_no"] in {c["tracking_no"] for c in mine["items"]}, n

        moved = await client.post(f"/api/v1/dukcapil/cases/{case['id']}/actions",
                                  headers=operator, json={"action": "teruskan"})
        assert moved.status_code == 200, moved.text
        assert int(moved.headers["x-case-seq"]) == 2
        tracked = (await client.get(f"/api/v1/tracking/{case['tracking_no']}",
                                    headers=citizen)).json()
        assert [e["seq"] for e in tracked["timeline"]] == [1, 2], n
        assert tracked["current_step"]["id"] == "verifikasi_berkas"
