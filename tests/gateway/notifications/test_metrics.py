"""The notification metrics count what happened and pass ``promtool check metrics``."""

from __future__ import annotations

from pathlib import Path

from tests.gateway.notifications.support import notifying_gateway, officer_step, settings
from tests.gateway.notifications.test_whatsapp import channel
from tests.ops.test_metrics_promtool import check, scrape, value
from tests.support.whatsapp_standin import WhatsAppStandIn


async def test_metrics_count_sends_retries_and_dead_letters(tmp_path: Path) -> None:
    standin = WhatsAppStandIn()
    standin.fail(500)
    conf = settings(tmp_path, max_attempts=1)
    async with notifying_gateway(tmp_path, conf=conf,
                                 channels={"whatsapp": channel(standin)}) as gw:
        body = await scrape()
        before = {name: value(body, name, channel="whatsapp") for name in (
            "halo_notifications_queued_total", "halo_notifications_dead_lettered_total")}
        sent_before = value(body, "halo_notifications_sent_total", channel="email",
                            outcome="sent")
        warga = await gw.account(["citizen"], phone="+6281234567890")
        await gw.publish(gw.event("case.submitted", applicant=warga, current=officer_step()))
        await gw.consume()
        await gw.deliver()
        body = await scrape()
    assert value(body, "halo_notifications_queued_total", channel="whatsapp") == (
        before["halo_notifications_queued_total"] + 1)
    assert value(body, "halo_notifications_dead_lettered_total", channel="whatsapp") == (
        before["halo_notifications_dead_lettered_total"] + 1)
    assert value(body, "halo_notifications_sent_total", channel="email",
                 outcome="sent") == sent_before + 1
    assert value(body, "halo_notifications_pending", channel="email") == 0
    assert value(body, "halo_notifications_send_duration_seconds_count", channel="email") >= 1
    assert value(body, "halo_events_consumed_total", consumer="gateway-notifications") >= 1
    result = check(body)
    assert result.returncode == 0, result.stdout + result.stderr
