"""Gateway routing tests."""
