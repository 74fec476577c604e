"""End-to-end suites across processes."""
