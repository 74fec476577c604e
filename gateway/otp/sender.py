"""How a code reaches the phone: the notification channels of the gateway.

The WhatsApp channel (Business Cloud API, :mod:`gateway.notifications.channels.whatsapp`)
when it is configured. Without it, in development and all-in-one only, the local Maildir of
the e-mail channel catches the message (``var/mail/new``, addressed to the number), as every
other notification is caught there. Otherwise (production without WhatsApp) there is no
channel and the code request answers 503. The code is in the message body only: never in a
log, an event or a stored notification row.
"""

from __future__ import annotations

import uuid

from gateway.notifications.channels.base import Channel, DeliveryError, Message
from gateway.notifications.channels.mail import MaildirChannel
from gateway.notifications.routes import STATE_KEY as NOTIFICATIONS
from gateway.runtime import GatewayRuntime


def code_channel(runtime: GatewayRuntime) -> Channel | None:
    state = runtime.state.get(NOTIFICATIONS)
    channels: dict[str, Channel] = state.worker.channels if state is not None else {}
    if "whatsapp" in channels:
        return channels["whatsapp"]
    email = channels.get("email")
    return email if isinstance(email, MaildirChannel) else None


def code_message(phone: str, code: str, ttl_s: int) -> Message:
    minutes = max(1, ttl_s // 60)
    body = (f"Kode Halo Lamsel Anda: {code}. Berlaku {minutes} menit, untuk laporan darurat "
            f"Damkar. Jangan berikan kode ini kepada siapa pun.")
    return Message(notification_id=str(uuid.uuid4()), to=phone,
                   subject="Kode verifikasi Halo Lamsel", body=body)


async def send_code(channel: Channel, phone: str, code: str, ttl_s: int) -> bool:
    """Deliver the code once; False when the channel refused or failed."""
    try:
        await channel.send(code_message(phone, code, ttl_s))
    except DeliveryError:
        return False
    return True
