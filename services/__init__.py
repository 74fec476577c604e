"""Department services of Halo Lamsel: each owns its SOP flows (see ../shared/seed/sop-index.md)."""
