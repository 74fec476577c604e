"""WhatsApp over the WhatsApp Business Cloud API (Meta Graph API).

``POST {url}/{version}/{phone_number_id}/messages`` with ``Authorization: Bearer <token>``
and ``{"messaging_product": "whatsapp", "recipient_type": "individual", "to": "628...",
"type": "text", "text": {"body": ...}}``, or ``"type": "template"`` with ``{"name",
"language": {"code"}, "components": [{"type": "body", "parameters": [{"type": "text",
"text": ...}]}]}`` for an approved template (messages a business starts outside the 24-hour
customer window must be templates). A success answers ``{"messaging_product": "whatsapp",
"contacts": [{"input", "wa_id"}], "messages": [{"id": "wamid..."}]}``; a failure answers
``{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}``.

429, 5xx, 408, 401/403 (a token to renew) and network errors are retryable; any other 4xx
is permanent (e.g. a number that is not on WhatsApp). The error class names the Graph error
code when there is one (``graph-131026``).
"""

from __future__ import annotations

from typing import Any

import httpx

from gateway.notifications.channels.base import Message, PermanentError, RetryableError
from gateway.notifications.settings import WhatsAppSettings

RETRY_STATUSES = frozenset({401, 403, 408, 429})
TEMPLATE_LANGUAGES = {"id": "id", "en": "en"}


def recipient(phone: str) -> str:
    """The Cloud API's ``to``: the number in international form, digits only."""
    digits = "".join(c for c in phone if c.isdigit())
    return "62" + digits[1:] if digits.startswith("0") else digits


def payload(message: Message) -> dict[str, Any]:
    body: dict[str, Any] = {"messaging_product": "whatsapp", "recipient_type": "individual",
                            "to": recipient(message.to)}
    template = message.template
    if template:
        body["type"] = "template"
        body["template"] = {
            "name": template["name"],
            "language": {"code": TEMPLATE_LANGUAGES.get(template.get("language", ""), "id")},
            "components": [{"type": "body", "parameters": [
                {"type": "text", "text": str(p)} for p in template.get("params", [])]}]}
    else:
        body["type"] = "text"
        body["text"] = {"preview_url": False, "body": message.body[:4096]}
    return body


def _error_class(response: httpx.Response) -> str:
    try:
        code = response.json().get("error", {}).get("code")
    except (ValueError, AttributeError):
        code = None
    return f"graph-{code}" if isinstance(code, int) else f"http-{response.status_code}"


class WhatsAppChannel:
    name = "whatsapp"

    def __init__(self, settings: WhatsAppSettings,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self._settings = settings
        self._client = httpx.AsyncClient(
            base_url=settings.url, transport=transport,
            timeout=httpx.Timeout(settings.timeout_s, connect=5.0),
            headers={"Authorization": f"Bearer {settings.token}"})

    @property
    def path(self) -> str:
        return f"/{self._settings.version}/{self._settings.phone_number_id}/messages"

    async def send(self, message: Message) -> str | None:
        try:
            response = await self._client.post(self.path, json=payload(message))
        except httpx.TimeoutException:
            raise RetryableError("timeout") from None
        except httpx.TransportError as exc:
            raise RetryableError(f"transport-{type(exc).__name__}") from None
        status = response.status_code
        if status == 200:
            try:
                return str(response.json()["messages"][0]["id"])[:200]
            except (ValueError, KeyError, IndexError, TypeError):
                return None  # accepted without a readable id: do not send it twice
        if status in RETRY_STATUSES or status >= 500:
            raise RetryableError(_error_class(response), status)
        raise PermanentError(_error_class(response), status)

    async def aclose(self) -> None:
        await self._client.aclose()
