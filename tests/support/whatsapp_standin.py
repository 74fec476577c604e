"""A local stand-in for the WhatsApp Business Cloud API (``POST /{version}/{phone_number_id}
/messages``), for the notification tests: it checks the bearer token and the JSON shape as
the Graph API does, answers the real success shape (``messaging_product``, ``contacts``,
``messages[0].id``) or the Graph error shape, and can be told to fail the next requests
with given statuses (500, 429, 400, ...)."""

from __future__ import annotations

import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

GRAPH_CODES = {400: 100, 401: 190, 429: 130429, 500: 131000, 503: 131000}


def graph_error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": {"message": message, "type": "OAuthException",
                                   "code": GRAPH_CODES.get(status, 131000),
                                   "fbtrace_id": uuid.uuid4().hex[:16]}}, status_code=status)


def shape_problem(body: Any) -> str | None:
    """What is wrong with a send request body (None: a valid one)."""
    if not isinstance(body, dict) or body.get("messaging_product") != "whatsapp":
        return "messaging_product must be whatsapp"
    to = body.get("to")
    if not isinstance(to, str) or not to.isdigit() or not 8 <= len(to) <= 15:
        return "to must be the number in international form, digits only"
    if body.get("recipient_type", "individual") != "individual":
        return "recipient_type must be individual"
    kind = body.get("type")
    if kind == "text":
        text = body.get("text")
        if not isinstance(text, dict) or not isinstance(text.get("body"), str) \
                or not text["body"] or len(text["body"]) > 4096:
            return "text.body must be 1 to 4096 characters"
        return None
    if kind == "template":
        template = body.get("template")
        if not isinstance(template, dict) or not isinstance(template.get("name"), str) \
                or not isinstance(template.get("language"), dict) \
                or not isinstance(template["language"].get("code"), str):
            return "template needs name and language.code"
        for component in template.get("components", []):
            for parameter in component.get("parameters", []):
                if parameter.get("type") != "text" or not isinstance(parameter.get("text"),
                                                                     str):
                    return "template parameters must be text"
        return None
    return f"unsupported type {kind!r}"


@dataclass
class WhatsAppStandIn:
    token: str = "uji-token-wa"
    phone_number_id: str = "106540352242922"
    version: str = "v21.0"
    received: list[dict[str, Any]] = field(default_factory=list)
    """Every accepted message body, in order."""
    requests: int = 0
    fail_next: deque[int] = field(default_factory=deque)

    def fail(self, *statuses: int) -> None:
        """Answer the next requests with these statuses, one each."""
        self.fail_next.extend(statuses)

    async def messages(self, request: Request) -> JSONResponse:
        self.requests += 1
        if request.path_params["version"] != self.version \
                or request.path_params["phone_id"] != self.phone_number_id:
            return graph_error(400, "Unsupported post request: unknown phone number id")
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return graph_error(401, "Invalid OAuth access token")
        if self.fail_next:
            status = self.fail_next.popleft()
            return graph_error(status, "(#131000) Something went wrong"
                               if status >= 500 else "(#130429) Rate limit hit")
        try:
            body = await request.json()
        except ValueError:
            return graph_error(400, "Invalid JSON")
        problem = shape_problem(body)
        if problem:
            return graph_error(400, f"(#100) Invalid parameter: {problem}")
        self.received.append(body)
        return JSONResponse({"messaging_product": "whatsapp",
                             "contacts": [{"input": body["to"], "wa_id": body["to"]}],
                             "messages": [{"id": f"wamid.{uuid.uuid4().hex}"}]})

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/{version}/{phone_id}/messages", self.messages,
                                       methods=["POST"])])
