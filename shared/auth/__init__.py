"""Tokens: Ed25519 signing keys with key ids, a JWKS, issuing (gateway) and verifying (all)."""
