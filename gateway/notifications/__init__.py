"""Notifications: a consumer of every service's case events that tells applicants and
officers what happened (in-app feed, e-mail, WhatsApp), exactly once per event, account,
channel and kind of message. See docs/notifications.md."""
