"""The Halo Lamsel gateway: the only public entry (identity and tokens, routing, catalog,
unified tracking and the officer inbox)."""
