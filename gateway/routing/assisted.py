"""The gateway's check of an assisted submission: ``on_behalf_of`` must name an active
citizen account, or the submission is refused (422 ``on-behalf-of-unknown``) before
anything reaches the service.

The services cannot see the gateway's accounts, so they take the id as given; the gateway
can. The check applies to ``POST /api/v1/<service>/cases`` from an officer (a caller with an
``<agency>:<role>``; a citizen's ``on_behalf_of`` is refused by the service with 403
``assist-not-permitted`` anyway, and citizens' uploads pass untouched). The account check
comes from the identity part (``runtime.state["active_citizen"]``); a gateway without that
part does not check.

Bodies keep streaming: a JSON body is read whole (the service reads it whole too); in a
multipart body the parts are read only up to the end of the ``data`` part (the web client
sends it first), the bytes read so far are held (in memory up to 1 MiB, then in a temporary
file) and replayed to the service, followed by the rest of the stream. A ``data`` part over
1 MiB is not examined: the service refuses it (its limit for a form field).
"""

from __future__ import annotations

import asyncio
import json
import re
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import IO

from fastapi import Request
from python_multipart.multipart import MultipartParser, parse_options_header

from shared.engine.state import Principal
from shared.web.problems import ProblemError

CitizenCheck = Callable[[str], Awaitable[bool]]
STATE_KEY = "active_citizen"
CASES_PATH = re.compile(r"^/api/v1/[a-z][a-z0-9_-]*/cases/?$")
MAX_DATA = 1 << 20
SPOOL = 1 << 20


class _DataPart:
    """Feeds a multipart body through python-multipart; ``value`` is the first ``data``
    part (a form field, not a file) once it has ended; ``done`` when scanning may stop."""

    def __init__(self, boundary: bytes) -> None:
        self.value: bytes | None = None
        self.too_big = False
        self._name, self._header = bytearray(), bytearray()
        self._headers: dict[bytes, bytes] = {}
        self._inside = False
        self._buf = bytearray()
        self.parser = MultipartParser(boundary, {
            "on_part_begin": self._begin, "on_header_field": self._field,
            "on_header_value": self._value, "on_header_end": self._header_end,
            "on_headers_finished": self._headers_done, "on_part_data": self._data,
            "on_part_end": self._end})

    @property
    def done(self) -> bool:
        return self.value is not None or self.too_big

    def _begin(self) -> None:
        self._headers = {}

    def _field(self, data: bytes, start: int, end: int) -> None:
        self._name += data[start:end]

    def _value(self, data: bytes, start: int, end: int) -> None:
        self._header += data[start:end]

    def _header_end(self) -> None:
        self._headers[bytes(self._name).lower()] = bytes(self._header)
        self._name, self._header = bytearray(), bytearray()

    def _headers_done(self) -> None:
        _, options = parse_options_header(self._headers.get(b"content-disposition", b""))
        self._inside = options.get(b"name") == b"data" and b"filename" not in options

    def _data(self, data: bytes, start: int, end: int) -> None:
        if self._inside and not self.done:
            self._buf += data[start:end]
            self.too_big = len(self._buf) > MAX_DATA

    def _end(self) -> None:
        if self._inside and not self.done:
            self.value = bytes(self._buf)
        self._inside = False


def _on_behalf_of(payload: bytes) -> str | None:
    try:
        body = json.loads(payload or b"{}")
    except ValueError:
        return None  # the service answers its own validation error
    value = body.get("on_behalf_of") if isinstance(body, dict) else None
    return value if isinstance(value, str) else None


def _boundary(content_type: str) -> bytes | None:
    _, options = parse_options_header(content_type)
    return options.get(b"boundary") or None


async def _replay(spool: IO[bytes], rest: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    try:
        await asyncio.to_thread(spool.seek, 0)
        while chunk := await asyncio.to_thread(spool.read, SPOOL):
            yield chunk
        async for chunk in rest:
            yield chunk
    finally:
        spool.close()


async def _scan_multipart(request: Request, boundary: bytes, spool: IO[bytes]
                          ) -> tuple[bytes | None, AsyncIterator[bytes]]:
    """The ``data`` part (or None), the bytes read so far written to ``spool``, and the
    rest of the request's stream."""
    finder = _DataPart(boundary)
    stream = request.stream().__aiter__()
    async for chunk in stream:
        await asyncio.to_thread(spool.write, chunk)
        finder.parser.write(chunk)
        if finder.done:
            break
    return finder.value, stream


async def checked_body(request: Request, who: Principal | None, check: CitizenCheck | None
                       ) -> AsyncIterator[bytes] | None:
    """The body to forward in place of the request's own stream (None: forward it as it
    is), after refusing an ``on_behalf_of`` that names no active citizen account."""
    if (check is None or who is None or not who.agencies() or request.method != "POST"
            or not CASES_PATH.match(request.url.path)):
        return None
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        boundary = _boundary(content_type)
        if boundary is None:
            return None
        spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL)
        try:
            data, rest = await _scan_multipart(request, boundary, spool)
            await _refuse_unknown(data, check)
        except BaseException:
            spool.close()
            raise
        return _replay(spool, rest)
    if content_type.startswith("application/json") or not content_type:
        await _refuse_unknown(await request.body(), check)  # cached: the stream replays it
    return None


async def _refuse_unknown(data: bytes | None, check: CitizenCheck) -> None:
    account = _on_behalf_of(data) if data is not None else None
    if account is not None and not await check(account):
        raise ProblemError(422, "on-behalf-of-unknown")
