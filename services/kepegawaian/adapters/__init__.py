"""External systems of the BKD, each behind a small interface (ARCHITECTURE.md §8)."""
