"""Settings of the notifications part, read from the environment at start.

E-mail: ``HALO_SMTP_HOST`` (none: in development every e-mail goes to the Maildir
``HALO_NOTIFICATIONS_MAILDIR``, default ``var/mail``; in production e-mail is off),
``HALO_SMTP_PORT`` (587), ``HALO_SMTP_USER``, ``HALO_SMTP_PASSWORD``, ``HALO_SMTP_FROM``,
``HALO_SMTP_STARTTLS`` (``1``, the default, or ``0``).
WhatsApp Business Cloud API: ``HALO_WHATSAPP_URL`` (``https://graph.facebook.com``),
``HALO_WHATSAPP_VERSION`` (``v21.0``), ``HALO_WHATSAPP_TOKEN``,
``HALO_WHATSAPP_PHONE_NUMBER_ID``; off unless the token and the phone number id are set.
Delivery: ``HALO_NOTIFICATIONS_MAX_ATTEMPTS`` (5), ``HALO_NOTIFICATIONS_BACKOFF_S`` (30: the
wait after the first failure, doubled after each further one, at most
``HALO_NOTIFICATIONS_MAX_BACKOFF_S``, 3600), ``HALO_NOTIFICATIONS_GROUP``
(``gateway-notifications``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from shared.settings import SettingsError, env, env_int, is_production, var_dir

TEMPLATES_DIR = Path(__file__).with_name("templates")


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 587
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    sender: str = "Halo Lamsel <no-reply@halo.lampungselatankab.go.id>"
    starttls: bool = True
    timeout_s: float = 15.0


@dataclass(frozen=True)
class WhatsAppSettings:
    token: str = field(repr=False)
    phone_number_id: str
    url: str = "https://graph.facebook.com"
    version: str = "v21.0"
    timeout_s: float = 15.0


@dataclass(frozen=True)
class NotificationSettings:
    smtp: SmtpSettings | None = None
    maildir: Path | None = None
    """Where e-mail goes when no SMTP host is set (development and all-in-one)."""
    whatsapp: WhatsAppSettings | None = None
    max_attempts: int = 5
    backoff_s: float = 30.0
    max_backoff_s: float = 3600.0
    lease_s: float = 120.0
    """How long a claimed row stays with the worker that sends it before another may retry."""
    batch: int = 50
    poll_s: float = 2.0
    group: str = "gateway-notifications"
    dead_letter_topic: str = "halo.notifications.dead-letter.v1"
    templates_dir: Path = TEMPLATES_DIR

    def backoff(self, attempts: int) -> float:
        """Seconds to wait after the ``attempts``-th failed attempt."""
        return float(min(self.backoff_s * 2 ** max(attempts - 1, 0), self.max_backoff_s))

    @classmethod
    def from_env(cls) -> NotificationSettings:
        host = env("HALO_SMTP_HOST")
        smtp = None
        if host:
            smtp = SmtpSettings(host=host, port=env_int("HALO_SMTP_PORT", 587),
                                user=env("HALO_SMTP_USER") or None,
                                password=env("HALO_SMTP_PASSWORD") or None,
                                sender=env("HALO_SMTP_FROM") or SmtpSettings.sender,
                                starttls=(env("HALO_SMTP_STARTTLS", "1") or "1") == "1")
        maildir = None
        if smtp is None and not is_production():
            maildir = Path(env("HALO_NOTIFICATIONS_MAILDIR") or var_dir() / "mail")
        token, phone_id = env("HALO_WHATSAPP_TOKEN"), env("HALO_WHATSAPP_PHONE_NUMBER_ID")
        whatsapp = None
        if token and phone_id:
            whatsapp = WhatsAppSettings(
                token=token, phone_number_id=phone_id,
                url=(env("HALO_WHATSAPP_URL") or WhatsAppSettings.url).rstrip("/"),
                version=env("HALO_WHATSAPP_VERSION") or WhatsAppSettings.version)
        attempts = env_int("HALO_NOTIFICATIONS_MAX_ATTEMPTS", 5)
        if attempts < 1:
            raise SettingsError("HALO_NOTIFICATIONS_MAX_ATTEMPTS minimal 1")
        return cls(smtp=smtp, maildir=maildir, whatsapp=whatsapp, max_attempts=attempts,
                   backoff_s=float(env_int("HALO_NOTIFICATIONS_BACKOFF_S", 30)),
                   max_backoff_s=float(env_int("HALO_NOTIFICATIONS_MAX_BACKOFF_S", 3600)),
                   group=env("HALO_NOTIFICATIONS_GROUP") or "gateway-notifications")




def startup_line(settings: NotificationSettings | None = None) -> str:
    """Where e-mail notifications go, for the all-in-one start-up text."""
    conf = settings or NotificationSettings.from_env()
    if conf.smtp is not None:
        return f"E-mail notifications: SMTP {conf.smtp.host}:{conf.smtp.port}"
    if conf.maildir is not None:
        return (f"E-mail notifications: Maildir {conf.maildir}  (read: mutt -f {conf.maildir}, "
                f"or ls {conf.maildir}/new)")
    return "E-mail notifications: off (HALO_SMTP_HOST is not set)"
