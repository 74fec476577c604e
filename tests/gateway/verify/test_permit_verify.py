"""A practice permit through the gateway, end to end: a bidan's SIP issued through
``/api/v1/perizinan``, signed by the worker; anyone (no login) checks it by number at
``/api/v1/perizinan/permits/verify`` and by its QR code at ``/verify/{code}``, which now
names its end of validity (5 years); the Kabid revokes it, both answers say so and the
holder is told why; the expiry reminder reaches the holder's notification feed through the
notice consumer."""

from __future__ import annotations

import importlib
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from gateway.identity.part import make_part as identity_part
from gateway.identity.tables import AccountRow
from gateway.notifications.part import NotificationsState
from gateway.notifications.part import make_part as notifications_part
from services.perizinan import expiry
from services.perizinan.settings import RegistrySettings
from tests.gateway.identity.support import SETTINGS as IDENTITY
from tests.gateway.notifications.support import settings
from tests.gateway.routing.harness import Stack, gateway_stack
from tests.services.perizinan.support import NAME, NIK, bidan_form
from tests.support.kia import PDF

HOLDER_ID = "bidan-gw-1"
STEPS = (("dpmptsp:front_office", "lengkap"), ("dpmptsp:front_office", "teruskan"),
         ("dpmptsp:back_office", "teruskan"), ("dpmptsp:kasi", "sesuai"),
         ("dpmptsp:kabid", "sesuai"), ("dpmptsp:kepala_dinas", "terbitkan"))
UNTIL = "2031-11-30T02:00:00Z"
"""The stack's clock issues on 30 Nov 2026 09:00 WIB (02:00Z): 5 years later."""


def parts(tmp: Path) -> list[Any]:
    named = [importlib.import_module(f"gateway.{p}.part").PART
             for p in ("catalog", "tracking", "verify", "routing")]
    return [identity_part(IDENTITY), *named[:3], notifications_part(settings(tmp)), named[3]]


@pytest.fixture
async def stack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Stack]:
    monkeypatch.setenv("HALO_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("HALO_SIGNER", raising=False)
    async with gateway_stack(tmp_path, ("perizinan",), parts=lambda: parts(tmp_path)
                             ) as running:
        yield running


async def issued_sip(stack: Stack) -> dict[str, Any]:
    holder = stack.headers(HOLDER_ID, "citizen")
    opened = await stack.client.post(
        "/api/v1/perizinan/cases", headers=holder, files={"berkas_persyaratan": PDF},
        data={"data": json.dumps({"sop_key": "dpmptsp-izin-praktik-bidan",
                                  "form": bidan_form("Puskesmas Natar")})})
    assert opened.status_code == 201, opened.text
    case_id = opened.json()["id"]
    for role, action in STEPS:
        moved = await stack.client.post(f"/api/v1/perizinan/cases/{case_id}/actions",
                                        headers=stack.headers(f"petugas-{role}", role),
                                        json={"action": action})
        assert moved.status_code == 200, moved.text
    outputs = stack.service("perizinan").outputs
    assert outputs is not None and await outputs.worker.run_once() == 1
    mine = await stack.client.get("/api/v1/perizinan/permits/mine", headers=holder)
    [permit] = mine.json()
    return dict(permit)


async def test_anyone_checks_a_permit_by_number_and_by_qr_and_sees_its_revocation(
        stack: Stack) -> None:
    permit = await issued_sip(stack)
    public = await stack.client.get("/api/v1/perizinan/permits/verify",
                                    params={"number": permit["number"]})
    assert public.status_code == 200, public.text
    assert (public.json()["status"], public.json()["holder"]) == ("active", "S*** R***")
    qr = await stack.client.get(f"/verify/{permit['verify_code']}")
    assert qr.status_code == 200 and qr.json()["status"] == "valid"
    assert qr.json()["valid_until"] == permit["valid_until"] == UNTIL
    for answer in (public.text, qr.text):
        assert NIK not in answer and NAME not in answer
    kabid = stack.headers("kabid-gw", "dpmptsp:kabid")
    revoked = await stack.client.post(f"/api/v1/perizinan/permits/{permit['id']}/revoke",
                                      headers=kabid, json={"reason": "STR dicabut Konsil"})
    assert revoked.status_code == 200, revoked.text
    again = await stack.client.get("/api/v1/perizinan/permits/verify",
                                   params={"code": permit["verify_code"]})
    assert again.json()["status"] == "revoked"
    assert again.json()["revoke_reason"] == "STR dicabut Konsil"
    assert (await stack.client.get(f"/verify/{permit['verify_code']}")).json()["status"] \
        == "revoked"
    await stack.relay()  # the holder is told, with the reason
    state: NotificationsState = stack.runtime.state["notifications"]
    assert state.notices is not None
    while await state.notices.poll_once(timeout_ms=5):
        pass
    feed = await stack.client.get("/api/v1/me/notifications",
                                  headers=stack.headers(HOLDER_ID, "citizen"))
    [told] = [n for n in feed.json()["items"] if n["title"].endswith("dicabut")]
    assert told["title"] == f"Izin {permit['number']} dicabut"
    assert "STR dicabut Konsil" in told["body"]


async def test_the_expiry_reminder_reaches_the_holders_feed(stack: Stack) -> None:
    now = stack.clock()
    async with stack.runtime.sessions() as session:
        session.add(AccountRow(id=HOLDER_ID, kind="citizen", name="Akun Uji",
                               email="bidan@contoh.id", phone=None, password_hash="-",
                               roles=["citizen"], agency=None, created_by="test",
                               created_at=now, updated_at=now))
        await session.commit()
    permit = await issued_sip(stack)
    service = stack.service("perizinan")
    async with service.sessions() as session:
        # 31 Oct 2031 02:00Z is 30 days before the end: the 30-day reminder, 30 days left
        assert await expiry.sweep(session, datetime(2031, 10, 31, 2, 0, tzinfo=UTC),
                                  RegistrySettings()) == (0, 1)
        await session.commit()
    await stack.relay()
    state: NotificationsState = stack.runtime.state["notifications"]
    assert state.notices is not None
    while await state.notices.poll_once(timeout_ms=5):
        pass
    feed = await stack.client.get("/api/v1/me/notifications",
                                  headers=stack.headers(HOLDER_ID, "citizen"))
    assert feed.status_code == 200, feed.text
    titles = [n["title"] for n in feed.json()["items"]]
    assert f"Izin {permit['number']} berakhir dalam 30 hari" in titles
    assert NIK not in feed.text and NAME not in feed.text
