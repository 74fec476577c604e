"""GeoReport v2 bodies in JSON and XML, and the spec's error shape.

The XML uses the spec's element names: a list is its plural element holding one element per
item (``<services><service>``, ``<service_requests><request>``, ``<attributes><attribute>``,
``<values><value>``, ``<errors><error>``); ``None`` is an empty element, a boolean
``true``/``false``. Errors are ``[{"code", "description"}]`` in JSON and
``<errors><error><code/><description/></error></errors>`` in XML, never problem+json.
"""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree

from fastapi.responses import Response

FORMATS = ("json", "xml")
ITEM_OF: dict[str, str] = {"services": "service", "service_requests": "request",
                           "errors": "error", "attributes": "attribute", "values": "value"}
XML_DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>\n'
MEDIA = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}


class Open311Error(Exception):
    """A GeoReport error: its HTTP status and one or more (code, description) entries."""

    def __init__(self, status: int, code: str, **params: Any) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.params = params
        self.details: list[str] = []
        """Further descriptions, already localised (one per invalid field)."""


def fmt_of(raw: str) -> str:
    """The format named by the extension, or a 404 (the resource does not exist)."""
    if raw not in FORMATS:
        raise Open311Error(404, "open311-format")
    return raw


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(parent: ElementTree.Element, name: str, value: Any) -> None:
    element = ElementTree.SubElement(parent, name)
    if isinstance(value, dict):
        for key, item in value.items():
            _fill(element, key, item)
    elif isinstance(value, list):
        for item in value:
            _fill(element, ITEM_OF[name], item)
    else:
        element.text = _text(value)


def to_xml(root: str, body: Any) -> bytes:
    """``body`` (a list, or a dict for ``service_definition``) under the element ``root``."""
    holder = ElementTree.Element("holder")
    _fill(holder, root, body)
    ElementTree.indent(holder[0])
    return XML_DECLARATION + ElementTree.tostring(holder[0], encoding="unicode").encode("utf-8")


def render(fmt: str, root: str, body: Any, status: int = 200) -> Response:
    """``body`` as JSON (as it is) or as XML under ``root``."""
    if fmt == "xml":
        return Response(to_xml(root, body), status_code=status, media_type=MEDIA["xml"])
    content = json.dumps(body, ensure_ascii=False).encode("utf-8")
    return Response(content, status_code=status, media_type=MEDIA["json"])


def error_body(status: int, descriptions: list[str]) -> list[dict[str, Any]]:
    return [{"code": status, "description": d} for d in descriptions]


def render_error(fmt: str, status: int, descriptions: list[str]) -> Response:
    return render(fmt, "errors", error_body(status, descriptions), status)
