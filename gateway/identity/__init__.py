"""The identity part of the gateway: citizen registration, officer and admin accounts, login
with progressive slow-down and lockout, access tokens (Ed25519 JWTs, JWKS, key rotation) and
rotating refresh-token families, per-client rate limits, an audit trail and demo accounts.

Module map: ``settings`` (numbers and secrets), ``tables``/``migrations`` (its own tables in
the gateway database), ``nik``/``fields``/``passwords`` (pure validation), ``store`` (every
query), ``accounts``/``login``/``tokens`` (business logic; never commit), ``ratelimit``,
``deps``/``routes_auth``/``routes_admin`` (thin HTTP layer), ``demo`` and ``part``.
"""
