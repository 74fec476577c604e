"""Gateway catalog tests."""
