"""The pure SOP engine: cases move along SOP definitions; no I/O here."""
