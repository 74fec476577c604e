"""External systems the pajak service calls out to (one module each, behind a Protocol)."""
