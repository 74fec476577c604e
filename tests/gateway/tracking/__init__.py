"""Gateway tracking tests."""
