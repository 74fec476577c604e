"""The programs' wrapper freezes what start-up built once the app says its start-up is
complete, and passes everything else through untouched."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest
from starlette.types import Message, Receive, Scope, Send

from shared.web.long_lived import FrozenAfterStartup, freeze_survivors


@pytest.fixture(autouse=True)
def thawed() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()  # the rest of the suite collects as usual


async def test_survivors_are_frozen_when_start_up_completes() -> None:
    seen: list[tuple[str, int]] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        assert scope["type"] == "lifespan"
        await receive()
        seen.append(("before", gc.get_freeze_count()))
        await send({"type": "lifespan.startup.complete"})
        seen.append(("after", gc.get_freeze_count()))

    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "lifespan.startup"}

    async def send(message: Message) -> None:
        sent.append(message)

    await FrozenAfterStartup(app)({"type": "lifespan"}, receive, send)
    assert sent == [{"type": "lifespan.startup.complete"}]
    assert seen[0] == ("before", 0) and seen[1][0] == "after" and seen[1][1] > 1000


async def test_requests_pass_through_and_freeze_nothing() -> None:
    calls: list[str] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        calls.append(scope["type"])
        await send({"type": "http.response.start", "status": 204, "headers": []})

    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    async def receive() -> Message:
        return {"type": "http.request", "body": b""}

    await FrozenAfterStartup(app)({"type": "http"}, receive, send)
    assert calls == ["http"] and sent[0]["status"] == 204
    assert gc.get_freeze_count() == 0


def test_garbage_is_collected_before_the_freeze() -> None:
    class Cycle:
        other: Cycle | None = None

    a, b = Cycle(), Cycle()
    a.other, b.other = b, a  # a cycle only the collector frees
    gone = weakref.ref(a)
    del a, b
    kept = Cycle()
    frozen = freeze_survivors()
    assert gone() is None  # collected, not frozen for the life of the process
    assert frozen == gc.get_freeze_count() > 0
    assert gc.is_tracked(kept)
