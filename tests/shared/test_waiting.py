"""Ending background loops at stop: a loop that sees the stop event ends on its own within the
grace; one that does not is cancelled when the grace runs out."""

from __future__ import annotations

import asyncio

from shared.aio.waiting import end_tasks, sleep_or_stop


async def test_a_loop_that_sees_the_stop_ends_by_itself_and_a_stuck_one_is_cancelled() -> None:
    stop = asyncio.Event()
    rounds: list[str] = []

    async def polite() -> None:
        while not stop.is_set():
            await sleep_or_stop(stop, 60)
        rounds.append("polite ended")

    async def stuck() -> None:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            rounds.append("stuck cancelled")
            raise

    tasks = [asyncio.create_task(polite()), asyncio.create_task(stuck())]
    await asyncio.sleep(0)
    stop.set()
    await end_tasks(tasks, grace_s=0.2)
    assert sorted(rounds) == ["polite ended", "stuck cancelled"]
    assert not tasks[0].cancelled() and tasks[1].cancelled()
    assert all(task.done() for task in tasks)


async def test_no_tasks_is_nothing_to_wait_for() -> None:
    await end_tasks([], grace_s=5)
