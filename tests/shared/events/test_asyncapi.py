"""The AsyncAPI document of the events (shared/events/asyncapi.py): the committed
docs/events/asyncapi.yaml is what the code makes; every reference resolves; one channel per
topic; each message's payload, read from the document itself, accepts a real envelope and
refuses a broken one; the servers cover every HALO_KAFKA_* protocol and SASL mechanism; the
gateway serves it publicly."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from jsonschema import Draft202012Validator

from gateway.app import create_gateway_app
from shared.events import asyncapi
from shared.events.contract import CASE_EVENT_TYPES, topics
from shared.events.kafka_settings import MECHANISMS
from tests.gateway.routing.harness import gateway_settings
from tests.shared.events.test_contract import envelope

COMMITTED = Path(__file__).resolve().parents[3] / "docs" / "events" / "asyncapi.yaml"


def test_the_committed_document_is_what_the_code_makes(capsys: pytest.CaptureFixture[str]
                                                       ) -> None:
    assert asyncapi.main(["--check", str(COMMITTED)]) == 0, (
        "docs/events/asyncapi.yaml is stale: run python -m shared.events.asyncapi")
    assert yaml.safe_load(COMMITTED.read_text(encoding="utf-8")) == asyncapi.document()


def test_a_stale_file_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stale = tmp_path / "asyncapi.yaml"
    stale.write_text(COMMITTED.read_text(encoding="utf-8").replace("3.0.0", "2.6.0", 1),
                     encoding="utf-8")
    assert asyncapi.main(["--check", str(stale)]) == 1
    assert "run python -m shared.events.asyncapi" in capsys.readouterr().err
    assert asyncapi.main([str(stale)]) == 0
    assert asyncapi.main(["--check", str(stale)]) == 0


def test_the_output_is_deterministic() -> None:
    first = asyncapi.as_yaml()
    asyncapi.document.cache_clear()
    assert asyncapi.as_yaml() == first
    assert "&id" not in first  # no YAML anchors: every reader sees plain values


def _resolve(doc: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), ref
    node: Any = doc
    for part in ref[2:].split("/"):
        assert isinstance(node, dict) and part in node, f"unresolved {ref}"
        node = node[part]
    return node


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [v for k, v in node.items() if k == "$ref"] + [
            r for v in node.values() for r in _refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in _refs(v)]
    return []


def test_every_reference_resolves_and_each_topic_has_its_channel() -> None:
    doc = asyncapi.document()
    assert doc["asyncapi"] == "3.0.0"
    refs = _refs(doc)
    assert len(refs) > 100
    for ref in refs:
        _resolve(doc, ref)
    addresses = {c["address"] for c in doc["channels"].values()}
    assert addresses == set(topics())
    for name, operation in doc["operations"].items():
        channel = _resolve(doc, operation["channel"]["$ref"])
        for message in operation["messages"]:
            assert message["$ref"].startswith(operation["channel"]["$ref"] + "/messages/"), name
        assert operation["action"] in ("send", "receive")
        assert channel["messages"]
    ids = {asyncapi.message_id(t) for t in CASE_EVENT_TYPES}
    assert ids | {"notice", "deadLettered"} == set(doc["components"]["messages"])


def _payload_validator(message: str) -> Draft202012Validator:
    root = {**copy.deepcopy(asyncapi.document()),
            "$ref": f"#/components/messages/{message}/payload"}
    return Draft202012Validator(root)


def test_the_documents_payloads_accept_real_envelopes_and_refuse_broken_ones() -> None:
    submitted = _payload_validator("caseSubmitted")
    good = envelope()
    assert list(submitted.iter_errors(good)) == []
    broken = copy.deepcopy(good)
    del broken["data"]["title"]
    assert list(submitted.iter_errors(broken)) != []
    assert list(_payload_validator("caseCompleted").iter_errors(good)) != []  # wrong type


def test_the_servers_cover_every_protocol_and_mechanism() -> None:
    doc = asyncapi.document()
    servers = doc["servers"]
    described = " ".join(s["description"] for s in servers.values())
    for protocol in ("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"):
        assert f"{protocol}`" in described, protocol
    schemes = doc["components"]["securitySchemes"]
    assert sorted(s["type"] for s in schemes.values()) == sorted(
        {"PLAIN": "plain", "SCRAM-SHA-256": "scramSha256",
         "SCRAM-SHA-512": "scramSha512"}[m] for m in MECHANISMS)
    assert servers["production"]["protocol"] == "kafka-secure"
    assert len(servers["production"]["security"]) == len(MECHANISMS)
    assert "security" not in servers["local"]


async def test_the_gateway_serves_it_without_a_token(tmp_path: Path) -> None:
    app = create_gateway_app(gateway_settings(tmp_path), parts=[])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://gateway") as client:
        as_yaml = await client.get("/asyncapi.yaml")
        as_json = await client.get("/asyncapi.json")
    assert as_yaml.status_code == 200 and as_json.status_code == 200
    assert as_yaml.headers["content-type"].startswith("application/yaml")
    assert as_yaml.text == COMMITTED.read_text(encoding="utf-8")
    assert json.loads(as_json.text) == yaml.safe_load(as_yaml.text)


def test_each_messages_example_satisfies_its_payload() -> None:
    messages = asyncapi.document()["components"]["messages"]
    for name, message in messages.items():
        if name == "deadLettered":
            continue
        [example] = message["examples"]
        assert list(_payload_validator(name).iter_errors(example["payload"])) == [], name
        others = [m for m in messages if m not in (name, "deadLettered", "notice")]
        if name != "notice":  # an example is its own type's, no other's
            assert all(list(_payload_validator(o).iter_errors(example["payload"]))
                       for o in others), name
