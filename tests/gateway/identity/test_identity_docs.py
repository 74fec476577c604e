"""The registration rules and the password policy are stated where clients read them (the
OpenAPI description of the register endpoint) and in docs/identity.md, with the numbers the
code uses."""

from __future__ import annotations

import re
from pathlib import Path

from gateway.identity import passwords
from gateway.identity.settings import LoginPolicy, _default_limits
from tests.gateway.identity.support import Gateway

ROOT = Path(__file__).resolve().parents[3]
DOC = ROOT / "docs" / "identity.md"
POLICY_CODES = ("password-too-short", "password-too-long", "password-letters-digits",
                "password-personal", "password-common")


async def test_the_register_endpoint_documents_the_rules(gw: Gateway) -> None:
    spec = (await gw.client.get("/openapi.json")).json()
    operation = spec["paths"]["/api/v1/auth/register"]["post"]
    text = operation["description"]
    assert f"{passwords.MIN_LENGTH} to {passwords.MAX_LENGTH} characters" in text
    for code in (*POLICY_CODES, "nik-region", "nik-birth-date", "nik-future", "nik-serial",
                 "+628", "409", "HALO_IDENTITY_RATE_REGISTER"):
        assert code in text, code
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    form = spec["components"]["schemas"][ref.rsplit("/", 1)[1]]["properties"]
    assert form["password"]["minLength"] == passwords.MIN_LENGTH
    assert form["password"]["maxLength"] == passwords.MAX_LENGTH
    assert "letter and one digit" in form["password"]["description"]
    assert "16 digits" in form["nik"]["description"]
    assert "08…, 628… or +628…" in form["phone"]["description"]
    login = spec["paths"]["/api/v1/auth/login"]["post"]
    assert "Retry-After" in login["description"] and "423" in login["description"]


def test_docs_identity_states_the_numbers_the_code_uses() -> None:
    doc = DOC.read_text(encoding="utf-8")
    assert f"{passwords.MIN_LENGTH} to {passwords.MAX_LENGTH} characters" in doc
    for code in POLICY_CODES:
        assert f"`{code}`" in doc
    policy = LoginPolicy()
    for failures in range(policy.slow_after, policy.lock_after + 1):
        assert f"Retry-After: {policy.delay_s(failures)}`" in doc
    assert f"{policy.lock_s // 60} minutes" in doc
    assert f"`HALO_IDENTITY_LOCK_S` ({policy.lock_s})" in doc
    for route, limit in _default_limits().items():
        assert f"{limit.count} per {limit.window_s:g} s | `HALO_IDENTITY_RATE_{route.upper()}`" \
            in doc
    for name in ("HALO_FORWARDED_ALLOW_IPS", "HALO_IDENTITY_SLOW_AFTER",
                 "HALO_IDENTITY_BASE_DELAY_S", "HALO_IDENTITY_LOCK_AFTER",
                 "HALO_IDENTITY_FAILURE_WINDOW_S", "HALO_ARGON2_TIME_COST"):
        assert f"`{name}`" in doc
    for word in ("bismillah", "lampungselatan", "halolamsel"):
        assert word in passwords.COMMON_PASSWORDS and word in doc


def test_docs_identity_lists_every_audit_action() -> None:
    doc = DOC.read_text(encoding="utf-8")
    source = "\n".join(p.read_text(encoding="utf-8")
                       for p in (ROOT / "gateway" / "identity").glob("*.py"))
    actions = set(re.findall(r'"((?:account|session|keys)\.[a-z-]+)"', source))
    assert {"account.registered", "account.locked", "session.logout",
            "session.disabled-revoked"} <= actions
    for action in actions | {"account.disabled", "account.active"}:
        assert f"`{action}`" in doc, action
