"""The published event contract: JSON Schema (draft 2020-12) of every message on the bus.

Two kinds of message travel, each on a topic per service (key = what orders them):

* case events, ``halo.<service>.case-events.v1``, key = case id: one per history row of a
  case, of the types in :data:`CASE_EVENT_TYPES` (:func:`event_schema`);
* notices, ``halo.<service>.notices.v1``, key = recipient (:func:`notice_schema`);

and each topic has its dead-letter topic ``<topic>.dlq`` (the record as it was, headers
saying why). :mod:`shared.events.asyncapi` publishes all of it as an AsyncAPI document;
docs/events.md states the compatibility policy. Pure data: no validator is imported here
(the suite validates every event it produces with ``jsonschema``).
"""

from __future__ import annotations

from shared.cases.tracking import SERVICE_CODES
from shared.events.contract.data import DATA, SUMMARY, Schema
from shared.events.contract.schemas import (
    case_envelope_schema,
    data_name,
    definitions,
    event_schema,
    notice_schema,
    type_constraints,
)
from shared.events.envelope import case_topic, dead_letter_topic
from shared.events.notice import notice_topic

__all__ = ["CASE_EVENT_TYPES", "SERVICES", "SUMMARY", "Schema", "case_envelope_schema",
           "data_name", "definitions", "event_schema", "notice_schema", "schema_for_topic",
           "topics", "type_constraints"]

CASE_EVENT_TYPES: tuple[str, ...] = tuple(DATA)
SERVICES: tuple[str, ...] = tuple(SERVICE_CODES)
"""The seven department services (the same list as ``gateway.settings.SERVICES``)."""


def topics() -> dict[str, str]:
    """Every topic of the contract and its kind: ``case-events``, ``notices`` or ``dlq``."""
    found: dict[str, str] = {}
    for service in SERVICES:
        for topic, kind in ((case_topic(service), "case-events"),
                            (notice_topic(service), "notices")):
            found[topic] = kind
            found[dead_letter_topic(topic)] = "dlq"
    return found


def schema_for_topic(topic: str, event_type: str | None) -> Schema | None:
    """The schema a message on ``topic`` must satisfy (``None``: not a contract topic, or a
    case event of a type the contract lacks)."""
    kind = topics().get(topic)
    if kind == "notices":
        return {"$schema": "https://json-schema.org/draft/2020-12/schema",
                **notice_schema()}
    if kind == "case-events" and event_type in DATA:
        return event_schema(event_type)
    return None
