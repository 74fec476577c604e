"""The webhook metrics count what happened and pass ``promtool check metrics``."""

from __future__ import annotations

from tests.gateway.webhooks.support import Hooks
from tests.ops.test_metrics_promtool import check, scrape, value

NAMES = ("halo_webhooks_dead_lettered_total",
         "halo_webhooks_attempt_duration_seconds_count")


async def test_metrics_count_queued_attempts_and_dead_letters(hooks: Hooks) -> None:
    async with hooks.receiver() as receiver:
        sub = await hooks.subscribe(receiver.url, event_types=["case.submitted"])
        receiver.secrets.append(sub["secret"])
        receiver.fail(4)
        body = await scrape()
        before = {name: value(body, name) for name in NAMES}
        queued = value(body, "halo_webhooks_queued_total", reason="event")
        retries = value(body, "halo_webhooks_deliveries_total", outcome="retry")
        await hooks.stack.open_kia(hooks.stack.headers("warga-1", "citizen"))
        await hooks.consume()
        for wait in (0, 30, 120, 600):  # four attempts (the test settings), all failing
            hooks.stack.clock.advance(seconds=wait)
            await hooks.deliver()
        body = await scrape()
    assert value(body, "halo_webhooks_queued_total", reason="event") == queued + 1
    assert value(body, "halo_webhooks_deliveries_total", outcome="retry") == retries + 3
    assert value(body, "halo_webhooks_dead_lettered_total") == (
        before["halo_webhooks_dead_lettered_total"] + 1)
    assert value(body, "halo_webhooks_attempt_duration_seconds_count") == (
        before["halo_webhooks_attempt_duration_seconds_count"] + 4)
    assert value(body, "halo_webhooks_pending") == 0
    result = check(body)
    assert result.returncode == 0, result.stdout + result.stderr
