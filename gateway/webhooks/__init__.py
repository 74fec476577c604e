"""Outbound webhooks: an agency's integration account told of its cases' events over HTTPS."""
