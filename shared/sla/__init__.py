"""SLA enforcement: the overdue sweeper."""
