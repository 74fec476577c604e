"""Gateway webhook tests."""
