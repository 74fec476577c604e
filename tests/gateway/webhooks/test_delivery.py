"""A KIA case walked through the gateway in front of the real dukcapil service reaches, over
real HTTP, exactly the subscriptions whose event types and SOPs match, signed with the
documented scheme; nothing personal goes out."""

from __future__ import annotations

import json
import uuid

from shared.events.envelope import case_topic
from tests.gateway.routing.harness import KIA_FORM
from tests.gateway.webhooks.support import KIA, OTHER, Hooks
from tests.support.webhook_receiver import verify


async def bus_events(hooks: Hooks) -> list[dict[str, object]]:
    probe = hooks.stack.bus.consumer([case_topic("dukcapil")], f"probe-{uuid.uuid4().hex}")
    await probe.start()
    records = await probe.poll(timeout_ms=5, max_records=1000)
    await probe.stop()
    return [json.loads(r.value) for r in records]


async def test_a_case_reaches_only_the_matching_subscriptions(hooks: Hooks) -> None:
    stack = hooks.stack
    async with hooks.receiver() as steps, hooks.receiver() as returns, \
            hooks.receiver() as other_sop, hooks.receiver() as other_agency:
        a = await hooks.subscribe(steps.url, sop_keys=[KIA])
        b = await hooks.subscribe(returns.url, event_types=["case.returned"])
        c = await hooks.subscribe(other_sop.url, event_types=["case.submitted"],
                                  sop_keys=["dukcapil-yanduksatlantas"])
        d = await hooks.subscribe(other_agency.url, agency=OTHER,
                                  event_types=["case.submitted", "case.returned"])
        off = await hooks.subscribe(other_sop.url, active=False)
        for receiver, sub in ((steps, a), (returns, b), (other_sop, c), (other_agency, d)):
            receiver.secrets.append(sub["secret"])

        citizen = stack.headers("warga-1", "citizen")
        operator = stack.headers("op-1", "disdukcapil:operator")
        case = await stack.open_kia(citizen)
        await stack.act(case["id"], operator, "teruskan")
        await stack.act(case["id"], operator, "tidak_lengkap", comment="berkas buram")
        assert await hooks.settle() == 3

    assert [r.json["type"] for r in steps.accepted] == ["case.submitted", "case.step_completed"]
    assert [r.json["type"] for r in returns.accepted] == ["case.returned"]
    assert other_sop.received == [] and other_agency.received == []
    assert off["active"] is False

    # The body is the envelope as the bus carries it; the headers name the delivery.
    by_id = {e["event_id"]: e for e in await bus_events(hooks)}
    for got in (*steps.received, *returns.received):
        assert got.method == "POST" and got.path == "/hooks/halo"
        assert got.json == by_id[got.json["event_id"]]
        assert got.json["tracking_no"] == case["tracking_no"]
        assert got.headers["halo-webhook-event"] == got.json["type"]
        assert len(got.signatures) == 1 and got.signatures[0].startswith("v1=")
        text = got.body.decode()
        for secret in (KIA_FORM["nik_anak"], KIA_FORM["nomor_kk"], KIA_FORM["nama_anak"]):
            assert secret not in text
    listed = await hooks.deliveries(a["id"])
    assert {i["id"] for i in listed} == {r.headers["halo-webhook-id"] for r in steps.received}
    assert all(i["status"] == "delivered" and i["attempts"] == 1 for i in listed)
    assert [h["status_code"] for i in listed for h in i["history"]] == [200, 200]
    assert listed[0]["history"][0]["response_excerpt"] == '{"ok": true, "status": 200}'

    # Consuming the same events again writes no second delivery.
    await hooks.consume()
    assert len(await hooks.rows()) == 3


async def test_the_documented_verifier_refuses_an_old_timestamp(hooks: Hooks) -> None:
    async with hooks.receiver() as receiver:
        sub = await hooks.subscribe(receiver.url)
        receiver.secrets.append(sub["secret"])
        await hooks.stack.open_kia(hooks.stack.headers("warga-1", "citizen"))
        await hooks.settle()
    got = receiver.accepted[0]
    now = hooks.now()
    assert int(got.headers["halo-webhook-timestamp"]) == int(now)
    assert verify(sub["secret"], got.headers, got.body, now + 299)
    assert not verify(sub["secret"], got.headers, got.body, now + 301)  # replayed later
    assert not verify(sub["secret"], got.headers, got.body + b" ", now)  # body changed
    assert not verify("whsec_" + "0" * 64, got.headers, got.body, now)  # another secret
    forged = {**got.headers, "halo-webhook-timestamp": str(int(now) + 60)}
    assert not verify(sub["secret"], forged, got.body, now + 60)  # a fresh stamp, old sig
