"""An httpx transport that calls an ASGI app in process and streams both ways.

httpx's own ``ASGITransport`` collects the app's whole response before returning it, so in
all-in-one mode a large download would sit whole in memory and a slow one would reach the
caller only at its end. This transport runs the app in a task and hands the response over
as soon as the app starts it; body chunks pass through a small bounded queue, so a slow
reader holds the app back instead of filling memory. The request body is read from the
caller's stream only as the app asks for it.

The app sees the request end (``http.disconnect``) only once the response was read to its
end or closed, as a server would report it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from typing import Any

import httpx

Message = MutableMapping[str, Any]
ASGIApp = Callable[[MutableMapping[str, Any], Callable[[], Awaitable[Message]],
                    Callable[[Message], Awaitable[None]]], Awaitable[None]]

QUEUE_CHUNKS = 4
"""Body chunks the app may run ahead of the reader."""

_END = object()


class _Body(httpx.AsyncByteStream):
    def __init__(self, queue: asyncio.Queue[Any], task: asyncio.Task[None],
                 done: asyncio.Event) -> None:
        self._queue = queue
        self._task = task
        self._done = done

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while True:
            item = await self._queue.get()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise httpx.ReadError("the service failed while sending its response") \
                    from item
            yield item

    async def aclose(self) -> None:
        self._done.set()
        if not self._task.done():
            self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await self._task


class StreamingASGITransport(httpx.AsyncBaseTransport):
    def __init__(self, app: ASGIApp, client: tuple[str, int] = ("127.0.0.1", 123)) -> None:
        self.app = app
        self.client = client

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.AsyncByteStream)
        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
            "method": request.method,
            "headers": [(k.lower(), v) for k, v in request.headers.raw],
            "scheme": request.url.scheme, "path": request.url.path,
            "raw_path": request.url.raw_path.split(b"?")[0],
            "query_string": request.url.query, "server": (request.url.host, request.url.port),
            "client": self.client, "root_path": "",
        }
        chunks = request.stream.__aiter__()
        body_sent = False
        ended = False
        done = asyncio.Event()
        started: asyncio.Future[tuple[int, list[tuple[bytes, bytes]]]] = \
            asyncio.get_running_loop().create_future()
        queue: asyncio.Queue[Any] = asyncio.Queue(maxsize=QUEUE_CHUNKS)

        async def receive() -> Message:
            nonlocal body_sent
            if not body_sent:
                try:
                    chunk = await chunks.__anext__()
                except StopAsyncIteration:
                    body_sent = True
                    return {"type": "http.request", "body": b"", "more_body": False}
                return {"type": "http.request", "body": bytes(chunk), "more_body": True}
            await done.wait()
            return {"type": "http.disconnect"}

        async def finish(item: Any) -> None:
            nonlocal ended
            if not ended and not done.is_set():
                ended = True
                await queue.put(item)

        async def send(message: Message) -> None:
            if message["type"] == "http.response.start":
                started.set_result((int(message["status"]), list(message.get("headers", []))))
            elif message["type"] == "http.response.body" and not ended and not done.is_set():
                body = bytes(message.get("body", b""))
                if body:
                    await queue.put(body)
                if not message.get("more_body", False):
                    await finish(_END)

        async def run() -> None:
            try:
                await self.app(scope, receive, send)
            except Exception as exc:  # after a complete response (e.g. a logged 500): done
                if not started.done():
                    started.set_exception(exc)
                else:
                    await finish(exc)
            else:
                if not started.done():
                    started.set_exception(RuntimeError("the app sent no response"))
                else:
                    await finish(_END)

        task = asyncio.create_task(run())
        try:
            status, headers = await started
        except BaseException as exc:
            done.set()
            await asyncio.gather(task, return_exceptions=True)
            raise httpx.ConnectError("the service failed before answering") from exc
        return httpx.Response(status, headers=headers, stream=_Body(queue, task, done),
                              request=request)
