"""The permit registry through the service API, on SQLite and PostgreSQL (integration tier):
a bidan's SIP issued by the Kepala Dinas is registered in that transaction; a third place is
refused at open, naming the limit and its source; a renewal at a place held replaces the
permit; the public verification answers by number and by QR code without personal data;
revocation needs the head, division head or admin and shows in the verification; the holder
lists their own permits."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import select
from sqlmodel import col

from services.perizinan import expiry
from services.perizinan.settings import RegistrySettings
from services.perizinan.tables import PermitRow
from shared.db.tables import AuditRow, OutboxRow
from shared.events.notice import NoticeEnvelope, notice_topic
from shared.outputs.tables import CaseOutputRow
from tests.services.perizinan.support import (
    DINSOS,
    HOLDER,
    KABID,
    KASI,
    NAME,
    NIK,
    OTHER,
    STR_NO,
    bidan_form,
    issue,
    submit,
)
from tests.support.apps import runtime_of


async def _permits(app: Any) -> list[PermitRow]:
    async with runtime_of(app).sessions() as session:
        return list((await session.scalars(select(PermitRow).order_by(
            col(PermitRow.issued_at)))).all())


async def test_the_kadis_issuing_a_sip_registers_the_permit_masked_and_sealed(
        client: httpx.AsyncClient, app_client: tuple[Any, httpx.AsyncClient]) -> None:
    """Issued 3 Dec 2026 09:00 WIB (02:00Z): valid until 3 Dec 2031 02:00Z (5 years)."""
    case = await issue(client, bidan_form("Puskesmas Natar"))
    [row] = await _permits(app_client[0])
    assert row.case_id == case["id"] and row.profession == "bidan"
    assert row.status == "active" and row.holder_account == "bidan-1"
    assert row.valid_until == datetime(2031, 12, 3, 2, 0, tzinfo=UTC)
    assert row.holder_name is not None and row.holder_name.startswith("enc:v1:")
    assert row.nik is not None and NIK not in row.nik and row.nik_hash
    assert row.holder_masked == "S*** R***" and row.place_name == "Puskesmas Natar"
    [output] = case["outputs"]
    assert row.number == output["number"] and row.verify_code
    async with runtime_of(app_client[0]).sessions() as session:
        out = await session.get(CaseOutputRow, row.output_id)
        assert out is not None and out.valid_until == row.valid_until  # shown on /verify
    listed = await client.get("/permits", headers=KABID)
    assert listed.status_code == 200, listed.text
    body = listed.json()
    assert body["total"] == 1 and body["items"][0]["status"] == "active"
    assert body["items"][0]["str_number"] == "7712********1234"
    text = listed.text
    assert NIK not in text and NAME not in text and STR_NO not in text
    one = await client.get(f"/permits/{row.id}", headers=HOLDER)
    assert one.status_code == 200 and one.json()["valid_until"] == "2031-12-03T02:00:00Z"


async def test_a_third_place_is_refused_at_open_naming_the_limit_and_its_source(
        client: httpx.AsyncClient, app_client: tuple[Any, httpx.AsyncClient]) -> None:
    await issue(client, bidan_form("Puskesmas Natar"))
    await issue(client, bidan_form("Klinik Sehat"))
    refused = await submit(client, bidan_form("RS Bob Bazar"))
    assert refused.status_code == 422, refused.text
    problem = refused.json()
    assert problem["code"] == "practice-limit-reached"
    assert "2 tempat praktik" in problem["detail"] and "Permenkes 28/2017" in problem["detail"]
    assert NIK not in refused.text
    third = {**bidan_form("RS Bob Bazar", nik="1801011203850002"), "sip_ke": "3"}
    beyond = await submit(client, third)
    assert beyond.status_code == 422 and beyond.json()["errors"][0]["field"] == "sip_ke"
    assert "batas jumlah tempat praktik" in beyond.json()["errors"][0]["message"]
    # another person is not counted against her
    assert (await submit(client, bidan_form("RS Bob Bazar", nik="1801011203850002"))
            ).status_code == 201


async def test_a_renewal_at_a_place_held_opens_and_replaces_the_permit(
        client: httpx.AsyncClient, app_client: tuple[Any, httpx.AsyncClient]) -> None:
    cases = [await issue(client, bidan_form("Puskesmas Natar")),
             await issue(client, bidan_form("Klinik Sehat")),
             await issue(client, bidan_form(" klinik  SEHAT ", jenis="perpanjangan"))]
    by_case = {r.case_id: r for r in await _permits(app_client[0])}
    rows = [by_case[c["id"]] for c in cases]
    assert [r.status for r in rows] == ["active", "expired", "active"]
    assert rows[1].replaced_by == rows[2].id and rows[1].ended_at is not None
    async with runtime_of(app_client[0]).sessions() as session:
        old = await session.get(CaseOutputRow, rows[1].output_id)
    assert old is not None and old.valid_until == rows[1].ended_at  # /verify: expired


async def test_public_verification_by_number_and_code_without_personal_data(
        client: httpx.AsyncClient, app_client: tuple[Any, httpx.AsyncClient]) -> None:
    await issue(client, bidan_form("Puskesmas Natar"))
    [row] = await _permits(app_client[0])
    by_number = await client.get("/permits/verify", params={"number": row.number.lower()})
    assert by_number.status_code == 200, by_number.text
    answer = by_number.json()
    assert (answer["status"], answer["valid"], answer["holder"]) == ("active", True, "S*** R***")
    assert answer["profession"] == "bidan" and "address" not in answer
    for secret in (NIK, NAME, STR_NO, "Kesehatan No. 9"):
        assert secret not in by_number.text
    by_code = await client.get("/permits/verify", params={"code": row.verify_code})
    assert by_code.status_code == 200 and by_code.json()["number"] == row.number
    unknown = await client.get("/permits/verify", params={"number": "503/9999/DPMPTSP/I/2020"})
    assert unknown.status_code == 404 and unknown.json()["code"] == "permit-not-found"
    assert (await client.get("/permits/verify")).json()["code"] == "permit-query-missing"
    assert (await client.get("/permits/verify", params={"number": "<script>"})
            ).status_code == 422


async def test_revocation_needs_the_head_and_shows_in_the_verification(
        client: httpx.AsyncClient, app_client: tuple[Any, httpx.AsyncClient]) -> None:
    await issue(client, bidan_form("Puskesmas Natar"))
    [row] = await _permits(app_client[0])
    url = f"/permits/{row.id}/revoke"
    reason = {"reason": "STR dinonaktifkan oleh Konsil"}
    waiting = await client.post(url, headers=KABID, json=reason)
    assert waiting.status_code == 409 and "pending" in waiting.json()["detail"]
    outputs = runtime_of(app_client[0]).outputs
    assert outputs is not None and await outputs.worker.run_once() == 1  # signed
    assert (await client.post(url, headers=HOLDER, json=reason)).status_code == 403
    assert (await client.post(url, headers=KASI, json=reason)).status_code == 403
    assert (await client.post(url, headers=OTHER, json=reason)).status_code == 404
    assert (await client.post(url, headers=KABID, json={"reason": "x"})).status_code == 422
    done = await client.post(url, headers=KABID, json=reason)
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "revoked"
    again = await client.post(url, headers=KABID, json=reason)
    assert again.status_code == 409
    async with runtime_of(app_client[0]).sessions() as session:
        [sent] = (await session.scalars(select(OutboxRow).where(
            col(OutboxRow.topic) == notice_topic("perizinan")))).all()
    told = NoticeEnvelope.from_bytes(sent.payload.encode())
    assert (told.recipient, told.template) == ("bidan-1", "permit.revoked")
    assert told.params["reason"] == reason["reason"] and NIK not in sent.payload
    public = (await client.get("/permits/verify", params={"number": row.number})).json()
    assert (public["status"], public["valid"]) == ("revoked", False)
    assert public["revoke_reason"] == reason["reason"]
    verified = (await client.get(f"/outputs/verify/{row.verify_code}")).json()
    assert verified["status"] == "revoked"  # the signed document is revoked too
    async with runtime_of(app_client[0]).sessions() as session:
        audits = (await session.scalars(select(AuditRow).where(
            col(AuditRow.action) == "permit.revoked"))).all()
    assert [a.actor_id for a in audits] == ["kabid-1"]


async def test_the_holder_lists_their_permits_and_officers_of_other_agencies_see_none(
        client: httpx.AsyncClient, app_client: tuple[Any, httpx.AsyncClient]) -> None:
    await issue(client, bidan_form("Puskesmas Natar"))
    mine = await client.get("/permits/mine", headers=HOLDER)
    assert mine.status_code == 200 and len(mine.json()) == 1
    assert (await client.get("/permits/mine", headers=OTHER)).json() == []
    assert (await client.get("/permits", headers=OTHER)).status_code == 403
    other_agency = await client.get("/permits", headers=DINSOS)
    assert other_agency.status_code == 200 and other_agency.json()["total"] == 0
    [row] = await _permits(app_client[0])
    assert (await client.get(f"/permits/{row.id}", headers=DINSOS)).status_code == 404
    assert (await client.get(f"/permits/{row.id}", headers=OTHER)).status_code == 404
    assert (await client.get("/permits", headers=KABID,
                             params={"status": "bogus"})).status_code == 422


async def test_an_output_revoked_by_the_generic_route_revokes_the_permit(
        client: httpx.AsyncClient, app_client: tuple[Any, httpx.AsyncClient]) -> None:
    """POST /cases/{id}/outputs/{oid}/revoke: the registry answers revoked at once, and
    the expiry round copies the revocation onto the permit."""
    case = await issue(client, bidan_form("Puskesmas Natar"))
    outputs = runtime_of(app_client[0]).outputs
    assert outputs is not None and await outputs.worker.run_once() == 1
    [row] = await _permits(app_client[0])
    revoked = await client.post(f"/cases/{case['id']}/outputs/{row.output_id}/revoke",
                                headers=KABID, json={"reason": "Tempat praktik tutup"})
    assert revoked.status_code == 200, revoked.text
    public = (await client.get("/permits/verify", params={"number": row.number})).json()
    assert (public["status"], public["revoke_reason"]) == ("revoked", "Tempat praktik tutup")
    mine = (await client.get("/permits/mine", headers=HOLDER)).json()
    assert mine[0]["status"] == "revoked"
    async with runtime_of(app_client[0]).sessions() as session:
        await expiry.sweep(session, datetime(2027, 1, 1, tzinfo=UTC), RegistrySettings())
        await session.commit()
    [row] = await _permits(app_client[0])
    assert (row.status, row.revoked_by, row.revoke_reason) == (
        "revoked", "kabid-1", "Tempat praktik tutup")
