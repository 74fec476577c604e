"""All-in-one: the notifications part is in the gateway (before routing), its consumer and
worker run in the background, the demo citizen finds their demo cases in the feed and the
e-mails are in the Maildir ``var/mail``."""

from __future__ import annotations

import io
import mailbox
from pathlib import Path

import httpx
import pytest

from gateway.allinone_app import build_app
from gateway.app import PART_MODULES
from gateway.settings import SERVICES
from tests.gateway.test_allinone import eventually, login


def test_the_part_is_registered_before_routing() -> None:
    assert PART_MODULES.index("gateway.notifications.part") < PART_MODULES.index(
        "gateway.routing.part")


async def test_demo_cases_reach_the_feed_and_the_maildir(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    monkeypatch.setenv("HALO_VAR_DIR", str(tmp_path))
    for name in ("HALO_ENV", "HALO_WORKERS", "HALO_DATABASE_URL", "HALO_GATEWAY_DATABASE_URL",
                 "HALO_KEY_DIR", "HALO_RUN_MIGRATIONS", "HALO_SMTP_HOST",
                 "HALO_WHATSAPP_TOKEN", "HALO_NOTIFICATIONS_MAILDIR",
                 *(f"HALO_{s.upper()}_DATABASE_URL" for s in SERVICES)):
        monkeypatch.delenv(name, raising=False)
    app = build_app(demo=True, out=io.StringIO())
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://halo") as client:
            citizen = await login(client, "warga1@demo.halo.lamsel", "Demo-Warga-2026")

            async def three() -> dict[str, object] | None:
                body = (await client.get("/api/v1/me/notifications?limit=50",
                                         headers=citizen)).json()
                submitted = [i for i in body["items"] if i["event_type"] == "case.submitted"]
                return body if len(submitted) >= 3 else None

            feed = await eventually(three)
            assert feed["unread_count"] >= 3

            def mails() -> list[str]:
                folder = tmp_path / "mail"
                return [str(m["To"]) for m in mailbox.Maildir(folder, create=False)] \
                    if (folder / "new").exists() else []

            async def delivered() -> list[str] | None:
                return mails() if mails().count("warga1@demo.halo.lamsel") >= 3 else None

            assert "warga1@demo.halo.lamsel" in await eventually(delivered)


def test_the_startup_line_says_where_mail_goes(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from gateway.notifications.settings import startup_line

    monkeypatch.setenv("HALO_VAR_DIR", str(tmp_path))
    for name in ("HALO_SMTP_HOST", "HALO_NOTIFICATIONS_MAILDIR", "HALO_ENV"):
        monkeypatch.delenv(name, raising=False)
    assert startup_line() == (f"E-mail notifications: Maildir {tmp_path / 'mail'}  (read: "
                              f"mutt -f {tmp_path / 'mail'}, or ls {tmp_path / 'mail'}/new)")
    monkeypatch.setenv("HALO_ENV", "production")
    assert startup_line() == "E-mail notifications: off (HALO_SMTP_HOST is not set)"
    monkeypatch.setenv("HALO_SMTP_HOST", "smtp.lampungselatankab.go.id")
    assert startup_line() == "E-mail notifications: SMTP smtp.lampungselatankab.go.id:587"
