"""Retries with backoff (the clock moved by hand, nothing sleeps), the dead letter after the
last attempt, the replay routes, the test ping, secret rotation, and the pause after a day
of failures."""

from __future__ import annotations

import socket
from datetime import timedelta
from pathlib import Path

from prometheus_client import REGISTRY

from tests.gateway.webhooks.support import Hooks, settings, webhook_stack
from tests.support.webhook_receiver import WebhookReceiver


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def one_case(hooks: Hooks) -> None:
    await hooks.stack.open_kia(hooks.stack.headers("warga-1", "citizen"))
    await hooks.consume()


async def test_failures_are_retried_on_the_backoff_schedule(hooks: Hooks) -> None:
    async with hooks.receiver() as receiver:
        sub = await hooks.subscribe(receiver.url)
        receiver.secrets.append(sub["secret"])
        receiver.fail(2, status=503)
        await one_case(hooks)
        start = hooks.stack.clock()
        assert await hooks.deliver() == 1
        (row,) = await hooks.rows()
        assert (row.status, row.attempts, row.last_status_code) == ("pending", 1, 503)
        assert row.next_attempt_at == start + timedelta(seconds=30)
        assert await hooks.deliver() == 0  # not due yet
        assert sample("halo_webhooks_pending") == 1  # the queue depth
        hooks.stack.clock.advance(seconds=29)
        assert await hooks.deliver() == 0
        hooks.stack.clock.advance(seconds=1)
        assert await hooks.deliver() == 1
        (row,) = await hooks.rows()
        assert row.next_attempt_at == hooks.stack.clock() + timedelta(seconds=120)
        hooks.stack.clock.advance(seconds=120)
        before = sample("halo_webhooks_deliveries_total", outcome="delivered")
        assert await hooks.deliver() == 1
    assert sample("halo_webhooks_deliveries_total", outcome="delivered") == before + 1
    assert sample("halo_webhooks_pending") == 0
    (item,) = await hooks.deliveries(sub["id"])
    assert (item["status"], item["attempts"]) == ("delivered", 3)
    assert [(h["outcome"], h["status_code"], h["error"]) for h in item["history"]] == [
        ("retry", 503, "status"), ("retry", 503, "status"), ("delivered", 200, None)]
    assert item["history"][0]["response_excerpt"] == '{"ok": false, "status": 503}'
    # Every try was signed anew, each with its own time.
    stamps = [int(r.headers["halo-webhook-timestamp"]) for r in receiver.received]
    assert stamps[1] - stamps[0] == 30 and stamps[2] - stamps[1] == 120
    assert len(receiver.accepted) == 3
    assert len({r.headers["halo-webhook-id"] for r in receiver.received}) == 1


async def test_jitter_moves_each_wait_within_its_bounds(tmp_path: Path) -> None:
    async with webhook_stack(tmp_path, conf=settings(jitter=0.2)) as hooks:
        async with hooks.receiver() as receiver:
            await hooks.subscribe(receiver.url)
            receiver.fail(1)
            await one_case(hooks)
            start = hooks.stack.clock()
            await hooks.deliver()
        (row,) = await hooks.rows()
    assert row.next_attempt_at is not None
    wait = (row.next_attempt_at - start).total_seconds()
    assert 24 <= wait <= 36 and wait != 30


async def test_the_last_failure_dead_letters_and_the_replay_sends_it_again(hooks: Hooks
                                                                         ) -> None:
    async with hooks.receiver() as receiver:
        sub = await hooks.subscribe(receiver.url)
        receiver.secrets.append(sub["secret"])
        receiver.fail(4)
        await one_case(hooks)
        dead_before = sample("halo_webhooks_dead_lettered_total")
        for wait in (0, 30, 120, 600):
            hooks.stack.clock.advance(seconds=wait)
            assert await hooks.deliver() == 1
        assert sample("halo_webhooks_dead_lettered_total") == dead_before + 1
        (item,) = await hooks.deliveries(sub["id"], status="dead")
        assert item["attempts"] == 4 and item["next_attempt_at"] is None
        assert [h["outcome"] for h in item["history"]] == ["retry"] * 3 + ["dead"]
        hooks.stack.clock.advance(hours=6)
        assert await hooks.deliver() == 0  # dead stays dead
        assert await hooks.deliveries(sub["id"], status="pending") == []

        replay = await hooks.stack.client.post(
            f"/api/v1/webhooks/pengiriman/{item['id']}/ulang", headers=hooks.admin())
        assert replay.status_code == 202, replay.text
        assert (replay.json()["status"], replay.json()["attempts"]) == ("pending", 0)
        assert await hooks.deliver() == 1
        (again,) = await hooks.deliveries(sub["id"])
        assert again["status"] == "delivered" and len(again["history"]) == 5
        # A delivered one can be replayed too: the receiver gets it once more.
        replay = await hooks.stack.client.post(
            f"/api/v1/webhooks/pengiriman/{item['id']}/ulang", headers=hooks.admin())
        assert replay.status_code == 202
        assert await hooks.deliver() == 1
    assert [r.json["type"] for r in receiver.accepted] == ["case.submitted"] * 6
    assert [r.headers["halo-webhook-id"] for r in receiver.accepted] == [item["id"]] * 6


async def test_a_timeout_and_a_closed_port_are_retried(tmp_path: Path) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    async with webhook_stack(tmp_path, conf=settings(timeout_s=0.3)) as hooks:
        async with hooks.receiver() as receiver:
            await hooks.subscribe(receiver.url)
            await hooks.subscribe(f"http://127.0.0.1:{port}/hooks")
            receiver.hang()
            await one_case(hooks)
            assert await hooks.deliver() == 2
        errors = sorted((r.last_error or "", r.status) for r in await hooks.rows())
    assert errors == [("connect", "pending"), ("timeout", "pending")]


async def test_the_window_replay_is_bounded_and_resends(hooks: Hooks) -> None:
    async with hooks.receiver() as receiver:
        sub = await hooks.subscribe(receiver.url)
        receiver.secrets.append(sub["secret"])
        await one_case(hooks)
        start = hooks.stack.clock()
        await hooks.deliver()
        hooks.stack.clock.advance(hours=1)
        await one_case(hooks)
        await hooks.deliver()
        assert len(receiver.accepted) == 2
        url = f"/api/v1/webhooks/langganan/{sub['id']}/ulang"
        since = (start - timedelta(minutes=1)).isoformat()
        until = (start + timedelta(minutes=30)).isoformat()
        client, admin = hooks.stack.client, hooks.admin()
        replay = await client.post(url, headers=admin, params={"sejak": since, "sampai": until})
        assert replay.status_code == 202 and replay.json() == {"queued": 1}
        assert await hooks.deliver() == 1
        assert len(receiver.accepted) == 3
        assert receiver.accepted[2].body == receiver.accepted[0].body
        too_long = await client.post(url, headers=admin, params={
            "sejak": since, "sampai": (start + timedelta(days=8)).isoformat()})
        backwards = await client.post(url, headers=admin, params={"sejak": until,
                                                                 "sampai": since})
    for refused in (too_long, backwards):
        assert refused.status_code == 422
        assert refused.json()["code"] == "webhook-window-invalid"
        assert "paling lama 7 hari" in refused.json()["detail"]


async def test_the_ping_reaches_the_receiver_signed(hooks: Hooks) -> None:
    async with hooks.receiver() as receiver:
        sub = await hooks.subscribe(receiver.url)
        receiver.secrets.append(sub["secret"])
        ping = await hooks.stack.client.post(f"/api/v1/webhooks/langganan/{sub['id']}/uji",
                                             headers=hooks.admin())
        assert ping.status_code == 202, ping.text
        assert await hooks.deliver() == 1
    (got,) = receiver.accepted
    assert got.json["type"] == "webhook.ping" and got.json["subscription_id"] == sub["id"]
    assert got.headers["halo-webhook-id"] == ping.json()["id"]


async def test_rotation_sends_both_signatures_during_the_grace(hooks: Hooks) -> None:
    async with hooks.receiver() as new_only, WebhookReceiver(clock=hooks.now) as old_only:
        sub = await hooks.subscribe(new_only.url)
        old_only.secrets.append(sub["secret"])
        moved = await hooks.stack.client.patch(f"/api/v1/webhooks/langganan/{sub['id']}",
                                               headers=hooks.admin(),
                                               json={"url": old_only.url})
        assert moved.status_code == 200
        rotated = await hooks.stack.client.post(
            f"/api/v1/webhooks/langganan/{sub['id']}/rahasia", headers=hooks.admin())
        assert rotated.status_code == 200, rotated.text
        secret = rotated.json()["secret"]
        assert secret != sub["secret"] and secret.startswith("whsec_") and len(secret) == 70
        old_only.secrets.append(secret)  # verifies with either; see verified_by
        await one_case(hooks)
        await hooks.deliver()
        (got,) = old_only.received
        assert len(got.signatures) == 2
        assert got.verified_by == [sub["secret"], secret]
        # After the grace period (a day by default) only the new secret signs.
        hooks.stack.clock.advance(days=1, seconds=1)
        ping = await hooks.stack.client.post(f"/api/v1/webhooks/langganan/{sub['id']}/uji",
                                             headers=hooks.admin())
        assert ping.status_code == 202
        await hooks.deliver()
        later = old_only.received[1]
    assert len(later.signatures) == 1 and later.verified_by == [secret]
    listed = (await hooks.stack.client.get(f"/api/v1/webhooks/langganan/{sub['id']}",
                                           headers=hooks.admin())).json()
    assert "secret" not in listed and listed["previous_secret_until"] is not None


async def test_a_day_of_failures_pauses_the_subscription(tmp_path: Path) -> None:
    conf = settings(max_attempts=40, backoff_s=(3600.0,))
    async with webhook_stack(tmp_path, conf=conf) as hooks:
        async with hooks.receiver() as receiver:
            sub = await hooks.subscribe(receiver.url)
            receiver.secrets.append(sub["secret"])
            receiver.fail(25)
            await one_case(hooks)
            for _ in range(24):
                assert await hooks.deliver() == 1
                hooks.stack.clock.advance(hours=1)
            url = f"/api/v1/webhooks/langganan/{sub['id']}"
            shown = (await hooks.stack.client.get(url, headers=hooks.admin())).json()
            assert shown["paused"] is False and shown["failing_since"] is not None
            assert await hooks.deliver() == 1  # 24 h after the first failure
            shown = (await hooks.stack.client.get(url, headers=hooks.admin())).json()
            assert shown["paused"] is True and shown["active"] is True
            hooks.stack.clock.advance(hours=2)
            assert await hooks.deliver() == 0  # paused: nothing goes out
            listed = (await hooks.stack.client.get("/api/v1/webhooks/langganan",
                                                   headers=hooks.admin())).json()
            assert [i["paused"] for i in listed["items"]] == [True]
            receiver._plan.clear()
            resumed = await hooks.stack.client.patch(url, headers=hooks.admin(),
                                                     json={"active": True})
            assert resumed.json()["paused"] is False
            assert await hooks.deliver() == 1
        shown = (await hooks.stack.client.get(url, headers=hooks.admin())).json()
    assert shown["failing_since"] is None
    assert (await hooks.rows())[0].status == "delivered"
