"""Gateway notification tests."""
