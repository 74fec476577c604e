"""The webhook signature (docs/webhooks.md): ``v1=<hex HMAC-SHA256(secret, "<ts>.<body>")>``.

The key is the subscription's secret exactly as shown at creation (its ASCII bytes); the
message is the unix timestamp in ``Halo-Webhook-Timestamp``, a dot and the raw body. While a
rotated secret's grace period runs, ``Halo-Webhook-Signature`` carries one ``v1=`` per valid
secret, separated by a space, the newest first. Secrets are sealed at rest with AES-GCM
(:class:`SecretBox`); the clear secret is only ever in the creation or rotation response.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from shared.cases.pii import PiiCipher

PREFIX = "whsec_"
HEADER_ID = "Halo-Webhook-Id"
HEADER_TIMESTAMP = "Halo-Webhook-Timestamp"
HEADER_SIGNATURE = "Halo-Webhook-Signature"
HEADER_EVENT = "Halo-Webhook-Event"
TOLERANCE_S = 300
"""Receivers refuse a timestamp further than this from their clock (replays)."""


def new_secret() -> str:
    """32 random bytes, as ``whsec_<64 hex digits>``."""
    return PREFIX + secrets.token_hex(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode() + b"." + body
    return "v1=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(secrets_: list[str], timestamp: int, body: bytes) -> str:
    return " ".join(signature(s, timestamp, body) for s in secrets_)


def verify(secret: str, header: str, timestamp: str, body: bytes, now: float,
           tolerance_s: int = TOLERANCE_S) -> bool:
    """What a receiver does: the timestamp is recent and one ``v1=`` signature matches."""
    try:
        ts = int(timestamp)
    except ValueError:
        return False
    if abs(now - ts) > tolerance_s:
        return False
    expected = signature(secret, ts, body)
    return any(hmac.compare_digest(expected, part) for part in header.split())


class SecretBox:
    """Seals and opens subscription secrets (AES-GCM, ``HALO_WEBHOOKS_KEY``)."""

    def __init__(self, key: bytes) -> None:
        self._cipher = PiiCipher(key)

    def seal(self, secret: str) -> str:
        return self._cipher.encrypt(secret)

    def open(self, sealed: str) -> str:
        return self._cipher.decrypt(sealed)
