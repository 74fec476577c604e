"""Case events: the envelope, the bus interface (Kafka and in-process), the outbox relay and
the idempotent consumer helper. Business code writes outbox rows; it never touches a producer.
"""
