"""E-mail: over SMTP (stdlib ``smtplib`` in a worker thread), or into a local Maildir when no
SMTP host is configured (all-in-one: read ``var/mail`` with ``mutt -f var/mail``, or
``ls var/mail/new`` and ``cat`` a file).

SMTP replies decide the error: 4xx and a lost connection are retryable, 5xx is permanent
(except authentication failures, a configuration problem that a retry after the fix will
pass).
"""

from __future__ import annotations

import asyncio
import mailbox
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from gateway.notifications.channels.base import Message, PermanentError, RetryableError
from gateway.notifications.settings import SmtpSettings

AUTH_CODES = frozenset({530, 534, 535})


def build_email(message: Message, sender: str, footer: str = "") -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = message.to
    mail["Subject"] = message.subject
    mail["Date"] = formatdate(localtime=False)
    mail["Message-ID"] = make_msgid(idstring=message.notification_id, domain="halo-lamsel")
    mail["Content-Language"] = message.language
    mail["Auto-Submitted"] = "auto-generated"
    text = message.body + (f"\n\n{footer}" if footer else "")
    mail.set_content(text + "\n", charset="utf-8")
    return mail


def _classify(code: int, error: str) -> RetryableError | PermanentError:
    if 400 <= code < 500 or code in AUTH_CODES:
        return RetryableError(f"{error}-{code}", code)
    return PermanentError(f"{error}-{code}", code)


class SmtpChannel:
    name = "email"

    def __init__(self, settings: SmtpSettings, footer: str = "") -> None:
        self._settings = settings
        self._footer = footer

    async def send(self, message: Message) -> str | None:
        mail = build_email(message, self._settings.sender, self._footer)
        await asyncio.to_thread(self._send, mail)
        return str(mail["Message-ID"])

    def _send(self, mail: EmailMessage) -> None:
        conf = self._settings
        try:
            with smtplib.SMTP(conf.host, conf.port, timeout=conf.timeout_s) as smtp:
                smtp.ehlo()
                if conf.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                    smtp.ehlo()
                if conf.user:
                    smtp.login(conf.user, conf.password or "")
                smtp.send_message(mail)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            raise _classify(min(codes) if codes else 550, "smtp-rcpt") from None
        except smtplib.SMTPResponseException as exc:
            raise _classify(exc.smtp_code, "smtp") from None
        except smtplib.SMTPNotSupportedError:
            raise RetryableError("smtp-not-supported") from None
        except (smtplib.SMTPException, ssl.SSLError, TimeoutError, OSError) as exc:
            raise RetryableError(f"smtp-{type(exc).__name__}") from None

    async def aclose(self) -> None:
        return None


class MaildirChannel:
    """Every e-mail into one local Maildir (``new/``), as a mail server would deliver it."""

    name = "email"

    def __init__(self, folder: Path, sender: str, footer: str = "") -> None:
        self.folder = folder
        self._sender = sender
        self._footer = footer

    async def send(self, message: Message) -> str | None:
        mail = build_email(message, self._sender, self._footer)
        try:
            await asyncio.to_thread(self._deliver, mail)
        except OSError as exc:
            raise RetryableError(f"maildir-{type(exc).__name__}") from None
        return str(mail["Message-ID"])

    def _deliver(self, mail: EmailMessage) -> None:
        box = mailbox.Maildir(self.folder, create=True)
        box.add(mail)

    async def aclose(self) -> None:
        return None
