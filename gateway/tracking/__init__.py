"""Unified tracking: a read model in the gateway database, fed by every service's case
events, serving the citizen's timeline, "my cases" and the officers' inbox."""
