"""Which events a subscription is sent: its types, its SOPs, and only what happened once it
existed (a new subscription is not sent the backlog the consumer had still to read)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from gateway.webhooks.fanout import matches
from gateway.webhooks.tables import WebhookSubscriptionRow
from shared.events.envelope import EventEnvelope
from tests.gateway.survey.support import envelope

CREATED = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
KIA = "dukcapil-kia-0-5-tahun"


def subscription(*, sop_keys: list[str] | None = None) -> WebhookSubscriptionRow:
    return WebhookSubscriptionRow(
        id="s1", agency="disdukcapil", account_id="a1", url="https://siak.example/hook",
        event_types=["case.submitted"], sop_keys=sop_keys or [], secret_sealed="x",
        created_by="admin", created_at=CREATED, updated_at=CREATED)


def event(at: datetime, kind: str = "case.submitted", sop: str = KIA) -> EventEnvelope:
    return envelope("c1", "DK-0001-A0A0", "warga-1", 1, kind, "open", at,
                    agency="disdukcapil", sop=sop)


def test_an_event_before_the_subscription_existed_is_not_sent() -> None:
    sub = subscription()
    assert not matches(sub, event(CREATED - timedelta(seconds=1)))
    assert matches(sub, event(CREATED))
    assert matches(sub, event(CREATED + timedelta(minutes=5)))


def test_type_and_sop_filters() -> None:
    later = CREATED + timedelta(minutes=1)
    assert not matches(subscription(), event(later, kind="case.completed"))
    assert not matches(subscription(sop_keys=["dukcapil-akta-kelahiran"]), event(later))
    assert matches(subscription(sop_keys=[KIA]), event(later))
