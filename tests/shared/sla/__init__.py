"""Sweeper tests."""
