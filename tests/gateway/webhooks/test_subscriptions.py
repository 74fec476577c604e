"""Subscriptions: who manages them (an agency admin only its agency's, 404 otherwise; the
platform admin every one), what they may name, the secret shown once and sealed at rest,
and the refusals in Indonesian."""

from __future__ import annotations

from sqlalchemy import select

from gateway.webhooks.tables import WebhookSubscriptionRow
from tests.gateway.webhooks.support import AGENCY, KIA, OTHER, Hooks
from tests.support.problems import assert_indonesian

URL = "http://127.0.0.1:9/hooks"
LIST = "/api/v1/webhooks/langganan"


async def test_the_secret_is_shown_once_and_sealed_at_rest(hooks: Hooks) -> None:
    created = await hooks.subscribe(URL, sop_keys=[KIA])
    assert created["secret"].startswith("whsec_") and len(created["secret"]) == 70
    assert (created["agency"], created["event_types"], created["sop_keys"]) == (
        AGENCY, ["case.step_completed", "case.submitted"], [KIA])
    shown = (await hooks.stack.client.get(f"{LIST}/{created['id']}",
                                          headers=hooks.admin())).json()
    listed = (await hooks.stack.client.get(LIST, headers=hooks.admin())).json()
    assert "secret" not in shown and all("secret" not in i for i in listed["items"])
    async with hooks.stack.runtime.sessions() as session:
        row = await session.scalar(select(WebhookSubscriptionRow))
    assert row is not None and created["secret"] not in row.secret_sealed
    assert row.secret_sealed.startswith("enc:v1:")
    assert hooks.state.worker.box.open(row.secret_sealed) == created["secret"]


async def test_an_agency_admin_sees_only_its_agency(hooks: Hooks) -> None:
    client = hooks.stack.client
    mine = await hooks.subscribe(URL)
    theirs = await hooks.subscribe(URL, agency=OTHER, event_types=["case.completed"])
    other = hooks.admin(OTHER)
    listed = (await client.get(LIST, headers=other)).json()
    assert [i["id"] for i in listed["items"]] == [theirs["id"]]
    base = f"{LIST}/{mine['id']}"
    for method, path, kwargs in (
            ("GET", base, {}), ("PATCH", base, {"json": {"active": False}}),
            ("DELETE", base, {}), ("POST", f"{base}/rahasia", {}),
            ("POST", f"{base}/uji", {}), ("GET", f"{base}/pengiriman", {}),
            ("POST", f"{base}/ulang", {"params": {"sejak": "2026-11-30T00:00:00Z",
                                                  "sampai": "2026-11-30T01:00:00Z"}})):
        response = await client.request(method, path, headers=other, **kwargs)
        assert_indonesian(response, 404, "webhook-not-found", "Tidak ditemukan",
                          "Langganan webhook tidak ditemukan.")
    # A delivery of my agency is not theirs to replay either.
    await client.post(f"{base}/uji", headers=hooks.admin())
    (delivery,) = await hooks.deliveries(mine["id"])
    replay = await client.post(f"/api/v1/webhooks/pengiriman/{delivery['id']}/ulang",
                               headers=other)
    assert replay.status_code == 404 and replay.json()["code"] == "webhook-delivery-not-found"
    # Nor may they subscribe my agency's integration account.
    account = await hooks.account(AGENCY)
    taken = await client.post(LIST, headers=other, json={
        "account_id": account, "url": URL, "event_types": ["case.submitted"]})
    assert taken.status_code == 422 and taken.json()["code"] == "webhook-account-invalid"
    # Officers and citizens manage no subscription at all.
    for roles in (("disdukcapil:operator",), ("citizen",), ("disdukcapil:integrasi",)):
        refused = await client.get(LIST, headers=hooks.stack.headers("someone", *roles))
        assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    # The platform admin sees both; my own admin still sees mine, unchanged.
    every = (await client.get(LIST, headers=hooks.platform())).json()
    assert {i["id"] for i in every["items"]} == {mine["id"], theirs["id"]}
    still = (await client.get(base, headers=hooks.admin())).json()
    assert still["active"] is True and still["previous_secret_until"] is None


async def test_patch_and_delete(hooks: Hooks) -> None:
    client = hooks.stack.client
    sub = await hooks.subscribe(URL)
    base = f"{LIST}/{sub['id']}"
    patched = await client.patch(base, headers=hooks.admin(), json={
        "event_types": ["case.completed"], "active": False, "description": "arsip"})
    assert patched.status_code == 200, patched.text
    body = patched.json()
    assert (body["event_types"], body["active"], body["description"]) == (
        ["case.completed"], False, "arsip")
    await client.post(f"{base}/uji", headers=hooks.admin())
    assert (await client.delete(base, headers=hooks.admin())).status_code == 204
    assert (await client.get(base, headers=hooks.admin())).status_code == 404
    assert await hooks.rows() == []


async def test_what_a_subscription_may_name(hooks: Hooks) -> None:
    client, admin = hooks.stack.client, hooks.admin()
    account = await hooks.account()
    officer = await hooks.account(roles=["disdukcapil:operator"], kind="officer")

    async def post(**body: object) -> dict[str, object]:
        response = await client.post(LIST, headers=admin, json={
            "account_id": account, "url": URL, "event_types": ["case.submitted"], **body})
        assert response.status_code in (422, 503), response.text
        problem: dict[str, object] = response.json()
        return problem

    assert (await post(event_types=["case.dibuat"]))["code"] == "webhook-event-type-unknown"
    assert (await post(event_types=[]))["code"] == "validation-error"
    assert (await post(account_id=officer))["code"] == "webhook-account-invalid"
    assert (await post(account_id="tidak-ada"))["code"] == "webhook-account-invalid"
    # A SOP of the agency is fine (above); another agency's SOP is not.
    foreign = await client.post(LIST, headers=hooks.admin(OTHER), json={
        "account_id": await hooks.account(OTHER), "url": URL,
        "event_types": ["case.submitted"], "sop_keys": [KIA]})
    assert_indonesian(foreign, 422, "webhook-sop-not-agency", "Data tidak dapat diproses",
                      f"SOP '{KIA}' bukan layanan perangkat daerah '{OTHER}'.")
    # An unknown key cannot be told from one of a service that did not answer: 503.
    assert (await post(sop_keys=["sop-fiktif"]))["code"] == "webhook-catalog-unavailable"
    plain = await post(url="http://contoh.go.id/hooks")
    assert plain["code"] == "webhook-url-scheme"
    assert "wajib https" in str(plain["detail"])
