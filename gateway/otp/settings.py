"""Settings of the one-time code part (the regency's choices, not a law's), read at start.

``HALO_OTP_TTL_S`` (300): how long a code is valid. ``HALO_OTP_MAX_ATTEMPTS`` (5): wrong
tries before the code is void. ``HALO_OTP_RATE_NUMBER`` (``3/900``): codes per number per
window; ``HALO_OTP_RATE_ADDRESS`` (``10/3600``): code requests per client address per window;
``HALO_OTP_VERIFY_RATE_ADDRESS`` (``30/3600``): verifications per client address.
``HALO_OTP_TOKEN_TTL_S`` (7200): lifetime of the reporter's access token. The counts live in
the gateway database, so the limits hold across gateway replicas and restarts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from shared.settings import RateLimit, SettingsError, env_int, env_limit

PURPOSES = ("darurat-damkar",)
"""What a code may be asked for; each purpose names the role its token carries."""
REPORTER_ROLE = "pelapor-darurat"


@dataclass(frozen=True)
class OtpSettings:
    ttl_s: int = 300
    max_attempts: int = 5
    per_number: RateLimit = field(default_factory=lambda: RateLimit(3, 900.0))
    per_address: RateLimit = field(default_factory=lambda: RateLimit(10, 3600.0))
    verify_per_address: RateLimit = field(default_factory=lambda: RateLimit(30, 3600.0))
    token_ttl_s: int = 7200

    @classmethod
    def from_env(cls) -> OtpSettings:
        conf = cls(ttl_s=env_int("HALO_OTP_TTL_S", 300),
                   max_attempts=env_int("HALO_OTP_MAX_ATTEMPTS", 5),
                   per_number=env_limit("HALO_OTP_RATE_NUMBER", RateLimit(3, 900.0)),
                   per_address=env_limit("HALO_OTP_RATE_ADDRESS", RateLimit(10, 3600.0)),
                   verify_per_address=env_limit("HALO_OTP_VERIFY_RATE_ADDRESS",
                                                RateLimit(30, 3600.0)),
                   token_ttl_s=env_int("HALO_OTP_TOKEN_TTL_S", 7200))
        if not 30 <= conf.ttl_s <= 3600 or not 1 <= conf.max_attempts <= 20 \
                or not 300 <= conf.token_ttl_s <= 86400:
            raise SettingsError("HALO_OTP_*: TTL 30-3600 s, percobaan 1-20, token 300-86400 s")
        return conf
