"""Cases of one service: the SOP catalog, the store (all queries) and the case service."""
