"""Routing: ``/api/v1/<service>/...`` forwarded to the service, streamed both ways."""
