"""The notification consumer on the in-process bus: each event gives exactly one row per
account, channel and kind, to the right people, across redelivery, a consumer restart and a
replay under another group."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from gateway.notifications.part import make_consumer
from gateway.notifications.tables import NotificationRow
from gateway.settings import SERVICES
from shared.events.envelope import StepRef, case_topic
from tests.gateway.notifications.support import PHONE, Gateway, officer_step


async def people(gw: Gateway) -> dict[str, str]:
    return {
        "warga": await gw.account(["citizen"], email="warga@contoh.id", phone=PHONE),
        "op1": await gw.account(["disdukcapil:operator"], agency="disdukcapil"),
        "op2": await gw.account(["disdukcapil:operator", "disdukcapil:kasi"],
                                agency="disdukcapil"),
        "op_off": await gw.account(["disdukcapil:operator"], agency="disdukcapil",
                                   status="disabled"),
        "kabid": await gw.account(["disdukcapil:kabid"], agency="disdukcapil"),
        "kadis": await gw.account(["disdukcapil:kepala_dinas"], agency="disdukcapil"),
        "dinkes": await gw.account(["dinkes:operator"], agency="dinkes"),
    }


def sent_to(rows: list[NotificationRow], names: dict[str, str]) -> set[tuple[str, str, str]]:
    by_id = {v: k for k, v in names.items()}
    return {(by_id.get(r.account_id, r.account_id), r.channel, r.kind) for r in rows}


async def test_submitted_tells_the_applicant_and_the_queue_once(gw: Gateway) -> None:
    who = await people(gw)
    event = gw.event("case.submitted", applicant=who["warga"], current=officer_step(
        step="verifikasi_permohonan"))
    await gw.publish(event)
    assert await gw.consume() == 1
    rows = await gw.rows()
    assert sent_to(rows, who) == {
        ("warga", "inapp", "status"), ("warga", "email", "status"),
        ("op1", "inapp", "status"), ("op1", "email", "status"),
        ("op2", "inapp", "status"), ("op2", "email", "status")}
    assert {r.status for r in rows if r.channel == "inapp"} == {"sent"}
    assert {r.status for r in rows if r.channel == "email"} == {"pending"}
    citizen = next(r for r in rows if r.account_id == who["warga"] and r.channel == "inapp")
    assert citizen.title == "Permohonan DK-7MQ3-XA9T diterima"
    assert "Penerbitan Kartu Identitas Anak (KIA)" in citizen.body
    assert "Dinas Kependudukan dan Pencatatan Sipil" in citizen.body
    officer = next(r for r in rows if r.account_id == who["op1"] and r.channel == "inapp")
    assert officer.audience == "officer" and "antrean Anda" in officer.title

    # The same envelope again (a relay re-publishing it): dropped, nothing new.
    await gw.publish(event)
    assert await gw.consume() == 1
    assert len(await gw.rows()) == len(rows)


async def test_restart_and_replay_write_nothing_twice(gw: Gateway) -> None:
    who = await people(gw)
    events = [gw.event("case.submitted", applicant=who["warga"], current=officer_step()),
              gw.event("case.step_completed", applicant=who["warga"],
                       current=officer_step(role="kabid", step="verifikasi_kabid")),
              gw.event("case.completed", applicant=who["warga"], status="completed")]
    for event in events:
        await gw.publish(event)
    assert await gw.consume() == 3
    before = sorted((r.event_id, r.account_id, r.channel, r.kind) for r in await gw.rows())
    assert len(before) == 6 + 2 + 4  # submitted; kabid; completed and the survey

    state = gw.state
    topics = [case_topic(s) for s in SERVICES]
    # A crash after handling, before the offsets were committed: a new consumer of the same
    # group reads everything again and the processed-event table drops it.
    await state.consumer.stop()
    for key in list(gw.bus._committed):
        if key[0] == state.settings.group:
            gw.bus._committed[key] = 0
    again = make_consumer(gw.bus, topics, state.settings.group, gw.runtime.sessions,
                          state.notifier, state.worker)
    await again.start()
    assert await again.poll_once(timeout_ms=5) == 3
    await again.stop()
    # A replay of the topics under a fresh group: the unique rows drop it.
    replay = make_consumer(gw.bus, topics, "notifications-replay", gw.runtime.sessions,
                           state.notifier, state.worker)
    await replay.start()
    assert await replay.poll_once(timeout_ms=5) == 3
    await replay.stop()
    after = sorted((r.event_id, r.account_id, r.channel, r.kind) for r in await gw.rows())
    assert after == before
    await state.consumer.start()


CASES: list[tuple[str, dict[str, Any], set[tuple[str, str, str]]]] = [
    ("case.returned", {"current": StepRef(id="verifikasi_berkas", role="pemohon", agency=None,
                                          kind="applicant"), "status": "returned",
                       "reason": "Foto buram", "deadline": "2026-12-04T09:00:00+00:00",
                       "requested": {"documents": ["berkas_persyaratan"], "fields": []}},
     {("warga", "inapp", "status"), ("warga", "email", "status")}),
    ("case.resubmitted", {"current": officer_step()},
     {("warga", "inapp", "status"), ("warga", "email", "status"), ("op1", "inapp", "status"),
      ("op1", "email", "status"), ("op2", "inapp", "status"), ("op2", "email", "status")}),
    ("case.rejected", {"status": "rejected", "reason": "Bukan warga Lampung Selatan"},
     {("warga", "inapp", "status"), ("warga", "email", "status"),
      ("warga", "inapp", "survey"), ("warga", "email", "survey")}),
    ("case.expired", {"status": "expired"},
     {("warga", "inapp", "status"), ("warga", "email", "status"),
      ("warga", "inapp", "survey"), ("warga", "email", "survey")}),
    ("case.output_issued", {"output": {"id": "o-1", "kind": "kia", "title": "Kartu Identitas "
                                       "Anak", "number": "KIA/2026/00123", "verify_code": "x"}},
     {("warga", "inapp", "status"), ("warga", "email", "status")}),
    ("case.step_completed", {"current": StepRef(id="konfirmasi_terima", role="pemohon",
                                                agency=None, kind="applicant")},
     {("warga", "inapp", "status"), ("warga", "email", "status")}),
    ("case.step_completed", {"current": officer_step(role="kabid", step="verifikasi_kabid")},
     {("kabid", "inapp", "status"), ("kabid", "email", "status")}),
    ("case.step_completed", {"current": officer_step(kind="external", role="kasi")},
     {("op2", "inapp", "status"), ("op2", "email", "status")}),
    ("case.step_completed", {"current": None}, set()),
    ("case.due_soon", {"current": officer_step()},
     {("op1", "inapp", "status"), ("op1", "email", "status"), ("op2", "inapp", "status"),
      ("op2", "email", "status")}),
    ("case.overdue", {"current": officer_step(),
                      "escalate_to": {"agency": "disdukcapil", "role": "kabid", "level": 1}},
     {("kabid", "inapp", "status"), ("kabid", "email", "status")}),
    ("case.escalated", {"current": officer_step(), "escalate_to": {
        "agency": "disdukcapil", "role": "kepala_dinas", "level": 2}},
     {("kadis", "inapp", "status"), ("kadis", "email", "status")}),
    ("case.withdrawn", {"status": "withdrawn"}, set()),
    ("case.archived", {"status": "archived"}, set()),
]


@pytest.mark.parametrize(("type_", "fields", "expected"), CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
async def test_who_hears_about_each_event(gw: Gateway, type_: str, fields: dict[str, Any],
                                          expected: set[tuple[str, str, str]]) -> None:
    who = await people(gw)
    fields = dict(fields)
    current, status = fields.pop("current", None), fields.pop("status", "open")
    await gw.publish(gw.event(type_, applicant=who["warga"], current=current, status=status,
                              **fields))
    await gw.consume()
    rows = await gw.rows()
    assert sent_to(rows, who) == expected
    assert max(Counter((r.account_id, r.channel, r.kind) for r in rows).values(),
               default=1) == 1


async def test_messages_say_what_the_event_says(gw: Gateway) -> None:
    who = await people(gw)
    returned = gw.event(
        "case.returned", applicant=who["warga"], status="returned",
        current=StepRef(id="verifikasi_berkas", role="pemohon", agency=None, kind="applicant"),
        reason="Foto KK buram", deadline="2026-12-04T09:00:00+00:00",
        requested={"documents": ["kartu_keluarga"], "fields": ["alamat"]})
    output = gw.event("case.output_issued", applicant=who["warga"], output={
        "id": "o-1", "kind": "kia", "title": "Kartu Identitas Anak", "number": "KIA/2026/00123",
        "verify_code": "abc"})
    done = gw.event("case.completed", applicant=who["warga"], status="completed")
    for event in (returned, output, done):
        await gw.publish(event)
    await gw.consume()
    feed = {(r.event_type, r.kind): r for r in await gw.rows(channel="inapp")}
    body = feed[("case.returned", "status")].body
    assert "Alasan: Foto KK buram" in body
    assert "dokumen: kartu keluarga; isian: alamat" in body
    assert "4 Desember 2026 pukul 16.00 WIB" in body  # 09:00 UTC, Asia/Jakarta
    issued = feed[("case.output_issued", "status")]
    assert issued.title == "Dokumen Kartu Identitas Anak siap diunduh"
    assert "siap diunduh: Kartu Identitas Anak nomor KIA/2026/00123" in issued.body
    survey = feed[("case.completed", "survey")]
    assert survey.title == "Nilai layanan kami"
    assert "/api/v1/survey/DK-7MQ3-XA9T" in survey.body


async def test_officers_never_read_the_reason(gw: Gateway) -> None:
    who = await people(gw)
    await gw.publish(gw.event("case.returned", applicant=who["warga"], status="returned",
                              reason="Alasan rahasia pemohon"))
    await gw.publish(gw.event("case.resubmitted", applicant=who["warga"],
                              current=officer_step(), reason="Alasan rahasia pemohon"))
    await gw.consume()
    rows = await gw.rows()
    officer_rows = [r for r in rows if r.audience != "applicant"]
    assert officer_rows and all("rahasia" not in r.body + r.title for r in officer_rows)
    assert any("rahasia" in r.body for r in rows if r.event_type == "case.returned")


async def test_language_and_channel_preferences_are_honoured(gw: Gateway) -> None:
    who = await people(gw)
    response = await gw.client.put("/api/v1/me/notification-preferences",
                                   headers=gw.headers(who["warga"]),
                                   json={"email": False, "whatsapp": False, "language": "en"})
    assert response.status_code == 200, response.text
    await gw.publish(gw.event("case.submitted", applicant=who["warga"],
                              current=officer_step()))
    await gw.consume()
    mine = await gw.rows(account_id=who["warga"])
    assert [(r.channel, r.language, r.title) for r in mine] == [
        ("inapp", "en", "Request DK-7MQ3-XA9T received")]


async def test_an_applicant_unknown_to_identity_still_gets_the_feed(gw: Gateway) -> None:
    await gw.publish(gw.event("case.submitted", applicant="subjek-luar", current=None))
    await gw.consume()
    assert [(r.account_id, r.channel) for r in await gw.rows()] == [("subjek-luar", "inapp")]


async def test_a_large_fan_out_is_inserted_in_chunks(gw: Gateway,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from gateway.notifications import store

    monkeypatch.setattr(store, "INSERT_CHUNK", 4)
    who = await people(gw)
    for _ in range(3):
        await gw.account(["disdukcapil:operator"], agency="disdukcapil")
    event = gw.event("case.submitted", applicant=who["warga"], current=officer_step())
    await gw.publish(event)
    await gw.consume()
    replay = make_consumer(gw.bus, [case_topic("dukcapil")], "chunk-replay",
                           gw.runtime.sessions, gw.state.notifier, gw.state.worker)
    await replay.start()
    await replay.poll_once(timeout_ms=5)
    await replay.stop()
    rows = await gw.rows()
    assert len(rows) == 2 * (1 + 5)  # the citizen and five operators, in-app and e-mail
    assert len({(r.account_id, r.channel) for r in rows}) == len(rows)
