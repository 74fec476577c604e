"""SIAK in the SOP flow, through the service API with the real adapter on the stand-in
(SQLite and PostgreSQL): the KABID's verification asks SIAK and records its answer; the
completion queues the KIA for recording; an outage delays the recording, the retry sends
it once."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from services.dukcapil import store
from services.dukcapil.siak_outbox import send_due
from services.dukcapil.tables import SiakRecordRow
from shared.db.tables import HistoryRow, OutboxRow
from shared.outputs.tables import CaseOutputRow
from tests.services.dukcapil.conftest import TOKENS, Dukcapil
from tests.support.kia import FORM, KIA, PDF
from tests.support.siak_standin import Resident

CITIZEN = TOKENS.headers("warga-a", "citizen")
OPERATOR = TOKENS.headers("op-1", "disdukcapil:operator")
KABID = TOKENS.headers("kabid-1", "disdukcapil:kabid")
KADIS = TOKENS.headers("kadis-1", "disdukcapil:kepala_dinas")
CHILD = Resident(FORM["nomor_kk"], FORM["nama_anak"], FORM["tanggal_lahir_anak"])


async def open_at_kabid(dk: Dukcapil) -> str:
    opened = await dk.client.post("/cases", headers=CITIZEN,
                                  files={"berkas_persyaratan": PDF},
                                  data={"data": json.dumps({"sop_key": KIA, "form": FORM})})
    assert opened.status_code == 201, opened.text
    case_id = opened.json()["id"]
    for action in ("teruskan", "lengkap"):
        moved = await act(dk, case_id, OPERATOR, action)
        assert moved.status_code == 200, moved.text
    return case_id


async def act(dk: Dukcapil, case_id: str, who: dict[str, str], action: str,
              comment: str | None = None):  # type: ignore[no-untyped-def]
    body = {"action": action, **({"comment": comment} if comment else {})}
    return await dk.client.post(f"/cases/{case_id}/actions", headers=who, json=body)


async def siak_data(dk: Dukcapil, case_id: str) -> list[dict]:
    async with dk.app.state.runtime.sessions() as session:
        rows = await session.scalars(select(HistoryRow).where(
            HistoryRow.case_id == case_id, HistoryRow.step_id == "verifikasi_siak"))
        return [r.data.get("siak") for r in rows]


async def test_a_child_unknown_to_siak_cannot_be_forwarded(dk: Dukcapil) -> None:
    case_id = await open_at_kabid(dk)
    refused = await act(dk, case_id, KABID, "sampaikan_ke_kadis")
    assert refused.status_code == 422 and refused.json()["code"] == "siak-mismatch"
    assert [(e["field"], e["message"]) for e in refused.json()["errors"]] == [
        ("nik_anak", "Isian ini tidak sesuai dengan data SIAK.")]
    assert FORM["nik_anak"] not in refused.text
    case = (await dk.client.get(f"/cases/{case_id}", headers=KABID)).json()
    assert case["current_step"]["id"] == "verifikasi_siak"  # nothing stored
    rejected = await act(dk, case_id, KABID, "tolak", "Data tidak sesuai SIAK")
    assert rejected.status_code == 200, rejected.text
    assert await siak_data(dk, case_id) == [
        {"ditemukan": False, "status": None,
         "cocok": {"nomor_kk": None, "nama": None, "tanggal_lahir": None}}]


async def test_a_name_that_differs_is_named_without_values(dk: Dukcapil) -> None:
    dk.siak.residents[FORM["nik_anak"]] = Resident(FORM["nomor_kk"], "Siti Rahma",
                                                   FORM["tanggal_lahir_anak"])
    case_id = await open_at_kabid(dk)
    refused = await act(dk, case_id, KABID, "sampaikan_ke_kadis")
    assert refused.status_code == 422
    assert refused.json()["detail"].startswith(
        "Data pemohon tidak sesuai dengan database kependudukan (SIAK): nama_anak.")
    assert "Siti" not in refused.text


async def test_while_siak_is_down_forwarding_waits(dk: Dukcapil) -> None:
    dk.siak.residents[FORM["nik_anak"]] = CHILD
    case_id = await open_at_kabid(dk)
    dk.siak.fail(503)
    down = await act(dk, case_id, KABID, "sampaikan_ke_kadis")
    assert down.status_code == 503 and down.json()["code"] == "siak-unavailable"
    assert down.headers["retry-after"] == "30"
    assert (await act(dk, case_id, KABID, "sampaikan_ke_kadis")).status_code == 200


async def test_verified_issued_completed_and_recorded_once_after_an_outage(dk: Dukcapil
                                                                           ) -> None:
    dk.siak.residents[FORM["nik_anak"]] = CHILD
    runtime = dk.app.state.runtime
    case_id = await open_at_kabid(dk)
    moved = await act(dk, case_id, KABID, "sampaikan_ke_kadis")
    assert moved.status_code == 200, moved.text
    assert await siak_data(dk, case_id) == [
        {"ditemukan": True, "status": "aktif",
         "cocok": {"nomor_kk": True, "nama": True, "tanggal_lahir": True}}]
    async with runtime.sessions() as session:  # the answer reaches the event, no value
        events = list(await session.scalars(select(OutboxRow).where(
            OutboxRow.key == case_id)))
    assert any(json.loads(e.payload)["data"].get("siak", {}).get("ditemukan")
               for e in events)
    assert not any(FORM["nik_anak"] in e.payload for e in events)
    assert (await act(dk, case_id, KADIS, "tte")).status_code == 200
    async with runtime.sessions() as session:
        assert list(await session.scalars(select(SiakRecordRow))) == []  # not yet completed
    assert (await act(dk, case_id, OPERATOR, "serahkan")).status_code == 200

    listed = await dk.client.get("/siak/catatan", headers=KABID, params={"case_id": case_id})
    [record] = listed.json()
    assert record["status"] == "pending" and record["kind"] == "kia"
    assert record["document_number"].startswith("470/")
    assert (await dk.client.get("/siak/catatan", headers=CITIZEN)).status_code == 403

    dk.siak.fail(503)  # SIAK is down at the first pass
    outcome = await send_due(runtime, dk.siak_client)
    assert (outcome.sent, outcome.retried) == (0, 1)
    [after] = (await dk.client.get("/siak/catatan", headers=KABID,
                                   params={"case_id": case_id})).json()
    assert after["status"] == "pending" and after["attempts"] == 1
    assert after["last_error"] == "siak-GANGGUAN"
    again = await send_due(runtime, dk.siak_client)  # not due yet: 5 s backoff
    assert (again.sent, again.retried) == (0, 0)
    dk.clock.now += timedelta(seconds=6)
    done = await send_due(runtime, dk.siak_client)
    assert done.sent == 1
    [sent] = (await dk.client.get("/siak/catatan", headers=KABID,
                                  params={"status": "sent"})).json()
    assert sent["siak_ref"].startswith("SIAK-") and sent["attempts"] == 2
    [(key, doc)] = dk.siak.documents.items()
    assert key == sent["id"] and doc["nik"] == FORM["nik_anak"] and doc["jenis"] == "kia"
    assert doc["nomor_dokumen"] == sent["document_number"]
    assert (await send_due(runtime, dk.siak_client)).sent == 0  # nothing left



async def test_the_background_loop_sends_what_is_due_and_stops(dk: Dukcapil) -> None:
    """The service's loop (ServiceSpec.background) makes a pass at once; the client here stops
    it after its first recording, so the test waits on nothing but the loop itself."""
    import asyncio

    from services.dukcapil.context import DukcapilContext
    from services.dukcapil.siak_outbox import siak_loop

    dk.siak.residents[FORM["nik_anak"]] = CHILD
    case_id = await open_at_kabid(dk)
    for who, action in ((KABID, "sampaikan_ke_kadis"), (KADIS, "tte"),
                        (OPERATOR, "serahkan")):
        assert (await act(dk, case_id, who, action)).status_code == 200
    stop = asyncio.Event()

    class StopAfterRecording:
        async def verify(self, query):  # type: ignore[no-untyped-def]
            return await dk.siak_client.verify(query)

        async def record(self, document, key):  # type: ignore[no-untyped-def]
            ref = await dk.siak_client.record(document, key)
            stop.set()
            return ref

        async def aclose(self) -> None:
            return None

    ctx = DukcapilContext(siak=StopAfterRecording(), from_env=False)
    await siak_loop(ctx)(dk.app.state.runtime, stop)
    [record] = (await dk.client.get("/siak/catatan", headers=KABID,
                                    params={"case_id": case_id})).json()
    assert record["status"] == "sent" and len(dk.siak.documents) == 1


async def test_without_siak_the_verification_step_works_as_before(  # type: ignore[no-untyped-def]
        tmp_path, monkeypatch) -> None:
    """No SIAK configured (the all-in-one demo): forwarding needs no SIAK answer and the
    history gains nothing; the completion still queues the record, pending."""
    monkeypatch.delenv("HALO_DUKCAPIL_SIAK_URL", raising=False)
    from services.dukcapil.app import create_app
    from tests.support.apps import running, service_settings, wiring

    app = create_app(service_settings("dukcapil", f"sqlite+aiosqlite:///{tmp_path / 'd.db'}",
                                      tmp_path), wiring(TOKENS))
    async with running(app) as client:
        dk = Dukcapil(app, client, None, None, None)  # type: ignore[arg-type]
        case_id = await open_at_kabid(dk)
        for who, action in ((KABID, "sampaikan_ke_kadis"), (KADIS, "tte"),
                            (OPERATOR, "serahkan")):
            assert (await act(dk, case_id, who, action)).status_code == 200
        assert await siak_data(dk, case_id) == [None]
        [record] = (await client.get("/siak/catatan", headers=KABID)).json()
        assert record["status"] == "pending" and record["attempts"] == 0


async def test_a_document_is_queued_once_and_only_while_it_stands(dk: Dukcapil) -> None:
    dk.siak.residents[FORM["nik_anak"]] = CHILD
    runtime = dk.app.state.runtime
    case_id = await open_at_kabid(dk)
    for who, action in ((KABID, "sampaikan_ke_kadis"), (KADIS, "tte")):
        assert (await act(dk, case_id, who, action)).status_code == 200
    async with runtime.sessions() as session:
        [(number, code)] = await store.standing_documents(session, case_id)
        at = dk.clock.now
        for _ in range(2):  # the second finds the first and writes nothing
            await store.queue_records(session, case_id=case_id, sop_key=KIA, kind="kia",
                                      documents=[(number, code)], now=at)
        await store.queue_records(session, case_id=case_id, sop_key=KIA, kind="kia",
                                  documents=[], now=at)
        rows = list(await session.scalars(select(SiakRecordRow).where(
            SiakRecordRow.case_id == case_id)))
        assert [(r.document_number, r.verify_code, r.status, r.attempts) for r in rows] == [
            (number, code, "pending", 0)]
        assert rows[0].next_attempt_at == at and rows[0].created_at == at
        output = await session.scalar(select(CaseOutputRow).where(
            CaseOutputRow.case_id == case_id))
        assert output is not None
        output.status = "revoked"
        await session.flush()
        assert await store.standing_documents(session, case_id) == []
        await session.rollback()
