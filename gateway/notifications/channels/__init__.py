"""Delivery channels behind one small interface (:class:`base.Channel`): e-mail over SMTP
or into a local Maildir (:mod:`.mail`), WhatsApp over the Business Cloud API
(:mod:`.whatsapp`). The in-app channel needs none: its row is the feed."""
