"""One OpenAPI document for the whole public API: the gateway's own routes and every
service's, under ``/api/v1/<service>``."""
