"""The channel interface: ``await channel.send(message)``; a failure is a
:class:`RetryableError` (try again later) or a :class:`PermanentError` (never will work).

Errors carry a short error class (``smtp-451``, ``http-500``, ``timeout``, ...) and the
status code where there is one, for the attempt record and the metrics; never the address
or the body.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class Message:
    notification_id: str
    to: str
    """The e-mail address, or the WhatsApp number (``+628...``)."""
    subject: str
    body: str
    language: str = "id"
    template: dict[str, Any] | None = None
    """A WhatsApp template ``{"name", "language", "params"}`` to send instead of the text."""


class DeliveryError(Exception):
    retryable = False

    def __init__(self, error: str, status_code: int | None = None) -> None:
        super().__init__(error)
        self.error = error[:60]
        self.status_code = status_code


class RetryableError(DeliveryError):
    """Temporary: the server is down, busy or rate limiting; try again later."""

    retryable = True


class PermanentError(DeliveryError):
    """The message can never be delivered as it is (e.g. the recipient is refused)."""


class Channel(Protocol):
    name: str

    async def send(self, message: Message) -> str | None:
        """Deliver ``message``; return the provider's message id when it gives one."""
        ...

    async def aclose(self) -> None: ...
