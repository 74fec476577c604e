"""Every message the suite writes to an outbox is checked against the published contract
(shared/events/contract): a pytest plugin, registered by tests/conftest.py.

The one place every event and notice passes on its way to the bus is an ``OutboxRow``
insert (``CaseStore.apply`` for case events, ``publish_notice`` for notices; the relay only
copies rows). A SQLAlchemy ``before_insert`` listener on ``OutboxRow`` validates each payload
with ``jsonschema`` against the schema of its topic and type; the autouse fixture fails the
test that wrote an invalid one, naming the topic, the type and each violation. The listener
only records: the code under test runs exactly as in production.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from sqlalchemy import event

from shared.db.tables import OutboxRow
from shared.events.contract import schema_for_topic, topics

_found: list[str] = []
"""Violations since the last test ended."""


@lru_cache(maxsize=64)
def _validator(kind: str, event_type: str | None) -> Draft202012Validator | None:
    """One validator per topic kind and type: a type's schema is the same on every topic."""
    topic = next(t for t, k in topics().items() if k == kind)
    schema = schema_for_topic(topic, event_type)
    if schema is None:
        return None
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _published_topic(topic: str) -> str:
    """The contract's topic a test topic stands for: some integration tests give a case topic
    a suffix of their own (``<topic>.t<hex>``, tests/support/dukcapil_kafka.py) so that they
    read only their own records; the events on it are the service's events all the same."""
    base, _, suffix = topic.rpartition(".")
    if base in topics() and suffix.startswith("t") and suffix[1:].isalnum() and len(suffix) > 4:
        return base
    return topic


def contract_problems(topic: str, payload: str | bytes | dict[str, Any]) -> list[str]:
    """Every way ``payload`` (a record's value) breaks the contract of ``topic``; ``[]``
    when it conforms."""
    kind = topics().get(_published_topic(topic))
    if kind is None or kind == "dlq":
        return [f"topic {topic!r} is not in the contract (shared/events/contract)"]
    try:
        value = payload if isinstance(payload, dict) else json.loads(payload)
    except ValueError as exc:
        return [f"not JSON: {exc}"]
    if not isinstance(value, dict):
        return ["not a JSON object"]
    event_type = value.get("type") if kind == "case-events" else None
    validator = _validator(kind, event_type if isinstance(event_type, str) else None)
    if validator is None:
        return [f"event type {event_type!r} is not in the contract "
                "(add it to shared/events/contract/data.py)"]
    return [f"{'/'.join(str(p) for p in error.absolute_path) or '(envelope)'}: {error.message}"
            for error in sorted(validator.iter_errors(value), key=lambda e: list(e.path))]


def _check_row(mapper: Any, connection: Any, row: OutboxRow) -> None:
    problems = contract_problems(row.topic, row.payload)
    if problems:
        try:
            kind = json.loads(row.payload).get("type", "notice")
        except ValueError:
            kind = "?"
        _found.append(f"{row.topic} {kind} (outbox event {row.event_id}):\n    "
                      + "\n    ".join(problems))


def pytest_configure(config: pytest.Config) -> None:
    if not event.contains(OutboxRow, "before_insert", _check_row):
        event.listen(OutboxRow, "before_insert", _check_row)


@pytest.fixture(autouse=True)
def _events_follow_the_contract() -> Iterator[None]:
    """Fail the test if it wrote an outbox message the contract refuses (a module's fixtures
    set up before it count as its own: they are not lost)."""
    yield
    if _found:
        found = list(_found)
        _found.clear()
        pytest.fail("events outside the published contract (docs/events.md; "
                    "python -m shared.events.asyncapi):\n  " + "\n  ".join(found),
                    pytrace=False)


def violations() -> list[str]:
    """What the listener recorded so far in this test (for tests of the check itself)."""
    return list(_found)


def forget() -> None:
    """Drop what was recorded (a test that writes a broken event on purpose)."""
    _found.clear()
