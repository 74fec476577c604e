"""Two delivery loops (two gateway processes) never send one delivery at once: a claim
leases it; a loop whose lease ran out and was taken over records nothing; the consumer's
delivery rows are idempotent on (subscription, event)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import func, select

from gateway.webhooks.delivery import WebhookWorker
from gateway.webhooks.fanout import Fanout
from gateway.webhooks.tables import WebhookAttemptRow
from shared.events.envelope import EventEnvelope
from tests.gateway.webhooks.support import KIA, Hooks


async def test_a_leased_delivery_is_not_sent_twice(hooks: Hooks) -> None:
    async with hooks.receiver() as receiver:
        sub = await hooks.subscribe(receiver.url)
        receiver.secrets.append(sub["secret"])
        await hooks.stack.client.post(f"/api/v1/webhooks/langganan/{sub['id']}/uji",
                                      headers=hooks.admin())
        runtime = hooks.stack.runtime
        first = hooks.state.worker
        second = WebhookWorker(runtime.sessions, hooks.state.settings, runtime.clock)
        try:
            claimed = await first._claim("lease-a")  # the first loop holds it now ...
            assert len(claimed) == 1
            assert await second.run_once() == 0  # ... so the second finds nothing
            # The first loop stalls past its lease; the second takes it over and sends.
            hooks.stack.clock.advance(seconds=hooks.state.settings.lease_s + 1)
            assert await second.run_once() == 1
            delivery, subscription = claimed[0]
            late = await first.send(delivery, subscription)
            await first._record(delivery.id, "lease-a", late)  # its result is dropped
        finally:
            await second.aclose()
    assert len(receiver.accepted) == 2  # sent by both, recorded once
    (row,) = await hooks.rows()
    assert (row.status, row.attempts, row.lease_token) == ("delivered", 1, None)
    async with runtime.sessions() as session:
        attempts = await session.scalar(select(func.count()).select_from(WebhookAttemptRow))
    assert attempts == 1


async def test_one_delivery_per_subscription_and_event(hooks: Hooks) -> None:
    sub = await hooks.subscribe("http://127.0.0.1:9/hooks", sop_keys=[KIA])
    event = EventEnvelope(
        event_id=str(uuid.uuid4()), type="case.submitted", source="dukcapil",
        case_id="case-1", tracking_no="DK-7MQ3-XA9T", sop_key=KIA, sop_version=1, seq=1,
        actor_role="pemohon", time=hooks.stack.clock() + timedelta(seconds=1), status="open",
        data={"agency": "disdukcapil", "title": "KIA", "due_at": None, "next_step": None})
    fanout = Fanout(hooks.stack.runtime.clock)
    for _ in range(2):
        async with hooks.stack.runtime.sessions() as session:
            await fanout.handle(session, event)
            await session.commit()
    (row,) = await hooks.rows()
    assert (row.subscription_id, row.event_id, row.event_seq) == (sub["id"], event.event_id, 1)
    other = event.model_copy(update={"sop_key": "dukcapil-yanduksatlantas",
                                     "event_id": str(uuid.uuid4())})
    async with hooks.stack.runtime.sessions() as session:
        await fanout.handle(session, other)
        await session.commit()
    assert len(await hooks.rows()) == 1  # another SOP: not this subscription's
