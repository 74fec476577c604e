"""The event contract (shared/events/contract): it names every event type the code emits,
its schemas are valid draft 2020-12, and it accepts what the code writes and refuses what
breaks it (a missing key, a wrong status, a number in a reason, a naive time, an unknown
type, a notice parameter that is not text)."""

from __future__ import annotations

import copy
import re
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from gateway.settings import SERVICES as GATEWAY_SERVICES
from shared.events.contract import (
    CASE_EVENT_TYPES,
    SERVICES,
    event_schema,
    notice_schema,
    topics,
)
from shared.events.contract.examples import NOTICE_EXAMPLE, example
from shared.events.envelope import EventEnvelope, StepRef
from shared.events.notice import new_notice
from shared.sop.model import TERMINALS
from tests.support.event_contract import contract_problems

ROOT = Path(__file__).resolve().parents[3]
PRODUCERS = ["shared", "services"]
"""Where events are made (the gateway only reads them)."""
NOT_EVENTS = {"case.assisted_submission"}
"""``case.*`` literals in producer code that are audit actions, not events."""
_LITERAL = re.compile(r"""["'](case\.[a-z_]+)["']""")
TOPIC = "halo.dukcapil.case-events.v1"
NOTICES = "halo.perizinan.notices.v1"


def _literals() -> set[str]:
    found: set[str] = set()
    for folder in PRODUCERS:
        for path in (ROOT / folder).rglob("*.py"):
            if "tests" in path.parts or "contract" in path.parts:
                continue
            found |= set(_LITERAL.findall(path.read_text(encoding="utf-8")))
    return found


def test_every_type_the_code_emits_is_in_the_contract_and_no_other() -> None:
    emitted = (_literals() - NOT_EVENTS) | {f"case.{o}" for o in TERMINALS.values()}
    missing = sorted(emitted - set(CASE_EVENT_TYPES))
    assert not missing, (f"event types without a schema: {missing}; add them to "
                         "shared/events/contract/data.py (or to NOT_EVENTS if not an event)")
    stale = sorted(set(CASE_EVENT_TYPES) - emitted)
    assert not stale, f"the contract names types no code emits: {stale}"


def test_the_services_and_topics_are_the_gateways() -> None:
    assert SERVICES == GATEWAY_SERVICES
    kinds = topics()
    assert len(kinds) == 28
    assert kinds["halo.pajak.case-events.v1"] == "case-events"
    assert kinds["halo.pajak.case-events.v1.dlq"] == "dlq"
    assert kinds["halo.damkar.notices.v1"] == "notices"


@pytest.mark.parametrize("event_type", CASE_EVENT_TYPES)
def test_each_schema_is_valid_draft_2020_12(event_type: str) -> None:
    Draft202012Validator.check_schema(event_schema(event_type))
    Draft202012Validator.check_schema(notice_schema())


def envelope(event_type: str = "case.submitted", **data: Any) -> dict[str, Any]:
    base = {"agency": "disdukcapil", "title": "KIA", "due_at": "2026-12-03T02:10:00Z",
            "next_step": "verifikasi_permohonan"}
    made = EventEnvelope(
        event_id=str(uuid.uuid4()), type=event_type, source="dukcapil", case_id="c-1",
        tracking_no="DK-2B4C-6D8F", sop_key="dukcapil-kia-0-5-tahun", sop_version=1, seq=1,
        step="pendaftaran", action="ajukan", actor_role="pemohon",
        time=datetime(2026, 12, 3, 2, 0, tzinfo=UTC), status="open",
        current=StepRef(id="verifikasi_permohonan", role="operator", agency="disdukcapil",
                        kind="officer", due_at=datetime(2026, 12, 3, 2, 10, tzinfo=UTC)),
        applicant="subj-1", data=base | data)
    return made.model_dump(mode="json")


def test_an_envelope_as_the_code_writes_it_conforms() -> None:
    assert contract_problems(TOPIC, envelope()) == []
    assisted = envelope(assisted_by={"agency": "disdukcapil", "role": "operator"})
    assert contract_problems(TOPIC, assisted) == []
    returned = envelope("case.returned", reason="Foto buram", deadline=None,
                        requested={"documents": ["pas_foto"], "fields": []})
    returned["status"] = "returned"
    assert contract_problems(TOPIC, returned) == []


def test_a_minor_addition_is_accepted() -> None:
    """Additive change within a major: unknown keys, in the envelope or in data, pass."""
    newer = envelope(siak={"status": "cocok"})
    newer["spec_version"] = "1.1"
    newer["priority"] = "normal"
    assert contract_problems(TOPIC, newer) == []


def _broken(change: str) -> dict[str, Any]:
    value = envelope()
    if change == "no-agency":
        del value["data"]["agency"]
    elif change == "no-seq":
        del value["seq"]
    elif change == "naive-time":
        value["time"] = "2026-12-03T09:00:00"
    elif change == "unknown-status":
        value["status"] = "lost"
    elif change == "officer-id":
        value["data"]["assisted_by"] = {"agency": "a", "role": "r", "actor_id": "op-7"}
    elif change == "spec-version":
        value["spec_version"] = "v1"
    return value


@pytest.mark.parametrize("change", ["no-agency", "no-seq", "naive-time", "unknown-status",
                                    "officer-id", "spec-version"])
def test_a_broken_envelope_is_refused(change: str) -> None:
    assert contract_problems(TOPIC, _broken(change)) != []


def test_what_a_type_fixes_is_checked() -> None:
    completed = envelope("case.completed")  # still "open" and with a current step
    problems = contract_problems(TOPIC, completed)
    assert any(p.startswith("status:") for p in problems)
    assert any(p.startswith("current:") for p in problems)
    rejected = envelope("case.rejected", reason="NIK 1801014505240001 tidak cocok")
    rejected.update(status="rejected", current=None)
    assert [p.split(":")[0] for p in contract_problems(TOPIC, rejected)] == ["data/reason"]
    escalated = envelope("case.escalated", escalate_to={"agency": "d", "role": "k", "level": 1})
    escalated["actor_role"] = "system"
    assert [p.split(":")[0] for p in contract_problems(TOPIC, escalated)] == [
        "data/escalate_to/level"]
    revoked = envelope("case.output_revoked", output={"id": "o-1", "number": "470/1"})
    assert [p.split(":")[0] for p in contract_problems(TOPIC, revoked)] == ["data"]


def test_an_unknown_type_or_topic_is_refused() -> None:
    assert "not in the contract" in contract_problems(TOPIC, envelope("case.teleported"))[0]
    assert "not in the contract" in contract_problems("halo.x.other.v1", envelope())[0]
    assert contract_problems(TOPIC, b"{not json") != []


def test_a_notice_conforms_and_a_broken_one_does_not() -> None:
    notice = new_notice("perizinan", "acct-1", "perizinan.sip-expiring",
                        {"number": "503/12/SIP/2026", "days": "30"},
                        datetime(2026, 12, 3, 2, 0, tzinfo=UTC)).model_dump(mode="json")
    assert contract_problems(NOTICES, notice) == []
    for key, value in (("params", {"days": 30}), ("recipient", ""),
                       ("params", {"hp": "081234567890"}), ("template", "Bad Key")):
        broken = copy.deepcopy(notice)
        broken[key] = value
        assert contract_problems(NOTICES, broken) != [], key
    without = copy.deepcopy(notice)
    del without["created_at"]
    assert contract_problems(NOTICES, without) != []


@pytest.mark.parametrize("event_type", CASE_EVENT_TYPES)
def test_the_published_examples_conform(event_type: str) -> None:
    assert contract_problems(TOPIC, example(event_type)) == []
    assert contract_problems(NOTICES, NOTICE_EXAMPLE) == []
