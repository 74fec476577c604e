"""The in-app feed (``/api/v1/me/notifications``): newest first, paging, unread counts,
marking read, only one's own; and the channel preferences."""

from __future__ import annotations

from pathlib import Path

from tests.gateway.notifications.support import PHONE, Gateway, notifying_gateway


async def three_notifications(gw: Gateway, applicant: str) -> None:
    for n, type_ in enumerate(("case.submitted", "case.resubmitted", "case.completed")):
        await gw.publish(gw.event(type_, case_id=f"case-{n}", applicant=applicant,
                                  status="completed" if type_ == "case.completed" else "open"))
        gw.clock.advance(minutes=5)
    await gw.consume()


async def test_feed_newest_first_paged_with_unread_counts(gw: Gateway) -> None:
    warga = await gw.account(["citizen"])
    other = await gw.account(["citizen"])
    await three_notifications(gw, warga)
    await three_notifications(gw, other)
    me = gw.headers(warga)
    first = (await gw.client.get("/api/v1/me/notifications?limit=2", headers=me)).json()
    # completed gives two (status and survey), with the same event time: four in all.
    assert (first["total"], first["unread_count"], first["limit"], first["offset"]) == (
        4, 4, 2, 0)
    rest = (await gw.client.get("/api/v1/me/notifications?limit=2&offset=2",
                                headers=me)).json()
    items = first["items"] + rest["items"]
    assert [i["event_type"] for i in items][2:] == ["case.resubmitted", "case.submitted"]
    assert {i["kind"] for i in items[:2]} == {"status", "survey"}
    assert len({i["id"] for i in items}) == 4
    assert items[-1]["tracking_url"] == "/api/v1/tracking/DK-7MQ3-XA9T"
    assert all(i["read_at"] is None for i in items)

    read = await gw.client.post(f"/api/v1/me/notifications/{items[-1]['id']}/read",
                                headers=me)
    assert read.status_code == 200 and read.json()["read_at"] is not None
    again = await gw.client.post(f"/api/v1/me/notifications/{items[-1]['id']}/read",
                                 headers=me)
    assert again.json()["read_at"] == read.json()["read_at"]
    unread = (await gw.client.get("/api/v1/me/notifications?unread=true", headers=me)).json()
    assert (unread["total"], unread["unread_count"]) == (3, 3)
    assert items[-1]["id"] not in {i["id"] for i in unread["items"]}
    done = (await gw.client.get("/api/v1/me/notifications?unread=false", headers=me)).json()
    assert [i["id"] for i in done["items"]] == [items[-1]["id"]]

    everything = await gw.client.post("/api/v1/me/notifications/read-all", headers=me)
    assert everything.json() == {"updated": 3, "unread_count": 0}
    assert (await gw.client.get("/api/v1/me/notifications",
                                headers=me)).json()["unread_count"] == 0
    # The other citizen's feed was not touched.
    theirs = (await gw.client.get("/api/v1/me/notifications",
                                  headers=gw.headers(other))).json()
    assert theirs["unread_count"] == 4


async def test_only_the_owner_sees_or_marks_a_notification(gw: Gateway) -> None:
    warga = await gw.account(["citizen"])
    await three_notifications(gw, warga)
    [item, *_] = (await gw.client.get("/api/v1/me/notifications",
                                      headers=gw.headers(warga))).json()["items"]
    stranger = gw.headers("orang-lain")
    response = await gw.client.post(f"/api/v1/me/notifications/{item['id']}/read",
                                    headers=stranger)
    assert response.status_code == 404
    assert response.json()["code"] == "notification-not-found"
    assert response.json()["detail"] == "Pemberitahuan tidak ditemukan."
    assert (await gw.client.post("/api/v1/me/notifications/tidak-ada/read",
                                 headers=gw.headers(warga))).status_code == 404
    assert (await gw.client.get("/api/v1/me/notifications",
                                headers=stranger)).json()["total"] == 0
    unread = (await gw.client.get("/api/v1/me/notifications", headers=gw.headers(warga)))
    assert unread.json()["unread_count"] == 4
    assert (await gw.client.get("/api/v1/me/notifications")).status_code == 401
    assert (await gw.client.post("/api/v1/me/notifications/read-all")).status_code == 401
    bad = await gw.client.get("/api/v1/me/notifications?limit=0", headers=gw.headers(warga))
    assert bad.status_code == 422


async def test_preferences_defaults_and_changes(tmp_path: Path) -> None:
    async with notifying_gateway(tmp_path) as gw:  # e-mail (Maildir) on, WhatsApp off
        warga = await gw.account(["citizen"], phone=PHONE)
        me = gw.headers(warga)
        prefs = (await gw.client.get("/api/v1/me/notification-preferences", headers=me)).json()
        assert prefs == {"in_app": True, "email": True, "whatsapp": False, "language": "id",
                         "available": {"email": True, "whatsapp": False}}
        refused = await gw.client.put("/api/v1/me/notification-preferences", headers=me,
                                      json={"email": True, "whatsapp": True})
        assert refused.status_code == 422
        assert refused.json()["code"] == "channel-unavailable"
        assert "whatsapp" in refused.json()["detail"]
        off = await gw.client.put("/api/v1/me/notification-preferences", headers=me,
                                  json={"in_app": False, "email": False, "whatsapp": False})
        assert off.status_code == 422  # the feed cannot be turned off
        changed = await gw.client.put("/api/v1/me/notification-preferences", headers=me,
                                      json={"email": False, "whatsapp": False,
                                            "language": "en"})
        assert changed.status_code == 200, changed.text
        assert (changed.json()["email"], changed.json()["language"]) == (False, "en")
        again = (await gw.client.get("/api/v1/me/notification-preferences",
                                     headers=me)).json()
        assert (again["email"], again["whatsapp"], again["language"]) == (False, False, "en")
        # An account unknown to identity has nothing but the feed.
        nobody = (await gw.client.get("/api/v1/me/notification-preferences",
                                      headers=gw.headers("subjek-luar"))).json()
        assert nobody["available"] == {"email": False, "whatsapp": False}
