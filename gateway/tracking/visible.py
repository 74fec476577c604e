"""Read-your-writes for the tracking read model: wait until a case's write is projected.

A service answers a write (``POST /cases``, ``POST /cases/{id}/actions``) with the case's new
history position in ``X-Case-Seq`` (and its id in ``X-Case-Id``). The gateway's proxy, before
it relays that answer, calls :meth:`Visibility.wait_for`: it returns as soon as
``tracked_cases.last_seq`` of the case has reached that seq, or after the budget
(``HALO_TRACKING_WAIT_S``, default 2 s when this gateway runs the tracking consumer, 0
otherwise). The next read of ``/api/v1/inbox``, ``/api/v1/me/cases`` or
``/api/v1/tracking/{no}`` then shows the write.

The check reads the database, so it holds across replicas (the consumer may run in another
gateway). In-process, the consumer's commits wake the waiter at once; otherwise it looks again
every :data:`POLL_S`. A wait that runs out does not fail the write: the answer carries
``X-Tracking-Pending: <seq>`` so a client knows the inbox may not show it yet.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from gateway.tracking.tables import TrackedCaseRow
from shared.aio.waiting import first_of

POLL_S = 0.05
DEFAULT_WAIT_S = 2.0


class Visibility:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], budget_s: float) -> None:
        self._sessions = sessions
        self.budget_s = budget_s
        self._applied = asyncio.Event()

    def applied(self) -> None:
        """Wake every waiter: the consumer committed an event."""
        self._applied.set()
        self._applied = asyncio.Event()

    def watch(self, session: AsyncSession) -> None:
        """Call :meth:`applied` when ``session`` commits (the consumer's handler session)."""
        listener: Callable[[Any], None] = lambda _session: self.applied()  # noqa: E731
        event.listen(session.sync_session, "after_commit", listener, once=True)

    async def seq_of(self, case_id: str) -> int:
        async with self._sessions() as session:
            seq = await session.scalar(select(col(TrackedCaseRow.last_seq))
                                       .where(col(TrackedCaseRow.case_id) == case_id))
        return int(seq or 0)

    async def wait_for(self, case_id: str, seq: int) -> bool:
        """True once the read model has applied ``seq`` of ``case_id``; False after the
        budget."""
        deadline = time.monotonic() + self.budget_s
        while True:
            woken = self._applied
            if await self.seq_of(case_id) >= seq:
                return True
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            await first_of(woken, seconds=min(POLL_S, remaining))
