"""The event contract as an AsyncAPI 3.0 document: ``python -m shared.events.asyncapi``.

Writes ``docs/events/asyncapi.yaml`` (or the file named; ``-`` for standard output;
``--check`` only compares and exits 1 when the committed file is stale). The document is
made from :mod:`shared.events.contract` alone, deterministically (same code, same bytes):

* servers: the broker as the ``HALO_KAFKA_*`` settings allow it (PLAINTEXT locally; SSL,
  SASL_PLAINTEXT or SASL_SSL with PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512);
* one channel per topic: the case events and the notices of each of the seven services and
  the dead-letter topic of each;
* one message per case event type (payload: the envelope and that type's ``data``; key: the
  case id), the notice, and the dead-lettered record (the original value, ``halo-dlq-*``
  headers);
* operations: each service sends its case events and notices, the gateway receives them
  and sends what it cannot apply to the dead-letter topics.

The gateway serves the same document at ``GET /asyncapi.yaml`` and ``/asyncapi.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from shared.events.contract import (
    CASE_EVENT_TYPES,
    SERVICES,
    SUMMARY,
    Schema,
    definitions,
    type_constraints,
)
from shared.events.contract.examples import NOTICE_EXAMPLE, example
from shared.events.envelope import SPEC_VERSION, case_topic, dead_letter_topic
from shared.events.kafka_settings import MECHANISMS
from shared.events.notice import notice_topic

DEFAULT_FILE = Path(__file__).resolve().parents[2] / "docs" / "events" / "asyncapi.yaml"
KAFKA_BINDING = "0.5.0"
DLQ_HEADERS = {
    "halo-dlq-reason": "Why: `undecodable`, `spec-version`, `handler-failed`.",
    "halo-dlq-error": "The error's class name (never its message), or `spec_version <v>`.",
    "halo-dlq-consumer": "The consumer group that gave up on it.",
    "halo-dlq-source": "`<topic>/<partition>/<offset>` of the original record.",
}
_SCHEMES = {"PLAIN": "plain", "SCRAM-SHA-256": "scramSha256", "SCRAM-SHA-512": "scramSha512"}


def _rebase(value: Any) -> Any:
    """``#/$defs/X`` references as ``#/components/schemas/X``."""
    if isinstance(value, dict):
        return {k: (v.replace("#/$defs/", "#/components/schemas/") if k == "$ref"
                    else _rebase(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_rebase(v) for v in value]
    return value


def message_id(event_type: str) -> str:
    """``case.output_issued`` -> ``caseOutputIssued``."""
    head, *rest = event_type.replace(".", "_").split("_")
    return head + "".join(p.capitalize() for p in rest)


def _key(description: str) -> dict[str, Any]:
    return {"kafka": {"key": {"type": "string", "description": description},
                      "bindingVersion": KAFKA_BINDING}}


def _messages() -> dict[str, Schema]:
    messages: dict[str, Schema] = {}
    for event_type in CASE_EVENT_TYPES:
        messages[message_id(event_type)] = {
            "name": event_type, "title": event_type, "summary": SUMMARY[event_type],
            "contentType": "application/json",
            "payload": _rebase({"allOf": [{"$ref": "#/$defs/CaseEventEnvelope"},
                                          type_constraints(event_type)]}),
            "bindings": _key("The case id: a case's events stay in order (by `seq`)."),
            "examples": [{"name": message_id(event_type), "payload": example(event_type)}],
        }
    messages["notice"] = {
        "name": "notice", "title": "notice", "contentType": "application/json",
        "summary": "A department tells one account something no case event says.",
        "payload": {"$ref": "#/components/schemas/NoticeEnvelope"},
        "bindings": _key("The recipient's account id."),
        "examples": [{"name": "permitExpiring", "payload": NOTICE_EXAMPLE}]}
    messages["deadLettered"] = {
        "name": "dead-lettered", "title": "dead-lettered record",
        "contentType": "application/json",
        "summary": "A record a consumer could not apply, copied as it was (key and value), "
                   "with headers saying why and where from; an operator fixes the cause and "
                   "replays it.",
        "headers": {"type": "object", "required": sorted(DLQ_HEADERS),
                    "properties": {k: {"type": "string", "description": v}
                                   for k, v in DLQ_HEADERS.items()}},
        "payload": {"description": "The original value: a case event or a notice, possibly "
                                   "one this contract refuses (that may be why)."},
        "bindings": _key("The original record's key.")}
    return messages


def _servers() -> dict[str, Schema]:
    variables = {"bootstrap": {"default": "127.0.0.1:19092",
                               "description": "`HALO_KAFKA_BOOTSTRAP`: host:port, comma-"
                                              "separated for several brokers"}}
    sasl = [{"$ref": f"#/components/securitySchemes/{_SCHEMES[m]}"} for m in MECHANISMS]
    return {
        "local": {"host": "{bootstrap}", "protocol": "kafka", "variables": variables,
                  "description": "`HALO_KAFKA_SECURITY_PROTOCOL=PLAINTEXT` (the default): "
                                 "the single local broker."},
        "tls": {"host": "{bootstrap}", "protocol": "kafka-secure", "variables": variables,
                "description": "`SSL`: TLS, the brokers' certificates checked against "
                               "`HALO_KAFKA_SSL_CAFILE` (or the system CAs)."},
        "sasl": {"host": "{bootstrap}", "protocol": "kafka", "variables": variables,
                 "security": sasl,
                 "description": "`SASL_PLAINTEXT`: `HALO_KAFKA_SASL_MECHANISM` with "
                                "`HALO_KAFKA_SASL_USERNAME` / `HALO_KAFKA_SASL_PASSWORD` "
                                "(a closed network only)."},
        "production": {"host": "{bootstrap}", "protocol": "kafka-secure",
                       "variables": variables, "security": sasl,
                       "description": "`SASL_SSL`: SASL over TLS; topics created with "
                                      "`HALO_KAFKA_REPLICATION_FACTOR` 3 and "
                                      "`HALO_KAFKA_MIN_INSYNC_REPLICAS` 2."},
    }


def _channel_id(service: str, kind: str, dlq: bool) -> str:
    return service + kind + ("Dlq" if dlq else "")


def _channels() -> dict[str, Schema]:
    case_messages = {message_id(t): {"$ref": f"#/components/messages/{message_id(t)}"}
                     for t in CASE_EVENT_TYPES}
    channels: dict[str, Schema] = {}
    for service in SERVICES:
        for kind, topic, messages, what in (
                ("CaseEvents", case_topic(service), case_messages,
                 f"Case events of {service}: one per history row, key = case id."),
                ("Notices", notice_topic(service),
                 {"notice": {"$ref": "#/components/messages/notice"}},
                 f"Notices of {service} to one account, key = recipient.")):
            channels[_channel_id(service, kind, False)] = {
                "address": topic, "description": what, "messages": messages,
                "bindings": {"kafka": {"topic": topic, "bindingVersion": KAFKA_BINDING}}}
            channels[_channel_id(service, kind, True)] = {
                "address": dead_letter_topic(topic),
                "description": f"Dead-letter topic of `{topic}` (one partition).",
                "messages": {"deadLettered": {"$ref": "#/components/messages/deadLettered"}},
                "bindings": {"kafka": {"topic": dead_letter_topic(topic), "partitions": 1,
                                       "bindingVersion": KAFKA_BINDING}}}
    return channels


def _operation(action: str, channel: str, messages: list[str], summary: str) -> Schema:
    return {"action": action, "channel": {"$ref": f"#/channels/{channel}"},
            "summary": summary,
            "messages": [{"$ref": f"#/channels/{channel}/messages/{m}"} for m in messages]}


def _operations(channels: dict[str, Schema]) -> dict[str, Schema]:
    operations: dict[str, Schema] = {}
    for service in SERVICES:
        for kind, sender, receiver in (
                ("CaseEvents", f"The {service} service (its outbox relay)",
                 "The gateway: tracking and notifications"),
                ("Notices", f"The {service} service (its outbox relay)",
                 "The gateway's notifications")):
            live, dlq = _channel_id(service, kind, False), _channel_id(service, kind, True)
            names = list(channels[live]["messages"])
            operations[f"send{service.capitalize()}{kind}"] = _operation(
                "send", live, names, f"{sender} publishes.")
            operations[f"receive{service.capitalize()}{kind}"] = _operation(
                "receive", live, names, f"{receiver} consume (idempotent by id).")
            operations[f"deadLetter{service.capitalize()}{kind}"] = _operation(
                "send", dlq, ["deadLettered"], "A consumer gives up on a record.")
    return operations


@cache
def document() -> dict[str, Any]:
    channels = _channels()
    return {
        "asyncapi": "3.0.0",
        "info": {"title": "Halo Lamsel events", "version": SPEC_VERSION,
                 "description": "Case events and notices of the seven department services "
                                "of Halo Lamsel (Kabupaten Lampung Selatan) on Kafka. At "
                                "least once: deduplicate by `event_id` / `notice_id`; apply "
                                "a case's events in `seq` order. The compatibility policy "
                                "is in docs/events.md.",
                 "license": {"name": "Internal use of Pemerintah Kabupaten Lampung Selatan"}},
        "defaultContentType": "application/json",
        "servers": _servers(),
        "channels": channels,
        "operations": _operations(channels),
        "components": {
            "schemas": _rebase(definitions()),
            "messages": _messages(),
            "securitySchemes": {
                _SCHEMES[m]: {"type": _SCHEMES[m],
                              "description": f"SASL {m} (`HALO_KAFKA_SASL_MECHANISM={m}`)."}
                for m in MECHANISMS}},
    }


class _Plain(yaml.SafeDumper):
    """Writes a value shared by two places twice instead of as an anchor and an alias."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def as_yaml() -> str:
    return yaml.dump(document(), Dumper=_Plain, sort_keys=False, allow_unicode=True,
                     width=100)


def as_json() -> str:
    return json.dumps(document(), ensure_ascii=False, indent=2) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shared.events.asyncapi",
                                     description="Write the AsyncAPI document of the events.")
    parser.add_argument("file", nargs="?", default=str(DEFAULT_FILE),
                        help="where to write it ('-': standard output)")
    parser.add_argument("--check", action="store_true",
                        help="only compare with the file; exit 1 when it differs")
    args = parser.parse_args(argv)
    text = as_yaml()
    if args.file == "-":
        sys.stdout.write(text)
        return 0
    path = Path(args.file)
    if args.check:
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            sys.stderr.write(f"{path} is stale: run python -m shared.events.asyncapi\n")
            return 1
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
